#include "worker.h"

#include "kcp_socket_p.h"

#include "kcp/net/worker_pool.h"
#include "kcp/segment.h"

#include <QRandomGenerator>

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

namespace kcp::net::detail
{

namespace
{

constexpr qint64 Never = std::numeric_limits<qint64>::max();
constexpr qint64 LongAgo = std::numeric_limits<qint64>::min() / 2;
// Received bytes handed to the socket's thread in one event at most.
constexpr qint64 MaxReadChunk = 256 * 1024;
// What a server session may deliver before its KcpSocket exists and grants the rest of its read
// buffer: keeps unaccepted sessions (at most maxPendingConnections) from pinning much memory.
constexpr qint64 InitialServerCredit = 64 * 1024;
// Batch ACKs (KcpOptions::batchAcks): owed ACKs leave at the end of the receive pass, unless the
// session's previous ACKs left less than AckIntervalMs ago and fewer than AckBatchSegments are
// owed; then they wait for that interval to end (or for data the session sends to carry them).
// A burst of datagrams is acknowledged at once, as before; a paced stream (a bottleneck link, a
// game) costs one ACK datagram per interval instead of one per datagram it receives, and the
// sender one wake-up per interval instead of one per datagram.
constexpr std::size_t AckBatchSegments = 16;
constexpr qint64 AckIntervalMs = 1;

std::unique_ptr<ChaChaRandom> seededRandom()
{
    std::array<std::uint8_t, 32> seed{};
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(seed.data()),
                                          seed.size() / sizeof(quint32));
    return std::make_unique<ChaChaRandom>(seed);
}

} // namespace

void NetCounters::opened(bool active)
{
    (active ? activeOpens : passiveOpens).fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t now = currEstab.fetch_add(1, std::memory_order_relaxed) + 1;
    std::uint64_t seen = maxConn.load(std::memory_order_relaxed);
    while (now > seen && !maxConn.compare_exchange_weak(seen, now, std::memory_order_relaxed))
    {
    }
}

void NetCounters::closed()
{
    currEstab.fetch_sub(1, std::memory_order_relaxed);
}

NetCounters& netCounters()
{
    static NetCounters counters;
    return counters;
}

// A bound UDP socket: either one client session's, or a listener's shared by its sessions.
struct Worker::Transport
{
    std::unique_ptr<DatagramIo> io;
    Session* client = nullptr;
    std::unique_ptr<Listener> listener;
    int users = 0; // sessions on it, plus 1 while the listener accepts
    bool dirty = false;
};

struct Worker::Listener
{
    quint64 id = 0;
    Transport* transport = nullptr;
    ServerOptions options;
    std::shared_ptr<ServerShared> shared;
    std::unordered_map<Endpoint, Session*, EndpointHash> sessions;
    ConvPeeker peeker;
    bool closed = false;

    Listener(const ServerOptions& o) : options(o), peeker(o.session.session) {}
};

struct Worker::Session : HeapNode
{
    quint64 id = 0;
    Transport* transport = nullptr;
    Listener* listener = nullptr;
    Peer peer;
    std::unique_ptr<SessionCore> core;
    std::shared_ptr<SocketLink> link;
    std::shared_ptr<DataChannel> channel;
    int idleTimeoutMs = 0;
    bool closeOnDeadLink = true;
    bool batchAcks = true;
    int closeLingerMs = 0;

    std::deque<QByteArray> staged; // written by the user, not yet accepted by KCP
    qsizetype stagedOffset = 0;
    qint64 credit = 0; // bytes the socket's thread can still take
    qint64 started = 0;
    quint64 activity = 0; // bumped by every datagram and command
    quint64 activityAtTimer = 0;
    qint64 lingerDeadline = Never;
    bool closing = false;
    bool received = false; // datagrams arrived since the last service: ACKs may be owed
    bool ackOwed = false;  // listed in m_ackOwed
    qint64 ackDue = Never;    // when owed ACKs held back by AckIntervalMs go out at the latest
    qint64 ackSentAt = LongAgo; // when the session's owed ACKs last left
    bool parked = false;
    bool dirty = false;
    bool ended = false;
};

