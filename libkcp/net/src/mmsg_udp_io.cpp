#include "mmsg_udp_io.h"

#include "socket_dscp.h"

#include <QObject>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kcp::net::detail
{

namespace
{

// Beyond this many queued datagrams the kernel is clearly not keeping up: drop new ones (KCP
// retransmits them) instead of growing without bound. ~8 MB of slabs per socket at most.
constexpr std::size_t MaxBacklog = 4096;
// Receive batches handled per wake-up before yielding to the event loop (fairness: timers and the
// worker's other sockets). The notifier is level-triggered, so the rest is read right after.
constexpr int MaxBatchesPerWakeup = 16;
constexpr std::size_t RxSlotSize = 2048; // > MaxDatagram, so MSG_TRUNC flags oversize input
// UDP GSO: one message of up to this many equal-size datagrams (the kernel's UDP_MAX_SEGMENTS is
// 64 on older kernels) and this many bytes, split by the kernel late in its send path.
constexpr std::size_t MaxGsoSegments = 64;
constexpr std::size_t MaxGsoBytes = 65000;
// Datagrams one sendmmsg call may carry with GSO (64 messages of up to MaxGsoSegments each).
constexpr std::size_t MaxItemsPerCall = 1024;

// Receive coalescing: traffic is judged over windows of this length. A window with at least
// this many read wake-ups, averaging at most CoalesceMaxPerWakeup datagrams each (spaced out by
// a bottleneck, not arriving in bursts that batch by themselves), with the socket sending less
// than 1/TxShare of the bytes it received, is a steady one-way stream. A coalesced read finding
// CoalesceMaxPerRead datagrams or more means the stream is fast enough to fill batches by itself
// (and would soon fill the socket buffer).
constexpr qint64 CoalesceWindowNs = 10'000'000;
constexpr std::uint64_t CoalesceMinWakeups = 20;
constexpr std::uint64_t CoalesceMaxPerWakeup = 2;
constexpr std::uint64_t CoalesceTxShare = 8;
constexpr std::uint64_t CoalesceMaxPerRead = 48;

qint64 monotonicNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int coalesceMs(int fromOptions)
{
    bool ok = false;
    const int forced = qEnvironmentVariableIntValue("KCPDESK_RX_COALESCE_MS", &ok);
    return std::max(0, ok ? forced : fromOptions);
}

bool gsoWanted()
{
    static const bool wanted = qEnvironmentVariable("KCPDESK_GSO") != QLatin1String("0");
    return wanted;
}

// Receive buffers are per worker thread, not per socket: a worker handles one socket at a time
// and the views die when the handler returns, so 5,000 client sockets share one 128 KB arena.
struct RxArena
{
    std::unique_ptr<std::uint8_t[]> buffers{new std::uint8_t[RxSlotSize * DatagramIo::BatchSize]};
    mmsghdr msgs[DatagramIo::BatchSize];
    iovec iov[DatagramIo::BatchSize];
    sockaddr_storage addrs[DatagramIo::BatchSize];
    RxDatagram batch[DatagramIo::BatchSize];
};

RxArena& rxArena()
{
    static thread_local RxArena arena;
    return arena;
}

// With UDP GRO the kernel hands over runs of datagrams from one sender as one buffer of up to
// 64 KB (a control message gives the datagram size): fewer, larger slots. Allocated on first use,
// per worker thread like RxArena.
constexpr int GroSlots = 16;
constexpr std::size_t GroSlotSize = 65536;
struct GroArena
{
    std::unique_ptr<std::uint8_t[]> buffers{new std::uint8_t[GroSlotSize * GroSlots]};
    mmsghdr msgs[GroSlots];
    iovec iov[GroSlots];
    sockaddr_storage addrs[GroSlots];
    struct Control
    {
        alignas(cmsghdr) char bytes[CMSG_SPACE(sizeof(int))];
    } control[GroSlots];
    RxDatagram batch[DatagramIo::BatchSize];
};

GroArena& groArena()
{
    static thread_local std::unique_ptr<GroArena> arena;
    if (!arena)
        arena = std::make_unique<GroArena>();
    return *arena;
}

QString errnoString(const char* what)
{
    return QStringLiteral("%1: %2").arg(QString::fromLatin1(what),
                                        QString::fromLocal8Bit(std::strerror(errno)));
}

// QUdpSocket's names for the bind failures a caller may want to wait out.
QAbstractSocket::SocketError bindErrorOf(int error)
{
    switch (error)
    {
    case EADDRINUSE:
        return QAbstractSocket::AddressInUseError;
    case EADDRNOTAVAIL:
        return QAbstractSocket::SocketAddressNotAvailableError;
    case EACCES:
    case EPERM:
        return QAbstractSocket::SocketAccessError;
    default:
        return QAbstractSocket::UnknownSocketError;
    }
}

} // namespace

MmsgUdpIo::SendBatch MmsgUdpIo::s_sendBatch =
    [](int fd, mmsghdr* messages, unsigned count, int flags)
{ return ::sendmmsg(fd, messages, count, flags); };

struct MmsgUdpIo::TxItem
{
    std::uint8_t* slab;
    std::uint32_t length;
    Endpoint to;
};

MmsgUdpIo::MmsgUdpIo()
    : m_gso(gsoWanted())
    , m_txMsgs(new mmsghdr[BatchSize])
    , m_txIov(new iovec[MaxItemsPerCall])
    , m_txControl(new GsoControl[BatchSize])
{
}

MmsgUdpIo::~MmsgUdpIo()
{
    m_coalesceTimer.reset();
    m_readNotifier.reset();
    m_writeNotifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
}

bool MmsgUdpIo::bind(const QHostAddress& address, quint16 port, const KcpOptions& options,
                     QString& error)
{
    const int socketBufferBytes = options.socketBufferBytes;
    // Qt's meaning of the special addresses: Any = dual-stack, AnyIPv4/AnyIPv6 = one family.
    bool v6Only = true;
    sockaddr_storage local{};
    socklen_t localLength = 0;
    const bool dualStack = address == QHostAddress(QHostAddress::Any);
    const bool isV4 = asIpv4(address);
    if (dualStack || (!isV4 && address.protocol() == QAbstractSocket::IPv6Protocol))
    {
        m_family = AF_INET6;
        v6Only = !dualStack;
        const Endpoint e =
            Endpoint::fromHost(dualStack ? QHostAddress(QHostAddress::AnyIPv6) : address, port);
        localLength = e.toSockaddr(AF_INET6, local);
    }
    else if (isV4)
    {
        m_family = AF_INET;
        localLength = Endpoint::fromHost(address, port).toSockaddr(AF_INET, local);
    }
    else
    {
        error = QStringLiteral("unsupported bind address %1").arg(address.toString());
        return false;
    }

    m_fd = ::socket(m_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
    {
        error = errnoString("socket");
        return false;
    }
    if (m_family == AF_INET6)
    {
        const int on = v6Only ? 1 : 0;
        ::setsockopt(m_fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    }
    if (socketBufferBytes > 0)
    {
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &socketBufferBytes, sizeof socketBufferBytes);
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDBUF, &socketBufferBytes, sizeof socketBufferBytes);
    }
    if (!applyDscp(m_fd, m_family == AF_INET6, !v6Only, options.dscp, error))
    {
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&local), localLength) != 0)
    {
        m_bindError = bindErrorOf(errno);
        error = errnoString("bind");
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    sockaddr_storage bound{};
    socklen_t boundLength = sizeof bound;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&bound), &boundLength);
    Endpoint e;
    Endpoint::fromSockaddr(reinterpret_cast<sockaddr*>(&bound), e);
    m_localAddress = dualStack ? QHostAddress(QHostAddress::Any) : address;
    m_localPort = e.port;

    if (m_gso)
    {
        const int on = 1;
        m_gro = ::setsockopt(m_fd, SOL_UDP, UDP_GRO, &on, sizeof on) == 0;
    }

    m_readNotifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
    QObject::connect(m_readNotifier.get(), &QSocketNotifier::activated, m_readNotifier.get(),
                     [this] { onReadEvent(false); });
    m_coalesceMs = coalesceMs(options.receiveCoalesceMs);
    if (m_coalesceMs > 0)
    {
        m_coalesceTimer = std::make_unique<QTimer>();
        m_coalesceTimer->setSingleShot(true);
        m_coalesceTimer->setTimerType(Qt::PreciseTimer);
        m_coalesceTimer->setInterval(m_coalesceMs);
        QObject::connect(m_coalesceTimer.get(), &QTimer::timeout, m_coalesceTimer.get(),
                         [this] { onReadEvent(true); });
        m_window.startNs = monotonicNs();
    }
    return true;
}

