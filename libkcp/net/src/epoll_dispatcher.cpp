#include "epoll_dispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <ctime>
#include <utility>

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace kcp::net::detail
{

namespace
{

qint64 monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<qint64>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

constexpr int MaxEvents = 256;

} // namespace

bool useEpollDispatcher()
{
    return qgetenv("KCPDESK_DISPATCHER").toLower() != "qt";
}

qint64 defaultSpinNs()
{
    bool ok = false;
    const int us = qEnvironmentVariableIntValue("KCPDESK_SPIN_US", &ok);
    return ok && us >= 0 ? qint64(std::min(us, 1000)) * 1000
                         : qint64(EpollDispatcher::DefaultSpinUs) * 1000;
}

EpollDispatcher::EpollDispatcher(QObject* parent)
    : QAbstractEventDispatcher(parent), m_spinNs(defaultSpinNs())
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epoll >= 0 && m_wake >= 0)
    {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = static_cast<std::uint32_t>(m_wake); // generation 0: never a watch's
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev);
    }
}

EpollDispatcher::~EpollDispatcher()
{
    if (m_wake >= 0)
        ::close(m_wake);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

// QSocketNotifier registers itself while enabled and unregisters when disabled or destroyed, so
// "registered" is "enabled" here.
void EpollDispatcher::registerSocketNotifier(QSocketNotifier* notifier)
{
    const int fd = static_cast<int>(notifier->socket());
    Watch& w = m_watches[fd];
    switch (notifier->type())
    {
    case QSocketNotifier::Read:
        w.read = notifier;
        break;
    case QSocketNotifier::Write:
        w.write = notifier;
        break;
    case QSocketNotifier::Exception:
        w.exception = notifier;
        break;
    }
    std::uint32_t events = 0;
    if (w.read)
        events |= EPOLLIN;
    if (w.write)
        events |= EPOLLOUT;
    if (w.exception)
        events |= EPOLLPRI;
    if (events != w.events)
    {
        if (w.events == 0)
            w.generation = ++m_generation; // a new watch: events for an older one are stale
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 =
            static_cast<std::uint64_t>(w.generation) << 32 | static_cast<std::uint32_t>(fd);
        epoll_ctl(m_epoll, w.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
        w.events = events;
    }
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier* notifier)
{
    const int fd = static_cast<int>(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    Watch& w = it->second;
    if (w.read == notifier)
        w.read = nullptr;
    if (w.write == notifier)
        w.write = nullptr;
    if (w.exception == notifier)
        w.exception = nullptr;
    std::uint32_t events = 0;
    if (w.read)
        events |= EPOLLIN;
    if (w.write)
        events |= EPOLLOUT;
    if (w.exception)
        events |= EPOLLPRI;
    if (events == 0)
    {
        if (w.events != 0)
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        m_watches.erase(it);
        return;
    }
    if (events != w.events)
    {
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 =
            static_cast<std::uint64_t>(w.generation) << 32 | static_cast<std::uint32_t>(fd);
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
        w.events = events;
    }
}

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                    QObject* object)
{
    m_timers.push_back(
        Timer{timerId, interval, timerType, object, monotonicNs() + interval * 1000000, false});
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    const auto it = std::find_if(m_timers.begin(), m_timers.end(),
                                 [timerId](const Timer& t) { return t.id == timerId; });
    if (it == m_timers.end())
        return false;
    m_timers.erase(it);
    return true;
}

bool EpollDispatcher::unregisterTimers(QObject* object)
{
    const auto before = m_timers.size();
    std::erase_if(m_timers, [object](const Timer& t) { return t.object == object; });
    return m_timers.size() != before;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject* object) const
{
    QList<TimerInfo> list;
    for (const Timer& t : m_timers)
    {
        if (t.object == object)
            list.append(TimerInfo(t.id, static_cast<int>(t.intervalMs), t.type));
    }
    return list;
}

int EpollDispatcher::remainingTime(int timerId)
{
    for (const Timer& t : m_timers)
    {
        if (t.id == timerId)
            return static_cast<int>(std::max<qint64>(0, (t.dueNs - monotonicNs()) / 1000000));
    }
    return -1;
}

void EpollDispatcher::wakeUp()
{
    if (pthread_equal(m_owner.load(std::memory_order_relaxed), pthread_self()))
    {
        m_localWake = true;
        return;
    }
    // One write per sleep is enough; the flag is cleared when the eventfd is drained.
    if (!m_wakePending.exchange(true, std::memory_order_acq_rel))
    {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wake, &one, sizeof one);
    }
}

void EpollDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_release);
    wakeUp();
}

int EpollDispatcher::waitTimeoutMs() const
{
    qint64 earliest = LLONG_MAX;
    for (const Timer& t : m_timers)
    {
        if (!t.firing)
            earliest = std::min(earliest, t.dueNs);
    }
    if (earliest == LLONG_MAX)
        return -1;
    const qint64 left = earliest - monotonicNs();
    if (left <= 0)
        return 0;
    // Round up: waking early would only spin once more.
    return static_cast<int>(std::min<qint64>((left + 999999) / 1000000, INT_MAX));
}

bool EpollDispatcher::fireTimers()
{
    if (m_timers.empty())
        return false;
    const qint64 now = monotonicNs();
    // Ids first: a handler may register or unregister timers.
    std::vector<int> due;
    for (const Timer& t : m_timers)
    {
        if (!t.firing && t.dueNs <= now)
            due.push_back(t.id);
    }
    for (const int id : due)
    {
        const auto it = std::find_if(m_timers.begin(), m_timers.end(),
                                     [id](const Timer& t) { return t.id == id; });
        if (it == m_timers.end() || it->firing)
            continue;
        it->dueNs += it->intervalMs * 1000000;
        if (it->dueNs <= now)
            it->dueNs = now + it->intervalMs * 1000000;
        it->firing = true;
        QObject* object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        const auto after = std::find_if(m_timers.begin(), m_timers.end(),
                                        [id](const Timer& t) { return t.id == id; });
        if (after != m_timers.end())
            after->firing = false;
    }
    return !due.empty();
}