Worker::Worker(WorkerPool* pool, int index)
    : m_pool(pool)
    , m_index(index)
    , m_timer(new QTimer(this))
    , m_statsTimer(new QTimer(this))
    , m_random(seededRandom())
{
    m_clock.start();
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &Worker::onTimer);
    m_statsTimer->setTimerType(Qt::CoarseTimer);
    connect(m_statsTimer, &QTimer::timeout, this, &Worker::onStatsTick);
}

Worker::~Worker() = default;

// ---------------------------------------------------------------------------------------------
// Commands

void Worker::openClient(ClientRequest request)
{
    reap();
    auto fail = [&](QAbstractSocket::SocketError error, const QString& message)
    {
        request.link->post([error, message](KcpSocket* s)
                           { KcpSocketPrivate::of(s)->onClosed(error, message); });
    };

    auto transport = std::make_unique<Transport>();
    transport->io = DatagramIo::create(request.options.backend);
    QHostAddress bindAddress = request.bindAddress;
    if (bindAddress.isNull())
    {
        bindAddress =
            QHostAddress(asIpv4(request.peer) ? QHostAddress::AnyIPv4 : QHostAddress::AnyIPv6);
    }
    QString error;
    if (!transport->io->bind(bindAddress, request.bindPort, request.options, error))
    {
        fail(QAbstractSocket::SocketAddressNotAvailableError, error);
        return;
    }

    auto session = std::make_unique<Session>();
    const quint32 conv = m_random->nextU32();
    try
    {
        session->core = std::make_unique<SessionCore>(conv, request.options.session, *m_random);
    }
    catch (const std::exception& e)
    {
        fail(QAbstractSocket::UnsupportedSocketOperationError, QString::fromUtf8(e.what()));
        return;
    }
    session->id = request.id;
    session->peer = Peer::from(Endpoint::fromHost(request.peer, request.peerPort));
    session->link = request.link;
    session->channel = request.channel;
    session->idleTimeoutMs = request.options.idleTimeoutMs;
    session->closeOnDeadLink = request.options.closeOnDeadLink;
    session->batchAcks = request.options.batchAcks;
    session->closeLingerMs = request.options.closeLingerMs;
    session->credit = request.options.readBufferSize;
    session->started = now();

    Transport* t = transport.get();
    t->client = session.get();
    t->users = 1;
    session->transport = t;
    t->io->setReceiveHandler([this, t](std::span<RxDatagram> batch)
                             { onClientDatagrams(t, batch); });

    const QHostAddress local = t->io->localAddress();
    const quint16 localPort = t->io->localPort();
    const IoBackend backend = t->io->backend();
    request.link->post([local, localPort, conv, backend](KcpSocket* s)
                       { KcpSocketPrivate::of(s)->onOpened(local, localPort, conv, backend); });

    Session* s = session.get();
    m_transports.emplace(t, std::move(transport));
    m_sessions.emplace(s->id, std::move(session));
    m_sessionCount.fetch_add(1, std::memory_order_relaxed);
    netCounters().opened(true);
    if (request.wantStats)
        m_statsSessions.insert(s);
    updateStatsTimer();
    markDirty(*s);
    finishPass(now());
}

ListenResult Worker::listen(const ListenRequest& request)
{
    reap();
    ListenResult result;
    auto transport = std::make_unique<Transport>();
    transport->io = DatagramIo::create(request.options.session.backend);
    if (!transport->io->bind(request.address, request.port, request.options.session, result.error))
    {
        result.errorKind = transport->io->bindError();
        return result;
    }
    try
    {
        transport->listener = std::make_unique<Listener>(request.options);
    }
    catch (const std::exception& e)
    {
        result.error = QString::fromUtf8(e.what());
        return result;
    }
    Transport* t = transport.get();
    t->listener->id = request.id;
    t->listener->transport = t;
    t->listener->shared = request.shared;
    t->users = 1;
    t->io->setReceiveHandler([this, t](std::span<RxDatagram> batch)
                             { onListenerDatagrams(t, batch); });
    result.ok = true;
    result.address = t->io->localAddress();
    result.port = t->io->localPort();
    result.backend = t->io->backend();
    m_listeners.emplace(request.id, t);
    m_transports.emplace(t, std::move(transport));
    return result;
}