// Woken per datagram, a receiver behind a bottleneck (datagrams spaced ~100 us apart at
// 100 Mbit/s) spends most of its CPU going to sleep and waking up: one epoll_wait, one recvmmsg
// and two context switches per datagram. Reading every m_coalesceMs instead turns that into one
// wake-up per ~10 datagrams. Only a pure receiver does it: whoever answers what it receives
// (echo, request/response, the ACK-clocked sender) is read at once, and so is the first
// datagram after a pause.
void MmsgUdpIo::onReadEvent(bool fromTimer)
{
    const std::uint64_t before = m_counters.rxDatagrams;
    const bool drained = m_gro ? onReadableGro() : onReadable();
    if (!m_coalesceTimer)
        return;
    const std::uint64_t got = m_counters.rxDatagrams - before;
    ++m_window.wakeups;
    m_window.rxDatagrams += got;

    const qint64 now = monotonicNs();
    const bool windowOver = now - m_window.startNs >= CoalesceWindowNs;
    const bool oneWay = m_window.txBytes * CoalesceTxShare <= m_window.rxBytes;
    if (m_coalescing)
    {
        // Back to reading at once when the stream pauses, fills batches by itself, or the
        // traffic became two-way.
        const bool stop = got == 0 || !drained || got >= CoalesceMaxPerRead ||
                          (windowOver && !oneWay);
        if (windowOver)
            m_window = TrafficWindow{now};
        if (stop)
            setCoalescing(false);
        else if (fromTimer)
            m_coalesceTimer->start();
        return;
    }
    if (!windowOver)
        return;
    const bool steady = m_window.wakeups >= CoalesceMinWakeups &&
                        m_window.rxDatagrams <= m_window.wakeups * CoalesceMaxPerWakeup && oneWay;
    m_window = TrafficWindow{now};
    if (steady && drained)
        setCoalescing(true);
}

