#pragma once

#include "kcp/session_core.h"

#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace kcp::net
{

// How a worker moves datagrams between its UDP sockets and the kernel. Both produce the same
// bytes on the wire; they differ only in syscalls per datagram.
enum class IoBackend
{
    Auto, // KCPDESK_IO if set ("qt" or "mmsg"), else Mmsg on Linux, Qt elsewhere
    Qt,   // QUdpSocket: one readDatagram/writeDatagram per datagram (portable)
    Mmsg, // Linux: recvmmsg/sendmmsg batches of up to 64 on our own non-blocking socket
};

// "qt", "mmsg" or "auto" (case-insensitive); nullopt for anything else.
std::optional<IoBackend> parseIoBackend(QStringView name);
QString ioBackendName(IoBackend backend);
// Resolves Auto (and Mmsg where it is unavailable) to the backend that will really run.
IoBackend resolveIoBackend(IoBackend requested);
// Whether this build can run recvmmsg/sendmmsg (Linux only).
bool mmsgAvailable();

// Everything one KCP session needs beyond its peer: the protocol settings (crypt, key, FEC, mtu,
// windows, nodelay; kcptun-client defaults) and the net layer's life-cycle and buffering rules.
// A value type, copied into the worker when a session starts.
struct KcpOptions
{
    SessionConfig session;
    IoBackend backend = IoBackend::Auto;

    // Idle expiry: close the session with SocketTimeoutError once no authentic datagram arrived
    // for this long (ms). 0 = never, which is kcp-go's behaviour (KCP has no keepalive; an idle
    // session sends nothing, so only enable this when the peers talk at least that often).
    int idleTimeoutMs = 0;
    // Dead link (a segment transmitted 20 times without an ACK, kcp-go's dead_link): close the
    // session with SocketTimeoutError. kcp-go 5.6.1 only flags the state; false does the same.
    bool closeOnDeadLink = true;
    // disconnectFromHost()/close(): how long (ms) the worker keeps sending until the peer has
    // acknowledged everything written. kcp-go's Close() flushes once and forgets; we wait for
    // the ACKs, at most this long.
    int closeLingerMs = 5000;
    // Send owed ACKs at the end of each receive pass instead of at the next interval flush as
    // kcp-go does without ackNoDelay, at most once per millisecond per session unless 16 are
    // owed (then the rest of the millisecond waits, or data the session sends carries them).
    // The peer's window then slides per batch, not once per interval: bulk transfers stop being
    // bounded by window x mss / interval, and RTT samples stop including up to one interval of
    // ACK delay, while a paced flow sends one ACK datagram per millisecond, not one per datagram
    // it receives (ackNoDelay). Same wire format, ACK timing only. false: kcp-go's timing.
    bool batchAcks = true;

    // Bytes KcpSocket accepts ahead of the KCP send window before write() returns less than asked
    // (backpressure; watch bytesWritten() to continue).
    qint64 writeBufferSize = 1 << 20;
    // Bytes the worker may hand to the socket's thread before read() catches up. When full, the
    // worker stops reading from KCP, whose receive window then closes: the peer slows down.
    qint64 readBufferSize = 4 << 20;
    // SO_RCVBUF / SO_SNDBUF of the UDP socket (kcptun --sockbuf default); 0 leaves the OS value.
    int socketBufferBytes = 4 << 20;
    // DSCP code point (0..63, kcptun --dscp) for every datagram the session's UDP socket sends:
    // IP_TOS / IPV6_TCLASS = dscp << 2. 0 leaves the OS default. For a server, the listener's.
    int dscp = 0;
    // Receive coalescing, mmsg backend (a NIC's adaptive interrupt moderation, for one socket).
    // While the socket only receives a steady stream (woken at least twice per millisecond and
    // sending back less than an eighth of the bytes it receives: ACKs), it stops being woken per
    // datagram and reads every this many ms. A bottleneck that spaces datagrams out otherwise
    // costs one wake-up, one epoll_wait and one recvmmsg per datagram. The stream's data then
    // waits up to this long in the kernel; the first datagram after a pause, and two-way traffic
    // (echo, request/response), are read at once. 0 = always read at once. For a server, the
    // listener's. KCPDESK_RX_COALESCE_MS overrides it (benchmarks).
    int receiveCoalesceMs = 1;
};

// KcpServer's settings: the options every accepted session gets, plus the listener's limits.
struct ServerOptions
{
    KcpOptions session;
    // Sessions waiting for nextPendingConnection(); while full, datagrams that would open a new
    // session are dropped (kcp-go's accept backlog of 128).
    int maxPendingConnections = 128;
    // Concurrent sessions of this server (pending ones included); 0 = unlimited.
    int maxSessions = 0;
    // kcp-go opens a session for any data datagram from an unknown address, even mid-stream
    // (wire-compat.md 1.9), so a client that outlives a server restart stalls silently. With
    // this set, only a datagram whose first segment is a PUSH with sn 0 opens a session (what a
    // fresh client sends first; an ACK's sn field holds the acked sn): the stale client
    // then hears nothing and fails by idle timeout or dead link. Off by default for kcp-go parity.
    bool requireFreshStart = false;
};

} // namespace kcp::net