void Worker::closeListener(quint64 listenerId)
{
    reap();
    const auto it = m_listeners.find(listenerId);
    if (it == m_listeners.end())
        return;
    Transport* t = it->second;
    m_listeners.erase(it);
    t->listener->closed = true;
    releaseTransport(t);
    finishPass(now());
}

void Worker::drainWrites(quint64 id)
{
    reap();
    Session* s = find(id);
    if (!s)
        return;
    takeWrites(*s);
    markDirty(*s);
    finishPass(now());
}

void Worker::takeWrites(Session& s)
{
    std::deque<QByteArray> taken;
    {
        QMutexLocker lock(&s.channel->mutex);
        taken.swap(s.channel->outbound);
        s.channel->workerNotified = false;
    }
    for (QByteArray& piece : taken)
        s.staged.push_back(std::move(piece));
}

// One event per burst: only when the socket has not been told about earlier data yet.
void Worker::notifySocket(Session& s)
{
    s.link->post([](KcpSocket* socket) { KcpSocketPrivate::of(socket)->onChannel(); });
}

void Worker::addCredit(quint64 id, qint64 bytes)
{
    reap();
    Session* s = find(id);
    if (!s)
        return;
    s->credit += bytes;
    markDirty(*s);
    finishPass(now());
}

void Worker::disconnectSession(quint64 id)
{
    reap();
    Session* s = find(id);
    if (!s || s->closing)
        return;
    const qint64 t = now();
    takeWrites(*s);
    s->closing = true;
    s->lingerDeadline = t + std::max(0, s->closeLingerMs);
    markDirty(*s);
    finishPass(t);
}

void Worker::abortSession(quint64 id)
{
    reap();
    if (Session* s = find(id))
        endSession(*s, QAbstractSocket::UnknownSocketError, {}, false);
    finishPass(now());
}

void Worker::setSessionStats(quint64 id, bool on)
{
    Session* s = find(id);
    if (!s)
        return;
    if (on)
        m_statsSessions.insert(s);
    else
        m_statsSessions.erase(s);
    updateStatsTimer();
}

void Worker::setSnmpPublishing(bool on, int intervalMs)
{
    m_snmpPublishing = on;
    m_statsIntervalMs = intervalMs;
    updateStatsTimer();
}

void Worker::setStatsInterval(int intervalMs)
{
    m_statsIntervalMs = intervalMs;
    if (m_statsTimer->isActive())
        m_statsTimer->start(m_statsIntervalMs);
}

void Worker::updateStatsTimer()
{
    const bool wanted = m_snmpPublishing || !m_statsSessions.empty();
    if (wanted && !m_statsTimer->isActive())
        m_statsTimer->start(m_statsIntervalMs);
    else if (!wanted && m_statsTimer->isActive())
        m_statsTimer->stop();
}

SnmpCounters Worker::collectSnmp()
{
    SnmpCounters total = m_retired;
    total += m_orphans;
    for (const auto& [id, s] : m_sessions)
        total += s->core->stats().counters;
    // Oversize datagrams never reach a session (kcp-go would truncate them and fail the crc).
    total.InErrs += collectIo().rxTruncated;
    return total;
}

IoStats Worker::collectIo()
{
    IoStats total;
    SocketCounters& sockets = total;
    sockets += m_retiredIo;
    for (const auto& [key, t] : m_transports)
        sockets += t->io->counters();
    for (const auto& t : m_deadTransports)
        sockets += t->io->counters();
    total.timerWakeups = m_timerWakeups;
    total.timerServices = m_timerServices;
    return total;
}

void Worker::shutdown()
{
    m_timer->stop();
    m_statsTimer->stop();
    m_statsSessions.clear();
    for (auto& [id, s] : m_sessions)
    {
        m_heap.remove(s.get());
        m_sessionCount.fetch_sub(1, std::memory_order_relaxed);
        netCounters().closed();
    }
    m_dirty.clear();
    m_dirtyTransports.clear();
    m_sessions.clear();
    m_listeners.clear();
    m_transports.clear();
    m_deadSessions.clear();
    m_deadTransports.clear();
}

// ---------------------------------------------------------------------------------------------
// Receive paths