void MmsgUdpIo::setCoalescing(bool on)
{
    m_coalescing = on;
    m_readNotifier->setEnabled(!on);
    if (on)
    {
        m_counters.rxCoalesced++;
        m_coalesceTimer->start();
    }
    else
    {
        m_coalesceTimer->stop();
    }
}

bool MmsgUdpIo::onReadable()
{
    RxArena& a = rxArena();
    m_counters.rxWakeups++;
    for (int round = 0; round < MaxBatchesPerWakeup; ++round)
    {
        for (int i = 0; i < BatchSize; ++i)
        {
            a.iov[i].iov_base = a.buffers.get() + static_cast<std::size_t>(i) * RxSlotSize;
            a.iov[i].iov_len = RxSlotSize;
            std::memset(&a.msgs[i].msg_hdr, 0, sizeof(msghdr));
            a.msgs[i].msg_hdr.msg_iov = &a.iov[i];
            a.msgs[i].msg_hdr.msg_iovlen = 1;
            a.msgs[i].msg_hdr.msg_name = &a.addrs[i];
            a.msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        }
        const int n = ::recvmmsg(m_fd, a.msgs, BatchSize, MSG_DONTWAIT, nullptr);
        m_counters.rxSyscalls++;
        if (n <= 0)
            return true; // EAGAIN (drained) or a transient error; the notifier tells us when to retry

        int kept = 0;
        for (int i = 0; i < n; ++i)
        {
            const mmsghdr& m = a.msgs[i];
            if ((m.msg_hdr.msg_flags & MSG_TRUNC) || m.msg_len > MaxDatagram)
            {
                m_counters.rxTruncated++;
                continue;
            }
            RxDatagram& d = a.batch[kept];
            if (!Endpoint::fromSockaddr(reinterpret_cast<const sockaddr*>(&a.addrs[i]), d.from))
                continue;
            d.data = static_cast<std::uint8_t*>(a.iov[i].iov_base);
            d.length = m.msg_len;
            m_window.rxBytes += m.msg_len;
            ++kept;
        }
        m_counters.rxDatagrams += static_cast<std::uint64_t>(n);
        if (kept > 0 && m_handler)
            m_handler(std::span<RxDatagram>(a.batch, static_cast<std::size_t>(kept)));
        if (n < BatchSize)
            return true; // short read: the queue was empty when the kernel answered
    }
    return false;
}

