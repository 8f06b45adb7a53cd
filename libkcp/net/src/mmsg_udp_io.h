#pragma once

#include "datagram_io.h"

#include "kcp/buffer_pool.h"

#include <QSocketNotifier>
#include <QTimer>

#include <sys/socket.h>

#include <memory>
#include <vector>

struct mmsghdr;
struct iovec;
struct sockaddr_storage;

namespace kcp::net::detail
{

// Linux recvmmsg/sendmmsg backend.
//
// The socket is created with ::socket()/::bind() here rather than taken from a bound QUdpSocket:
// QUdpSocket keeps its own read notifier on the descriptor (and re-enables it on every read
// call), and two QSocketNotifiers on one descriptor make Qt warn and deliver each event twice,
// or to the wrong object. Owning the descriptor means exactly one read notifier, ours, and a
// write notifier that exists only while the kernel refused part of a batch.
//
// Reads drain: recvmmsg(64) is repeated while it returns full batches (a short batch means the
// queue is empty; the level-triggered notifier fires again if more arrived meanwhile), capped per
// wake-up so that one busy socket cannot starve the worker's timer and its other sockets.
// A socket that only receives a steady stream reads on a short timer instead of per datagram
// (KcpOptions::receiveCoalesceMs); see onReadEvent().
// Sends queue copies (the core's views die at popTransmit) and leave in sendmmsg batches of 64
// messages, each one datagram or, with UDP GSO, a run of equal-size datagrams to one peer; what
// the kernel does not take (EAGAIN, partial batch) waits in a bounded backlog.
class MmsgUdpIo final : public DatagramIo
{
public:
    MmsgUdpIo();
    ~MmsgUdpIo() override;

    using DatagramIo::bind;
    bool bind(const QHostAddress& address, quint16 port, const KcpOptions& options,
              QString& error) override;
    QHostAddress localAddress() const override { return m_localAddress; }
    quint16 localPort() const override { return m_localPort; }
    IoBackend backend() const override { return IoBackend::Mmsg; }

    void send(const Peer& to, std::span<const std::uint8_t> datagram) override;
    void flush() override;

    // Test seam: the sendmmsg every instance calls. Loopback never answers EAGAIN (the kernel
    // hands the datagram to the receiver at once), so tests swap in one that does.
    using SendBatch = int (*)(int fd, mmsghdr* messages, unsigned count, int flags);
    static SendBatch s_sendBatch;
    bool writeWaiting() const { return m_writeWaiting; }
    // UDP GSO on (default unless KCPDESK_GSO=0) or off for this socket; whether it is on.
    void setSegmentationOffload(bool on) { m_gso = on; }
    bool segmentationOffload() const { return m_gso; }
    // Whether the socket receives with UDP GRO (set at bind() when GSO is wanted and the kernel
    // has it).
    bool receiveOffload() const { return m_gro; }
    // Whether reads currently run on the coalescing timer (KcpOptions::receiveCoalesceMs).
    bool receiveCoalescing() const { return m_coalescing; }

private:
    struct TxItem;
    struct GsoControl
    {
        alignas(cmsghdr) char bytes[CMSG_SPACE(sizeof(std::uint16_t))];
    };

    // One read wake-up (the notifier, or the coalescing timer): drain, then decide how the next
    // datagrams are read.
    void onReadEvent(bool fromTimer);
    // Drain the socket; false if the per-wake-up cap stopped it before the queue was empty.
    bool onReadable();
    bool onReadableGro();
    void setCoalescing(bool on);
    std::size_t buildBatch(sockaddr_storage* addrs, std::uint16_t* counts);
    bool sendQueued(); // false: the kernel is full, wait for the write notifier
    void setWriteWait(bool on);

    int m_fd = -1;
    int m_family = 0;
    QHostAddress m_localAddress;
    quint16 m_localPort = 0;
    std::unique_ptr<QSocketNotifier> m_readNotifier;
    std::unique_ptr<QSocketNotifier> m_writeNotifier;
    bool m_writeWaiting = false;
    // UDP GSO (UDP_SEGMENT): runs of equal-size datagrams to one peer leave as one message, cut
    // into datagrams late in the kernel's send path. Off with KCPDESK_GSO=0, and by itself for
    // good on this socket when the kernel refuses it.
    bool m_gso = true;
    // UDP GRO (same switch): the kernel may deliver such runs whole; we cut them up again.
    bool m_gro = false;

    // Receive coalescing: the last ~10 ms of traffic decide whether the socket is a pure
    // receiver of a steady stream; while it is, the read notifier is off and a timer reads.
    struct TrafficWindow
    {
        qint64 startNs = 0;
        std::uint64_t wakeups = 0;
        std::uint64_t rxDatagrams = 0;
        std::uint64_t rxBytes = 0;
        std::uint64_t txBytes = 0;
    };
    int m_coalesceMs = 0;
    bool m_coalescing = false;
    TrafficWindow m_window;
    std::unique_ptr<QTimer> m_coalesceTimer;

    // Send side: FIFO [m_txHead, size) of queued copies, slabs recycled through m_txPool.
    BufferPool m_txPool;
    std::vector<TxItem> m_txQueue;
    std::size_t m_txHead = 0;
    std::unique_ptr<mmsghdr[]> m_txMsgs;
    std::unique_ptr<iovec[]> m_txIov;
    std::unique_ptr<GsoControl[]> m_txControl;
};

} // namespace kcp::net::detail