void Worker::onClientDatagrams(Transport* transport, std::span<RxDatagram> batch)
{
    Session* s = transport->client;
    if (!s || s->ended)
        return;
    const qint64 t = now();
    ++m_ioDepth;
    for (RxDatagram& d : batch)
    {
        // kcp-go's client ignores datagrams from any other source, counted as InErrs.
        if (!(d.from == s->peer.endpoint))
        {
            m_orphans.InErrs++;
            continue;
        }
        input(*s, d, t);
    }
    finishPass(t);
    --m_ioDepth;
}

void Worker::onListenerDatagrams(Transport* transport, std::span<RxDatagram> batch)
{
    const qint64 t = now();
    ++m_ioDepth;
    for (RxDatagram& d : batch)
        demux(*transport->listener, d, t);
    finishPass(t);
    --m_ioDepth;
}

void Worker::input(Session& s, const RxDatagram& d, qint64 now)
{
    s.core->onDatagram(static_cast<Millis>(now), std::span<std::uint8_t>(d.data, d.length));
    s.received = true;
    markDirty(s);
}

// kcp-go Listener.packetInput (wire-compat.md 1.9), with one difference: only a datagram that
// passes crc/authentication may open or replace a session; a known peer's datagrams go to its
// session, which authenticates them itself.
void Worker::demux(Listener& l, RxDatagram& d, qint64 now)
{
    const auto it = l.sessions.find(d.from);
    if (it != l.sessions.end())
    {
        Session* s = it->second;
        const ConvPeeker::Header peeked = l.peeker.peek(d.data, d.length);
        if (peeked.kind != ConvPeeker::Kind::Segment || peeked.conv == s->core->conv())
        {
            input(*s, d, now); // parity, ours, or junk the session will count
            return;
        }
        const ConvPeeker::Header h = l.peeker.authenticate(d.data, d.length);
        if (h.kind == ConvPeeker::Kind::BadChecksum)
        {
            m_orphans.InCsumErrors++;
            return;
        }
        if (h.kind != ConvPeeker::Kind::Segment || h.sn != 0)
            return; // another conversation mid-stream: kcp-go ignores it
        // The peer restarted behind the same address and port.
        endSession(*s, QAbstractSocket::RemoteHostClosedError,
                   QStringLiteral("the peer started a new conversation from the same address"),
                   true);
        createServerSession(l, d, h, now);
        return;
    }

    const ConvPeeker::Header h = l.peeker.authenticate(d.data, d.length);
    switch (h.kind)
    {
    case ConvPeeker::Kind::Short:
    case ConvPeeker::Kind::Malformed:
        m_orphans.InErrs++;
        return;
    case ConvPeeker::Kind::BadChecksum:
        m_orphans.InCsumErrors++;
        return;
    case ConvPeeker::Kind::Parity:
        return; // never opens a session
    case ConvPeeker::Kind::Segment:
        createServerSession(l, d, h, now);
        return;
    }
}

void Worker::createServerSession(Listener& l, const RxDatagram& d, const ConvPeeker::Header& h,
                                 qint64 now)
{
    if (l.closed)
        return;
    if (l.options.maxSessions > 0 &&
        l.sessions.size() >= static_cast<std::size_t>(l.options.maxSessions))
        return;
    if (l.shared->pending.load(std::memory_order_relaxed) >=
        l.shared->maxPending.load(std::memory_order_relaxed))
        return; // kcp-go: the accept backlog is full, drop
    // A fresh client's first datagram starts with PUSH sn 0; an ACK segment carries the acked sn
    // in that field, so a stale client acknowledging our old sn 0 must not pass for one.
    if (l.options.requireFreshStart &&
        (h.sn != 0 || h.cmd != static_cast<std::uint8_t>(Command::Push)))
        return;

    const KcpOptions& o = l.options.session;
    auto session = std::make_unique<Session>();
    try
    {
        session->core = std::make_unique<SessionCore>(h.conv, o.session, *m_random);
    }
    catch (const std::exception&)
    {
        return; // validated at listen(); cannot happen
    }
    Transport* t = l.transport;
    Session* s = session.get();
    s->id = WorkerPool::nextId();
    s->transport = t;
    s->listener = &l;
    s->peer = Peer::from(d.from);
    s->link = std::make_shared<SocketLink>();
    s->channel = std::make_shared<DataChannel>();
    s->idleTimeoutMs = o.idleTimeoutMs;
    s->closeOnDeadLink = o.closeOnDeadLink;
    s->batchAcks = o.batchAcks;
    s->closeLingerMs = o.closeLingerMs;
    s->credit = std::min(InitialServerCredit, o.readBufferSize);
    s->started = now;

    IncomingSession incoming;
    incoming.id = s->id;
    incoming.worker = this;
    incoming.link = s->link;
    incoming.channel = s->channel;
    incoming.peer = s->peer.host;
    incoming.peerPort = s->peer.endpoint.port;
    incoming.local = t->io->localAddress();
    incoming.localPort = t->io->localPort();
    incoming.conv = h.conv;
    incoming.backend = t->io->backend();
    incoming.options = o;
    incoming.initialCredit = s->credit;
    l.shared->pending.fetch_add(1, std::memory_order_relaxed);
    if (!l.shared->link.post([incoming](KcpServer* server)
                             { KcpServerPrivate::of(server)->onIncoming(incoming); }))
    {
        l.shared->pending.fetch_sub(1, std::memory_order_relaxed);
        return; // the server is gone
    }

    l.sessions.emplace(d.from, s);
    t->users++;
    m_sessions.emplace(s->id, std::move(session));
    m_sessionCount.fetch_add(1, std::memory_order_relaxed);
    netCounters().opened(false);
    input(*s, d, now);
}

