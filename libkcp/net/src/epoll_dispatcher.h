#pragma once

#include <QAbstractEventDispatcher>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <pthread.h>
#include <unordered_map>
#include <vector>

class QSocketNotifier;
struct epoll_event;

namespace kcp::net::detail
{

// The worker threads' event dispatcher (Linux): epoll for socket notifiers, an eventfd for
// wake-ups, and a short timer list. Qt's default dispatchers (glib, or poll() in the UNIX one)
// rebuild and scan the set of every watched descriptor on each pass and take several locks, so a
// worker with thousands of client sockets paid O(sockets) per datagram; here a pass costs
// O(ready descriptors + timers). Semantics follow Qt's UNIX dispatcher: level-triggered
// notifiers, posted events first, QTimerEvents for due timers, interrupt() and wakeUp() from any
// thread. Installed with QThread::setEventDispatcher() before the worker starts; set
// KCPDESK_DISPATCHER=qt to keep Qt's own.
class EpollDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollDispatcher(QObject* parent = nullptr);
    ~EpollDispatcher() override;

    // False when epoll/eventfd could not be created (then don't install it).
    bool isValid() const { return m_epoll >= 0 && m_wake >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier* notifier) override;
    void unregisterSocketNotifier(QSocketNotifier* notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject* object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject* object) override;
    QList<TimerInfo> registeredTimers(QObject* object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

    // How often a wait began by spinning, and how many of those spins found work.
    struct SpinStats
    {
        std::uint64_t spins = 0;
        std::uint64_t hits = 0;
    };
    SpinStats spinStats() const { return m_spinStats; }
    // 0 turns spinning off. Default DefaultSpinUs, or KCPDESK_SPIN_US (0..1000).
    void setSpinMicroseconds(int us) { m_spinNs = qint64(std::max(us, 0)) * 1000; }
    static constexpr int DefaultSpinUs = 50;

private:
    struct Watch
    {
        QSocketNotifier* read = nullptr;
        QSocketNotifier* write = nullptr;
        QSocketNotifier* exception = nullptr;
        std::uint32_t events = 0;     // what epoll currently watches for this descriptor
        std::uint32_t generation = 0; // tags epoll events: a stale one never reaches a new watch
    };
    struct Timer
    {
        int id;
        qint64 intervalMs;
        Qt::TimerType type;
        QObject* object;
        qint64 dueNs;
        bool firing = false; // its handler is running (Qt never re-enters a timer)
    };

    int waitTimeoutMs() const;
    int waitSpinningFirst(epoll_event* events, int maxEvents, int timeoutMs);
    bool fireTimers();

    int m_epoll = -1;
    int m_wake = -1;
    std::atomic<bool> m_wakePending{false};
    // The thread running processEvents (set by it). A wake-up from that thread cannot find it
    // asleep: it only needs the next wait not to block, so it costs no eventfd write and read.
    std::atomic<pthread_t> m_owner{};
    bool m_localWake = false;
    std::atomic<bool> m_interrupted{false};
    std::unordered_map<int, Watch> m_watches;
    std::uint32_t m_generation = 0;
    std::vector<Timer> m_timers;
    qint64 m_spinNs;
    bool m_spinning = false; // the last wait was short enough that the next one spins first
    SpinStats m_spinStats;
};

// Whether worker threads get an EpollDispatcher (Linux, unless KCPDESK_DISPATCHER=qt).
bool useEpollDispatcher();

} // namespace kcp::net::detail
