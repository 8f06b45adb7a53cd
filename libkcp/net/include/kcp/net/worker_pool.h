#pragma once

#include "kcp/net/socket_counters.h"
#include "kcp/snmp_counters.h"

#include <QObject>

class QAbstractEventDispatcher;

#include <atomic>
#include <memory>
#include <vector>

namespace kcp::net
{

namespace detail
{
class KcpServerPrivate;
class KcpSocketPrivate;
class Worker;
} // namespace detail

// Socket-level counters over every UDP socket of the process (closed ones included), plus the
// workers' own wake-ups.
struct IoStats : SocketCounters
{
    // Deadline timer firings and session timer services. Idle (parked) sessions add nothing to
    // either.
    quint64 timerWakeups = 0;
    quint64 timerServices = 0;

    IoStats& operator+=(const IoStats& o)
    {
        SocketCounters::operator+=(o);
        timerWakeups += o.timerWakeups;
        timerServices += o.timerServices;
        return *this;
    }
};

// The event dispatcher the workers run on (Linux: epoll; O(ready descriptors) per pass instead of
// Qt's O(all)), or nullptr where there is none or KCPDESK_DISPATCHER=qt. A command-line program
// may install it for its main thread too, before QCoreApplication exists:
//     if (auto* d = kcp::net::createEventDispatcher()) QCoreApplication::setEventDispatcher(d);
// Not for GUI threads (the platform plugin brings its own). The caller owns the result.
QAbstractEventDispatcher* createEventDispatcher();

// The process-wide pool of worker QThreads that runs every KcpSocket and KcpServer session
// (DESIGN.md "net owns threads and sockets"). Each worker owns its UDP sockets and sessions and
// one timer armed at the earliest deadline among them. Created on first use by the thread that
// uses it first (normally the main thread, where it lives and emits), and stopped when
// QCoreApplication is destroyed. All members are for that thread unless stated.
class WorkerPool : public QObject
{
    Q_OBJECT

public:
    static WorkerPool* instance();

    // Worker threads to start (default 1, or KCPDESK_WORKERS). 0 runs every session inline in
    // the thread that creates the pool (normally the main thread), the way QTcpSocket does its
    // I/O in its own thread: no hand-off between a socket and its session, at the price of
    // sharing that thread's event loop (for latency-bound programs with little else to do, and
    // single-threaded tools). Only before the pool exists; returns false afterwards. Any thread.
    static bool setThreadCount(int count);
    int threadCount() const;

    // How often (1..10 Hz) workers publish snmpUpdated() and each KcpSocket::statsUpdated().
    void setStatsRate(int hz);
    int statsRate() const;

    // kcp-go's DefaultSnmp for this process: every session's counters, those of closed sessions
    // included, plus the net layer's own (ActiveOpens, PassiveOpens, CurrEstab, MaxConn, and
    // InErrs / InCsumErrors for datagrams no session took). The last published value (zeros
    // before the first), or a fresh one gathered synchronously from every worker by collect()
    // (blocks until each worker has answered; for tests and tools, not for a GUI tick).
    SnmpCounters snmp() const;
    SnmpCounters collect();
    // Like collect(), for the sockets.
    IoStats collectIo();

    // Sessions alive right now, over all workers (CurrEstab). Any thread.
    int sessionCount() const;

signals:
    // Process-wide counters, statsRate() times per second while anything is connected here; no
    // worker gathers them otherwise.
    void snmpUpdated(const kcp::SnmpCounters& counters);

protected:
    void connectNotify(const QMetaMethod& signal) override;
    void disconnectNotify(const QMetaMethod& signal) override;

private:
    friend class KcpSocket;
    friend class KcpServer;
    friend class detail::KcpServerPrivate;
    friend class detail::KcpSocketPrivate;
    friend class detail::Worker;

    explicit WorkerPool(int threads);
    ~WorkerPool() override;
    static void shutdown();

    // The worker with the fewest sessions (ties: lowest index). Any thread.
    detail::Worker* pickWorker();
    static quint64 nextId();
    void onWorkerSnapshot(int index, const SnmpCounters& counters);
    void updatePublishing();

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kcp::net