// ---------------------------------------------------------------------------------------------
// Timers and servicing

void Worker::onTimer()
{
    reap();
    const qint64 t = now();
    m_armedFor = -1;
    m_timerWakeups++;
    while (HeapNode* top = m_heap.top())
    {
        if (top->deadline > t)
            break;
        auto* s = static_cast<Session*>(top);
        m_heap.remove(s);
        m_timerServices++;
        timerService(*s, t);
    }
    finishPass(t);
}

void Worker::timerService(Session& s, qint64 now)
{
    SessionCore& core = *s.core;
    if (s.idleTimeoutMs > 0)
    {
        const std::optional<Millis> last = core.lastReceive();
        const qint64 lastReceive =
            last ? now - timeDiff(static_cast<Millis>(now), *last) : s.started;
        if (now - lastReceive >= s.idleTimeoutMs)
        {
            endSession(s, QAbstractSocket::SocketTimeoutError,
                       QStringLiteral("no datagram from the peer for %1 ms").arg(s.idleTimeoutMs),
                       true);
            return;
        }
    }
    if (s.closing && now >= s.lingerDeadline)
    {
        endSession(s, QAbstractSocket::UnknownSocketError, {}, true);
        return;
    }

    const bool active = s.activity != s.activityAtTimer;
    s.activityAtTimer = s.activity;
    if (s.ackDue <= now)
    {
        s.ackDue = Never;
        s.ackSentAt = now;
        core.flushAcks(static_cast<Millis>(now));
    }
    service(s, now);
    if (s.ended)
        return;

    const SessionStats st = core.stats();
    if (s.closeOnDeadLink && st.deadLink)
    {
        endSession(s, QAbstractSocket::SocketTimeoutError,
                   QStringLiteral("dead link: a segment was sent 20 times without an ACK"), true);
        return;
    }
    // Nothing queued, nothing in flight, the peer's window open and no datagram or command since
    // the previous timer: the next flush would send nothing. Park until something happens.
    if (!active && !s.closing && st.waitSnd == 0 && st.remoteWnd > 0 &&
        core.pendingTransmits() == 0 && s.staged.empty() && !(s.credit > 0 && core.readable()))
    {
        s.parked = true;
        schedule(s, now);
    }
}

