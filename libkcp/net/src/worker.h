#pragma once

#include "conv_peeker.h"
#include "datagram_io.h"
#include "deadline_heap.h"
#include "endpoint.h"
#include "links.h"

#include "kcp/net/kcp_server.h"
#include "kcp/net/kcp_socket.h"
#include "kcp/net/net_options.h"
#include "kcp/net/worker_pool.h"
#include "kcp/random_source.h"
#include "kcp/session_core.h"

#include <QAbstractSocket>
#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <deque>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kcp::net
{
class WorkerPool;
}

namespace kcp::net::detail
{

class Worker;
using SocketLink = Link<KcpSocket>;
using ServerLink = Link<KcpServer>;

// Shared by a KcpServer and its listener in the worker.
struct ServerShared
{
    ServerLink link;
    // Sessions created but not yet taken by nextPendingConnection(): the worker adds, the
    // server's thread subtracts; the listener refuses new sessions at maxPendingConnections.
    std::atomic<int> pending{0};
    std::atomic<int> maxPending{128}; // KcpServer::setMaxPendingConnections, live

    explicit ServerShared(KcpServer* server) : link(server) {}
};

struct ClientRequest
{
    quint64 id = 0;
    KcpOptions options;
    QHostAddress bindAddress; // null: any address of the peer's family
    quint16 bindPort = 0;
    QHostAddress peer;
    quint16 peerPort = 0;
    bool wantStats = false;
    std::shared_ptr<SocketLink> link;
    std::shared_ptr<DataChannel> channel;
};

struct ListenRequest
{
    quint64 id = 0;
    ServerOptions options;
    QHostAddress address;
    quint16 port = 0;
    std::shared_ptr<ServerShared> shared;
};

struct ListenResult
{
    bool ok = false;
    QString error;
    QAbstractSocket::SocketError errorKind = QAbstractSocket::UnknownSocketError;
    QHostAddress address;
    quint16 port = 0;
    IoBackend backend = IoBackend::Qt;
};

// What the worker tells a KcpServer about a session it opened.
struct IncomingSession
{
    quint64 id = 0;
    Worker* worker = nullptr;
    std::shared_ptr<SocketLink> link;
    std::shared_ptr<DataChannel> channel;
    QHostAddress peer;
    quint16 peerPort = 0;
    QHostAddress local;
    quint16 localPort = 0;
    quint32 conv = 0;
    IoBackend backend = IoBackend::Qt;
    KcpOptions options;
    qint64 initialCredit = 0; // receive bytes granted before the socket exists
};

// One worker thread's state: its UDP sockets (transports), their sessions, the deadline heap and
// the one timer armed at its top. Every member runs in the worker's thread; other threads only
// post() commands (queued, so per-sender order is kept).
//
// One pass: an entry point (datagram batch, timer, command) touches sessions and marks them
// dirty; finishPass() then services each dirty session once (feed writes, drain its transmit
// queue to the socket, hand received bytes to its KcpSocket), flushes each touched socket once
// (one sendmmsg for everything), and re-arms the timer. Sessions with nothing in flight and no
// recent activity are parked (no deadline at all) until the next datagram or command, so idle
// sessions cost no wake-ups.
class Worker : public QObject
{
    Q_OBJECT

public:
    Worker(WorkerPool* pool, int index);
    ~Worker() override;

    int index() const { return m_index; }
    // Any thread.
    int sessionCount() const { return m_sessionCount.load(std::memory_order_relaxed); }

    // Runs f in this worker's thread. Any thread. A no-op once the pool has shut down (a socket
    // outliving QCoreApplication, e.g. a static, must not touch a deleted worker).
    template <typename F> void post(F&& f)
    {
        if (!workersRunning())
            return;
        m_queued.fetch_add(1, std::memory_order_relaxed);
        QMetaObject::invokeMethod(
            this,
            [this, f = std::forward<F>(f)]() mutable
            {
                m_queued.fetch_sub(1, std::memory_order_relaxed);
                f();
            },
            Qt::QueuedConnection);
    }
    // Like post(), but runs f at once when called in this worker's own thread (the inline pool,
    // or a socket living in a worker thread) with no command queued before it, so the order of
    // commands is kept: a write from a readyRead slot then flushes in the same pass, carrying
    // the ACKs it owes instead of a separate ACK datagram. Worker code never calls user code
    // synchronously (every notification is queued), so this cannot re-enter the worker.
    template <typename F> void runOrPost(F&& f)
    {
        if (QThread::currentThread() == thread() && workersRunning() &&
            m_queued.load(std::memory_order_relaxed) == 0)
            f();
        else
            post(std::forward<F>(f));
    }
    static bool workersRunning();

