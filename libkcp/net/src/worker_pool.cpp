#include "kcp/net/worker_pool.h"

#include "worker.h"

#ifdef Q_OS_LINUX
#include "epoll_dispatcher.h"
#endif

#include <QCoreApplication>
#include <QMetaMethod>
#include <QMutex>
#include <QThread>

#include <algorithm>

namespace kcp::net
{

namespace
{

QMutex g_poolMutex;
WorkerPool* g_pool = nullptr;
int g_requestedThreads = -1; // -1: KCPDESK_WORKERS or 1
std::atomic<quint64> g_nextId{1};
std::atomic<bool> g_running{false};

int defaultThreadCount()
{
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue("KCPDESK_WORKERS", &ok);
    return ok && fromEnv >= 0 ? std::min(fromEnv, 64) : 1;
}

} // namespace

bool detail::Worker::workersRunning()
{
    return g_running.load(std::memory_order_acquire);
}

QAbstractEventDispatcher* createEventDispatcher()
{
#ifdef Q_OS_LINUX
    if (detail::useEpollDispatcher())
    {
        auto* dispatcher = new detail::EpollDispatcher;
        if (dispatcher->isValid())
            return dispatcher;
        delete dispatcher;
    }
#endif
    return nullptr;
}

struct WorkerPool::Private
{
    std::vector<QThread*> threads;
    std::vector<detail::Worker*> workers;
    std::vector<SnmpCounters> snapshots;
    SnmpCounters last;
    int statsRate = 1;
    bool publishing = false;
};

WorkerPool* WorkerPool::instance()
{
    QMutexLocker lock(&g_poolMutex);
    if (!g_pool)
    {
        qRegisterMetaType<kcp::SessionStats>();
        qRegisterMetaType<kcp::SnmpCounters>();
        g_pool = new WorkerPool(g_requestedThreads >= 0 ? g_requestedThreads : defaultThreadCount());
        qAddPostRoutine(&WorkerPool::shutdown);
    }
    return g_pool;
}

bool WorkerPool::setThreadCount(int count)
{
    QMutexLocker lock(&g_poolMutex);
    if (g_pool || count < 0)
        return false;
    g_requestedThreads = std::min(count, 64);
    return true;
}

WorkerPool::WorkerPool(int threads) : d(std::make_unique<Private>())
{
    if (threads == 0)
    {
        // Inline: one worker in this thread, like QTcpSocket doing its I/O in its own thread.
        // Nothing crosses a thread between the sockets and their sessions.
        d->snapshots.resize(1);
        d->threads.push_back(nullptr);
        d->workers.push_back(new detail::Worker(this, 0));
        g_running.store(true, std::memory_order_release);
        return;
    }
    d->snapshots.resize(static_cast<std::size_t>(threads));
    for (int i = 0; i < threads; ++i)
    {
        auto* thread = new QThread;
        thread->setObjectName(QStringLiteral("kcp-worker-%1").arg(i));
        if (QAbstractEventDispatcher* dispatcher = createEventDispatcher())
            thread->setEventDispatcher(dispatcher);
        auto* worker = new detail::Worker(this, i);
        worker->moveToThread(thread);
        thread->start();
        d->threads.push_back(thread);
        d->workers.push_back(worker);
    }
    g_running.store(true, std::memory_order_release);
}

WorkerPool::~WorkerPool()
{
    g_running.store(false, std::memory_order_release);
    for (std::size_t i = 0; i < d->workers.size(); ++i)
    {
        detail::Worker* worker = d->workers[i];
        QThread* thread = d->threads[i];
        if (!thread)
            worker->shutdown();
        else if (thread->isRunning())
        {
            QMetaObject::invokeMethod(
                worker, [worker] { worker->shutdown(); }, Qt::BlockingQueuedConnection);
            thread->quit();
            thread->wait();
        }
        delete worker;
        delete thread;
    }
}

void WorkerPool::shutdown()
{
    WorkerPool* pool = nullptr;
    {
        QMutexLocker lock(&g_poolMutex);
        pool = g_pool;
        g_pool = nullptr;
    }
    delete pool;
}

int WorkerPool::threadCount() const
{
    return d->threads.front() ? static_cast<int>(d->threads.size()) : 0;
}

void WorkerPool::setStatsRate(int hz)
{
    d->statsRate = std::clamp(hz, 1, 10);
    const int interval = 1000 / d->statsRate;
    for (detail::Worker* w : d->workers)
        w->post([w, interval] { w->setStatsInterval(interval); });
}

int WorkerPool::statsRate() const
{
    return d->statsRate;
}

SnmpCounters WorkerPool::snmp() const
{
    return d->last;
}

namespace
{

// Runs query in worker's thread and returns its value: directly when already there (a blocking
// queued call to one's own thread would deadlock), else by a blocking queued call.
template<typename Query>
auto askWorker(detail::Worker* worker, Query query)
{
    if (QThread::currentThread() == worker->thread())
        return query();
    decltype(query()) result{};
    QMetaObject::invokeMethod(
        worker, [&result, &query] { result = query(); }, Qt::BlockingQueuedConnection);
    return result;
}

} // namespace

SnmpCounters WorkerPool::collect()
{
    SnmpCounters total;
    for (detail::Worker* w : d->workers)
        total += askWorker(w, [w] { return w->collectSnmp(); });
    const detail::NetCounters& n = detail::netCounters();
    total.ActiveOpens = n.activeOpens.load();
    total.PassiveOpens = n.passiveOpens.load();
    total.CurrEstab = n.currEstab.load();
    total.MaxConn = n.maxConn.load();
    return total;
}

IoStats WorkerPool::collectIo()
{
    IoStats total;
    for (detail::Worker* w : d->workers)
    {
        total += askWorker(w, [w] { return w->collectIo(); });
    }
    return total;
}

int WorkerPool::sessionCount() const
{
    return static_cast<int>(detail::netCounters().currEstab.load());
}

detail::Worker* WorkerPool::pickWorker()
{
    // Least loaded; ties go round-robin, so that a listener and the first client (or a burst of
    // clients opened before any session exists) spread over the workers.
    static std::atomic<unsigned> rotation{0};
    const std::size_t n = d->workers.size();
    const std::size_t start = rotation.fetch_add(1, std::memory_order_relaxed) % n;
    detail::Worker* best = d->workers[start];
    for (std::size_t i = 1; i < n; ++i)
    {
        detail::Worker* w = d->workers[(start + i) % n];
        if (w->sessionCount() < best->sessionCount())
            best = w;
    }
    return best;
}

quint64 WorkerPool::nextId()
{
    return g_nextId.fetch_add(1, std::memory_order_relaxed);
}

void WorkerPool::onWorkerSnapshot(int index, const SnmpCounters& counters)
{
    d->snapshots[static_cast<std::size_t>(index)] = counters;
    // Worker 0 sets the pace: one emission per tick, with the others' latest values.
    if (index != 0)
        return;
    SnmpCounters total;
    for (const SnmpCounters& part : d->snapshots)
        total += part;
    const detail::NetCounters& n = detail::netCounters();
    total.ActiveOpens = n.activeOpens.load();
    total.PassiveOpens = n.passiveOpens.load();
    total.CurrEstab = n.currEstab.load();
    total.MaxConn = n.maxConn.load();
    d->last = total;
    emit snmpUpdated(total);
}

void WorkerPool::connectNotify(const QMetaMethod& signal)
{
    if (signal == QMetaMethod::fromSignal(&WorkerPool::snmpUpdated))
        QMetaObject::invokeMethod(
            this, [this] { updatePublishing(); }, Qt::QueuedConnection);
}

void WorkerPool::disconnectNotify(const QMetaMethod& signal)
{
    // An invalid method means "all signals" (disconnect()).
    if (!signal.isValid() || signal == QMetaMethod::fromSignal(&WorkerPool::snmpUpdated))
        QMetaObject::invokeMethod(
            this, [this] { updatePublishing(); }, Qt::QueuedConnection);
}

void WorkerPool::updatePublishing()
{
    const bool wanted = isSignalConnected(QMetaMethod::fromSignal(&WorkerPool::snmpUpdated));
    if (wanted == d->publishing)
        return;
    d->publishing = wanted;
    const int interval = 1000 / d->statsRate;
    for (detail::Worker* w : d->workers)
        w->post([w, wanted, interval] { w->setSnmpPublishing(wanted, interval); });
}

} // namespace kcp::net