void Worker::service(Session& s, qint64 now)
{
    SessionCore& core = *s.core;
    const auto m = static_cast<Millis>(now);

    qint64 accepted = 0;
    while (!s.staged.empty())
    {
        const QByteArray& chunk = s.staged.front();
        const std::span<const std::uint8_t> rest(
            reinterpret_cast<const std::uint8_t*>(chunk.constData()) + s.stagedOffset,
            static_cast<std::size_t>(chunk.size() - s.stagedOffset));
        const std::size_t n = core.write(m, rest);
        if (n == 0)
            break;
        accepted += static_cast<qint64>(n);
        s.stagedOffset += static_cast<qsizetype>(n);
        if (s.stagedOffset == chunk.size())
        {
            s.staged.pop_front();
            s.stagedOffset = 0;
        }
    }

    while (s.credit > 0 && core.readable())
    {
        // KCP's segments are copied once, straight into the piece handed to the socket.
        const auto want = static_cast<std::size_t>(std::min<qint64>(
            {s.credit, MaxReadChunk, static_cast<qint64>(core.readableBound())}));
        QByteArray data(static_cast<qsizetype>(want), Qt::Uninitialized);
        const std::size_t got =
            core.read(std::span(reinterpret_cast<std::uint8_t*>(data.data()), want));
        if (got == 0)
            break;
        data.truncate(static_cast<qsizetype>(got));
        s.credit -= static_cast<qint64>(got);
        bool notify = false;
        {
            QMutexLocker lock(&s.channel->mutex);
            s.channel->inbound.push_back(std::move(data));
            notify = !std::exchange(s.channel->userNotified, true);
        }
        if (notify)
            notifySocket(s);
        // Reading may reopen the receive window; the next flush tells the peer.
        s.parked = false;
    }

    // ACKs owed for this batch leave at the end of the pass (flushOwedAcks): after the reads
    // above, so they advertise the reopened window, and after an inline application had its
    // chance to answer, so that a reply carries them.
    if (std::exchange(s.received, false) && s.batchAcks)
    {
        const std::size_t owed = core.pendingAcks();
        if (owed == 0 || s.ackOwed)
        {
        }
        else if (owed >= AckBatchSegments || now - s.ackSentAt >= AckIntervalMs)
        {
            s.ackOwed = true;
            m_ackOwed.push_back(s.id);
            if (!std::exchange(m_ackFlushPosted, true))
                QMetaObject::invokeMethod(this, &Worker::flushOwedAcks, Qt::QueuedConnection);
        }
        else if (s.ackDue == Never)
        {
            s.ackDue = s.ackSentAt + AckIntervalMs;
        }
    }

    for (;;)
    {
        const std::span<const std::uint8_t> datagram = core.nextTransmit(m);
        if (datagram.empty())
            break;
        s.transport->io->send(s.peer, datagram);
        core.popTransmit();
        if (!s.transport->dirty)
        {
            s.transport->dirty = true;
            m_dirtyTransports.push_back(s.transport);
        }
    }
    if (s.ackDue != Never && core.pendingAcks() == 0)
    {
        s.ackDue = Never; // a flush carried them
    }

    if (accepted > 0)
    {
        bool notify = false;
        {
            QMutexLocker lock(&s.channel->mutex);
            s.channel->written += accepted;
            notify = !std::exchange(s.channel->userNotified, true);
        }
        if (notify)
            notifySocket(s);
    }

    if (s.closing && s.staged.empty())
    {
        const SessionStats st = core.stats();
        if (st.waitSnd == 0)
        {
            endSession(s, QAbstractSocket::UnknownSocketError, {}, true);
            return;
        }
    }
    schedule(s, now);
}

void Worker::schedule(Session& s, qint64 now)
{
    qint64 deadline = Never;
    if (!s.parked)
        deadline =
            now + std::max<qint64>(0, timeDiff(s.core->nextDeadline(), static_cast<Millis>(now)));
    if (s.idleTimeoutMs > 0)
    {
        const std::optional<Millis> last = s.core->lastReceive();
        const qint64 lastReceive =
            last ? now - timeDiff(static_cast<Millis>(now), *last) : s.started;
        deadline = std::min(deadline, lastReceive + s.idleTimeoutMs);
    }
    if (s.closing)
        deadline = std::min(deadline, s.lingerDeadline);
    deadline = std::min(deadline, s.ackDue);
    if (deadline == Never)
        m_heap.remove(&s);
    else
        m_heap.schedule(&s, deadline);
}

void Worker::markDirty(Session& s)
{
    s.activity++;
    s.parked = false;
    if (!s.dirty && !s.ended)
    {
        s.dirty = true;
        m_dirty.push_back(&s);
    }
}

void Worker::finishPass(qint64 now)
{
    // Servicing can end sessions but never creates dirty entries for others, so an index loop
    // over the growing vector is safe.
    for (std::size_t i = 0; i < m_dirty.size(); ++i)
    {
        Session* s = m_dirty[i];
        s->dirty = false;
        if (!s->ended)
            service(*s, now);
    }
    m_dirty.clear();
    for (Transport* t : m_dirtyTransports)
    {
        t->dirty = false;
        t->io->flush();
    }
    m_dirtyTransports.clear();
    if (m_ioDepth == 0)
        reap();
    rearm(now);
}