bool MmsgUdpIo::onReadableGro()
{
    GroArena& a = groArena();
    m_counters.rxWakeups++;
    for (int round = 0; round < MaxBatchesPerWakeup; ++round)
    {
        for (int i = 0; i < GroSlots; ++i)
        {
            a.iov[i].iov_base = a.buffers.get() + static_cast<std::size_t>(i) * GroSlotSize;
            a.iov[i].iov_len = GroSlotSize;
            std::memset(&a.msgs[i].msg_hdr, 0, sizeof(msghdr));
            a.msgs[i].msg_hdr.msg_iov = &a.iov[i];
            a.msgs[i].msg_hdr.msg_iovlen = 1;
            a.msgs[i].msg_hdr.msg_name = &a.addrs[i];
            a.msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
            a.msgs[i].msg_hdr.msg_control = a.control[i].bytes;
            a.msgs[i].msg_hdr.msg_controllen = sizeof a.control[i].bytes;
        }
        const int n = ::recvmmsg(m_fd, a.msgs, GroSlots, MSG_DONTWAIT, nullptr);
        m_counters.rxSyscalls++;
        if (n <= 0)
            return true;

        // Hand the datagrams over in batches of at most BatchSize; the buffers stay valid until
        // this round ends.
        std::size_t kept = 0;
        const auto deliver = [&]
        {
            if (kept > 0 && m_handler)
                m_handler(std::span<RxDatagram>(a.batch, kept));
            kept = 0;
        };
        for (int i = 0; i < n; ++i)
        {
            mmsghdr& m = a.msgs[i];
            Endpoint from;
            if ((m.msg_hdr.msg_flags & MSG_TRUNC) ||
                !Endpoint::fromSockaddr(reinterpret_cast<const sockaddr*>(&a.addrs[i]), from))
            {
                m_counters.rxTruncated++;
                continue;
            }
            std::size_t segment = m.msg_len;
            for (cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr); c; c = CMSG_NXTHDR(&m.msg_hdr, c))
            {
                if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO)
                {
                    int size = 0;
                    std::memcpy(&size, CMSG_DATA(c), sizeof size);
                    if (size > 0)
                        segment = static_cast<std::size_t>(size);
                }
            }
            auto* base = static_cast<std::uint8_t*>(a.iov[i].iov_base);
            m_window.rxBytes += m.msg_len;
            // An empty datagram is one datagram too (junk the session layer counts).
            for (std::size_t off = 0; off < m.msg_len || (off == 0 && m.msg_len == 0);
                 off += std::max<std::size_t>(segment, 1))
            {
                const std::size_t length = std::min<std::size_t>(segment, m.msg_len - off);
                m_counters.rxDatagrams++;
                if (length > MaxDatagram)
                {
                    m_counters.rxTruncated++;
                    continue;
                }
                a.batch[kept++] = RxDatagram{base + off, length, from};
                if (kept == static_cast<std::size_t>(BatchSize))
                    deliver();
            }
        }
        deliver();
        if (n < GroSlots)
            return true;
    }
    return false;
}

void MmsgUdpIo::send(const Peer& to, std::span<const std::uint8_t> datagram)
{
    if (m_fd < 0 || datagram.size() > m_txPool.slabSize())
    {
        m_counters.txDropped++;
        return;
    }
    if (m_txQueue.size() - m_txHead >= MaxBacklog)
    {
        m_counters.txDropped++;
        return;
    }
    m_window.txBytes += datagram.size();
    std::uint8_t* slab = m_txPool.acquire();
    std::memcpy(slab, datagram.data(), datagram.size());
    m_txQueue.push_back(TxItem{slab, static_cast<std::uint32_t>(datagram.size()), to.endpoint});
    // A full batch leaves at once (unless the kernel already pushed back).
    if (!m_writeWaiting && m_txQueue.size() - m_txHead >= static_cast<std::size_t>(BatchSize))
        sendQueued();
}

void MmsgUdpIo::flush()
{
    if (!m_writeWaiting)
        sendQueued();
}