// A thread that goes to sleep in epoll_wait and is woken a few microseconds later by another
// thread (a worker handing a read to the application, the application handing back a reply)
// pays the wake-up twice: the futex/eventfd round and, on a virtual machine, the exit and
// re-entry of an idle vCPU, 20-40 us each on the 2-core VMs we measure on. Go's scheduler avoids
// the same cost by letting idle threads spin briefly before parking. Here a thread whose last
// wait ended within the spin budget polls (epoll_wait with timeout 0) for up to that budget
// before it blocks; a spin that finds nothing turns spinning off until a wait is short again.
// An idle thread, a paced stream (a datagram every 100 us or more) and timer-driven work
// therefore never spin; request/response traffic between threads does. Each poll is followed by
// sched_yield(), so a spinning thread never keeps a runnable one off its core.
int EpollDispatcher::waitSpinningFirst(epoll_event* events, int maxEvents, int timeoutMs)
{
    const qint64 start = monotonicNs();
    if (m_spinning && m_spinNs > 0)
    {
        const qint64 budget =
            timeoutMs < 0 ? m_spinNs : std::min<qint64>(m_spinNs, qint64(timeoutMs) * 1000000);
        m_spinStats.spins++;
        for (;;)
        {
            const int n = epoll_wait(m_epoll, events, maxEvents, 0);
            if (n != 0)
            {
                m_spinStats.hits++;
                return n;
            }
            if (monotonicNs() - start >= budget)
                break;
            // Hands the core to any other runnable thread between polls: with more busy threads
            // than cores, a pure spin kept the very thread it waited for off the CPU (two
            // workers and a main thread on 2 cores: 4 KB echo 18-24 -> 15-17 MB/s; with the
            // yield 31-33).
            sched_yield();
        }
        m_spinning = false;
    }
    const int n = epoll_wait(m_epoll, events, maxEvents, timeoutMs);
    m_spinning = n > 0 && monotonicNs() - start < m_spinNs;
    return n;
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_owner.store(pthread_self(), std::memory_order_relaxed);
    m_interrupted.store(false, std::memory_order_relaxed);
    emit awake();
    m_localWake = false;
    QCoreApplication::sendPostedEvents();
    if (m_interrupted.load(std::memory_order_acquire))
        return true;

    // Events posted from this thread during the pass above (Qt defers those to the next pass)
    // must not wait for a descriptor or timer: poll instead of blocking.
    const bool canWait =
        (flags & QEventLoop::WaitForMoreEvents) != 0 && !std::exchange(m_localWake, false);
    int timeout = canWait ? waitTimeoutMs() : 0;
    if (canWait)
        emit aboutToBlock();
    epoll_event events[MaxEvents];
    int n = timeout != 0 ? waitSpinningFirst(events, MaxEvents, timeout)
                         : epoll_wait(m_epoll, events, MaxEvents, 0);
    if (n < 0)
        n = 0; // EINTR: treat as a spurious wake-up
    if (canWait)
        emit awake();

    bool handled = false;
    for (int i = 0; i < n; ++i)
    {
        const int fd = static_cast<int>(events[i].data.u64 & 0xffffffffu);
        const auto generation = static_cast<std::uint32_t>(events[i].data.u64 >> 32);
        if (fd == m_wake && generation == 0)
        {
            std::uint64_t value = 0;
            [[maybe_unused]] const ssize_t r = ::read(m_wake, &value, sizeof value);
            m_wakePending.store(false, std::memory_order_release);
            // Events posted while we slept are sent now rather than on the next pass.
            QCoreApplication::sendPostedEvents();
            handled = true;
            continue;
        }
        if (flags & QEventLoop::ExcludeSocketNotifiers)
            continue;
        const std::uint32_t e = events[i].events;
        // Look the descriptor up again for each kind: a handler may remove notifiers.
        const bool errorOrHangup = (e & (EPOLLERR | EPOLLHUP)) != 0;
        QSocketNotifier* kinds[3] = {nullptr, nullptr, nullptr};
        // Descriptor numbers are reused: a handler earlier in this batch may have closed fd and a
        // new socket taken its number. Only the watch the event was registered for gets it.
        if (auto it = m_watches.find(fd);
            it != m_watches.end() && it->second.generation == generation)
        {
            if ((e & EPOLLIN) || errorOrHangup)
                kinds[0] = it->second.read;
            if ((e & EPOLLOUT) || errorOrHangup)
                kinds[1] = it->second.write;
            if (e & EPOLLPRI)
                kinds[2] = it->second.exception;
        }
        for (int k = 0; k < 3; ++k)
        {
            if (!kinds[k])
                continue;
            const auto it = m_watches.find(fd);
            if (it == m_watches.end() || it->second.generation != generation)
                break;
            QSocketNotifier* current = k == 0   ? it->second.read
                                       : k == 1 ? it->second.write
                                                : it->second.exception;
            if (current != kinds[k] || !current->isEnabled())
                continue;
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(current, &event);
            handled = true;
        }
    }
    if (!(flags & QEventLoop::X11ExcludeTimers))
        handled = fireTimers() || handled;
    return handled;
}

} // namespace kcp::net::detail