void Worker::flushOwedAcks()
{
    m_ackFlushPosted = false;
    reap();
    const qint64 t = now();
    std::vector<quint64> owed;
    owed.swap(m_ackOwed);
    for (const quint64 id : owed)
    {
        Session* s = find(id);
        if (!s || s->ended)
            continue;
        s->ackOwed = false;
        s->ackSentAt = t;
        s->ackDue = Never;
        if (s->core->flushAcks(static_cast<Millis>(t)) && !s->dirty)
        {
            s->dirty = true;
            m_dirty.push_back(s);
        }
    }
    finishPass(t);
}

void Worker::rearm(qint64 now)
{
    HeapNode* top = m_heap.top();
    if (!top)
    {
        m_timer->stop();
        m_armedFor = -1;
        return;
    }
    if (m_timer->isActive() && m_armedFor == top->deadline)
        return;
    m_armedFor = top->deadline;
    m_timer->start(static_cast<int>(std::clamp<qint64>(top->deadline - now, 0, 1 << 30)));
}

// ---------------------------------------------------------------------------------------------
// Life cycle

Worker::Session* Worker::find(quint64 id) const
{
    const auto it = m_sessions.find(id);
    return it == m_sessions.end() ? nullptr : it->second.get();
}

void Worker::endSession(Session& s, QAbstractSocket::SocketError error, const QString& message,
                        bool notify)
{
    if (s.ended)
        return;
    s.ended = true;
    m_heap.remove(&s);
    m_statsSessions.erase(&s);
    m_retired += s.core->stats().counters;
    // Counted as gone before the socket hears of it, so sessionCount() and CurrEstab never
    // lag a disconnected() signal (another thread may act on both at once).
    m_sessionCount.fetch_sub(1, std::memory_order_relaxed);
    netCounters().closed();
    if (notify)
    {
        s.link->post([error, message](KcpSocket* socket)
                     { KcpSocketPrivate::of(socket)->onClosed(error, message); });
    }
    if (s.listener)
    {
        const auto it = s.listener->sessions.find(s.peer.endpoint);
        if (it != s.listener->sessions.end() && it->second == &s)
            s.listener->sessions.erase(it);
    }
    else if (s.transport->client == &s)
    {
        s.transport->client = nullptr;
    }
    // Anything still queued for this session's peer leaves with the next flush.
    if (!s.transport->dirty)
    {
        s.transport->dirty = true;
        m_dirtyTransports.push_back(s.transport);
    }
    releaseTransport(s.transport);

    const auto it = m_sessions.find(s.id);
    m_deadSessions.push_back(std::move(it->second));
    m_sessions.erase(it);
    updateStatsTimer();
}

void Worker::releaseTransport(Transport* t)
{
    if (--t->users > 0)
        return;
    if (t->dirty)
    {
        t->io->flush();
        t->dirty = false;
        std::erase(m_dirtyTransports, t);
    }
    const auto it = m_transports.find(t);
    if (it == m_transports.end())
        return;
    m_deadTransports.push_back(std::move(it->second));
    m_transports.erase(it);
}

void Worker::reap()
{
    if (m_ioDepth > 0)
        return;
    // Sessions first: their transports may be in the graveyard too.
    m_deadSessions.clear();
    for (const auto& t : m_deadTransports)
        m_retiredIo += t->io->counters();
    m_deadTransports.clear();
}

// ---------------------------------------------------------------------------------------------
// Stats

void Worker::onStatsTick()
{
    for (Session* s : m_statsSessions)
    {
        const SessionStats st = s->core->stats();
        s->link->post([st](KcpSocket* socket) { KcpSocketPrivate::of(socket)->onStats(st); });
    }
    if (m_snmpPublishing)
    {
        const SnmpCounters counters = collectSnmp();
        const int index = m_index;
        WorkerPool* pool = m_pool;
        QMetaObject::invokeMethod(
            pool, [pool, index, counters] { pool->onWorkerSnapshot(index, counters); },
            Qt::QueuedConnection);
    }
}

} // namespace kcp::net::detail