// Builds the next sendmmsg call from the queue head: one message per datagram, or with GSO one
// message per run of datagrams to the same peer that all have the first one's length (the last
// may be shorter, as UDP_SEGMENT allows). Returns the message count; counts[i] is how many
// queued datagrams message i carries.
std::size_t MmsgUdpIo::buildBatch(sockaddr_storage* addrs, std::uint16_t* counts)
{
    std::size_t messages = 0;
    std::size_t item = m_txHead;
    std::size_t iov = 0;
    while (messages < static_cast<std::size_t>(BatchSize) && item < m_txQueue.size())
    {
        const TxItem& first = m_txQueue[item];
        std::size_t run = 1;
        if (m_gso)
        {
            std::size_t bytes = first.length;
            while (item + run < m_txQueue.size() && run < MaxGsoSegments &&
                   iov + run < MaxItemsPerCall)
            {
                const TxItem& next = m_txQueue[item + run];
                if (next.length > first.length || !(next.to == first.to) ||
                    bytes + next.length > MaxGsoBytes)
                    break;
                bytes += next.length;
                ++run;
                if (next.length < first.length)
                    break; // only the last segment may be short
            }
        }
        else if (iov >= MaxItemsPerCall)
            break;
        if (iov + run > MaxItemsPerCall)
            break;
        mmsghdr& m = m_txMsgs[messages];
        std::memset(&m.msg_hdr, 0, sizeof(msghdr));
        for (std::size_t i = 0; i < run; ++i)
        {
            m_txIov[iov + i].iov_base = m_txQueue[item + i].slab;
            m_txIov[iov + i].iov_len = m_txQueue[item + i].length;
        }
        m.msg_hdr.msg_iov = &m_txIov[iov];
        m.msg_hdr.msg_iovlen = run;
        m.msg_hdr.msg_name = &addrs[messages];
        m.msg_hdr.msg_namelen = first.to.toSockaddr(m_family, addrs[messages]);
        if (run > 1)
        {
            GsoControl& c = m_txControl[messages];
            std::memset(&c, 0, sizeof c);
            m.msg_hdr.msg_control = c.bytes;
            m.msg_hdr.msg_controllen = sizeof c.bytes;
            cmsghdr* cm = CMSG_FIRSTHDR(&m.msg_hdr);
            cm->cmsg_level = SOL_UDP;
            cm->cmsg_type = UDP_SEGMENT;
            cm->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
            const auto segment = static_cast<std::uint16_t>(first.length);
            std::memcpy(CMSG_DATA(cm), &segment, sizeof segment);
        }
        counts[messages] = static_cast<std::uint16_t>(run);
        ++messages;
        item += run;
        iov += run;
    }
    return messages;
}

bool MmsgUdpIo::sendQueued()
{
    sockaddr_storage addrs[BatchSize];
    std::uint16_t counts[BatchSize];
    while (m_txHead < m_txQueue.size())
    {
        const std::size_t messages = buildBatch(addrs, counts);
        const int sent =
            s_sendBatch(m_fd, m_txMsgs.get(), static_cast<unsigned>(messages), MSG_DONTWAIT);
        m_counters.txSyscalls++;
        if (sent < 0)
        {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
            {
                m_counters.txBlocked++;
                if (m_txHead > 0)
                {
                    m_txQueue.erase(m_txQueue.begin(),
                                    m_txQueue.begin() + static_cast<std::ptrdiff_t>(m_txHead));
                    m_txHead = 0;
                }
                setWriteWait(true);
                return false;
            }
            if (errno == EINTR)
                continue;
            if (counts[0] > 1 && (errno == EINVAL || errno == EIO || errno == ENOPROTOOPT ||
                                  errno == EOPNOTSUPP))
            {
                // The kernel or the route refused segmentation offload (kernels before 4.18,
                // devices without checksum offload): send this socket's datagrams one by one
                // from now on, these included.
                m_gso = false;
                continue;
            }
            // A hard error belongs to the first message (unreachable peer, EMSGSIZE, a v6 peer on
            // a v4 socket): drop its datagrams, like a loss on the wire, and go on with the rest.
            for (std::size_t i = 0; i < counts[0]; ++i)
                m_txPool.release(m_txQueue[m_txHead + i].slab);
            m_counters.txDropped += counts[0];
            m_txHead += counts[0];
            continue;
        }
        std::size_t datagrams = 0;
        for (int i = 0; i < sent; ++i)
            datagrams += counts[i];
        for (std::size_t i = 0; i < datagrams; ++i)
            m_txPool.release(m_txQueue[m_txHead + i].slab);
        m_txHead += datagrams;
        m_counters.txDatagrams += datagrams;
        m_counters.txMessages += static_cast<std::uint64_t>(sent);
        // A partial batch: the next call reports why (or sends the rest).
    }
    m_txQueue.clear();
    m_txHead = 0;
    setWriteWait(false);
    return true;
}

void MmsgUdpIo::setWriteWait(bool on)
{
    if (on == m_writeWaiting)
        return;
    m_writeWaiting = on;
    if (on && !m_writeNotifier)
    {
        m_writeNotifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Write);
        QObject::connect(m_writeNotifier.get(), &QSocketNotifier::activated, m_writeNotifier.get(),
                         [this] { sendQueued(); });
    }
    // Only while a backlog exists: a UDP socket is almost always writable, so an enabled write
    // notifier would spin the event loop.
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(on);
}

} // namespace kcp::net::detail