    // --- Commands (worker thread) ---
    void openClient(ClientRequest request);
    ListenResult listen(const ListenRequest& request);
    void closeListener(quint64 listenerId);
    // Takes what the socket wrote into the session's DataChannel.
    void drainWrites(quint64 id);
    void addCredit(quint64 id, qint64 bytes);
    void disconnectSession(quint64 id);
    void abortSession(quint64 id);
    void setSessionStats(quint64 id, bool on);
    void setSnmpPublishing(bool on, int intervalMs);
    void setStatsInterval(int intervalMs);
    SnmpCounters collectSnmp();
    IoStats collectIo();
    void shutdown();

private:
    struct Transport;
    struct Listener;
    struct Session;

    qint64 now() const { return m_clock.elapsed(); }

    void onClientDatagrams(Transport* transport, std::span<RxDatagram> batch);
    void onListenerDatagrams(Transport* transport, std::span<RxDatagram> batch);
    void demux(Listener& listener, RxDatagram& datagram, qint64 now);
    void createServerSession(Listener& listener, const RxDatagram& datagram,
                             const ConvPeeker::Header& header, qint64 now);
    void input(Session& session, const RxDatagram& datagram, qint64 now);
    void takeWrites(Session& session);
    void notifySocket(Session& session);

    void onTimer();
    void onStatsTick();
    void timerService(Session& session, qint64 now);
    void service(Session& session, qint64 now);
    void schedule(Session& session, qint64 now);
    void markDirty(Session& session);
    void finishPass(qint64 now);
    void flushOwedAcks();
    void rearm(qint64 now);

    Session* find(quint64 id) const;
    // Ends a session: error == UnknownSocketError with empty message means a clean close.
    void endSession(Session& session, QAbstractSocket::SocketError error, const QString& message,
                    bool notify);
    void releaseTransport(Transport* transport);
    void reap();
    void updateStatsTimer();

    WorkerPool* m_pool;
    int m_index;
    QElapsedTimer m_clock;
    QTimer* m_timer;
    QTimer* m_statsTimer;
    qint64 m_armedFor = -1;
    std::unique_ptr<ChaChaRandom> m_random;
    DeadlineHeap m_heap;

    std::unordered_map<quint64, std::unique_ptr<Session>> m_sessions;
    std::unordered_map<Transport*, std::unique_ptr<Transport>> m_transports;
    std::unordered_map<quint64, Transport*> m_listeners;
    std::vector<Session*> m_dirty;
    std::vector<Transport*> m_dirtyTransports;
    std::vector<std::unique_ptr<Session>> m_deadSessions;
    std::vector<std::unique_ptr<Transport>> m_deadTransports;
    std::unordered_set<Session*> m_statsSessions;
    std::atomic<int> m_queued{0};   // commands posted and not yet run
    std::vector<quint64> m_ackOwed; // sessions whose ACKs wait for the end of this pass
    bool m_ackFlushPosted = false;
    int m_ioDepth = 0; // > 0 inside a socket's receive callback: nothing may be destroyed
    std::atomic<int> m_sessionCount{0};

    bool m_snmpPublishing = false;
    int m_statsIntervalMs = 1000;
    SnmpCounters m_retired; // counters of sessions that ended
    SnmpCounters m_orphans; // InErrs / InCsumErrors of datagrams no session took
    IoCounters m_retiredIo; // counters of sockets that were closed
    quint64 m_timerWakeups = 0;
    quint64 m_timerServices = 0;
};

} // namespace kcp::net::detail

namespace kcp::net::detail
{

// kcp-go's process-wide, net-level SNMP fields (the rest are summed from sessions).
struct NetCounters
{
    std::atomic<std::uint64_t> activeOpens{0};
    std::atomic<std::uint64_t> passiveOpens{0};
    std::atomic<std::uint64_t> currEstab{0};
    std::atomic<std::uint64_t> maxConn{0};

    void opened(bool active);
    void closed();
};

NetCounters& netCounters();

} // namespace kcp::net::detail
