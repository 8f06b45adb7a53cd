#pragma once

#include <QByteArray>
#include <QMetaObject>
#include <QMutex>
#include <QMutexLocker>
#include <QObject>

#include <atomic>
#include <deque>
#include <functional>
#include <vector>

namespace kcp::net::detail
{

// The only shared state between a user-thread object (KcpSocket, KcpServer) and a worker: who to
// deliver to. The worker posts a functor, the functor runs in the target's thread (queued, in
// order). The mutex makes "is the target still alive" and "post the event" one step, so a
// target being destroyed in its own thread can never receive an event posted to freed memory;
// Qt drops events already queued for a destroyed object.
//
// A link may be created before its target exists (a server session is born in the worker, its
// KcpSocket later in the server's thread): until attach(), events are parked and then replayed in
// order. After detach() events are dropped and post() returns false.
template <typename Target> class Link
{
public:
    using Event = std::function<void(Target*)>;

    // Runs event(target) in the target's thread. False when the target is gone.
    bool post(Event event)
    {
        QMutexLocker lock(&m_mutex);
        if (m_state == State::Detached)
            return false;
        if (m_state == State::Pending)
        {
            m_parked.push_back(std::move(event));
            return true;
        }
        Target* target = m_target;
        QMetaObject::invokeMethod(
            target, [target, event = std::move(event)] { event(target); }, Qt::QueuedConnection);
        return true;
    }

    // From the target's thread.
    void attach(Target* target)
    {
        QMutexLocker lock(&m_mutex);
        if (m_state != State::Pending)
            return;
        m_target = target;
        m_state = State::Attached;
        for (Event& event : m_parked)
            QMetaObject::invokeMethod(
                target, [target, event = std::move(event)] { event(target); },
                Qt::QueuedConnection);
        m_parked.clear();
    }

    // From the target's thread, before it dies.
    void detach()
    {
        QMutexLocker lock(&m_mutex);
        m_state = State::Detached;
        m_target = nullptr;
        m_parked.clear();
    }

    bool attached() const
    {
        QMutexLocker lock(&m_mutex);
        return m_state == State::Attached;
    }

    explicit Link(Target* target = nullptr)
        : m_target(target), m_state(target ? State::Attached : State::Pending)
    {
    }

private:
    enum class State
    {
        Pending,
        Attached,
        Detached,
    };

    mutable QMutex m_mutex;
    Target* m_target;
    State m_state;
    std::vector<Event> m_parked;
};

// The byte streams between a KcpSocket and its session. Each side appends under the mutex and
// posts a notification only when the other side has not been told yet, so a burst of writes (or
// of received datagrams) costs one cross-thread event however many pieces it has, and data never
// waits for an extra pass of the sender's event loop. The notifications themselves are ordinary
// queued commands / events, ordered with everything else the two sides send each other.
struct DataChannel
{
    // Pieces appended to `outbound` grow up to this size before a new one starts.
    static constexpr qsizetype PieceSize = 64 * 1024;

    QMutex mutex;
    // user -> worker: written bytes not yet taken by the worker
    std::deque<QByteArray> outbound;
    bool workerNotified = false;
    // worker -> user: received bytes, and bytes KCP accepted since the last notification
    std::deque<QByteArray> inbound;
    qint64 written = 0;
    bool userNotified = false;
};

} // namespace kcp::net::detail
