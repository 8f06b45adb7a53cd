#pragma once

#include "kcp/mode_preset.h"
#include "kcp/segment.h"
#include "kcp/time.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace kcp
{

// kcp-go's SNMP counters that the ARQ itself maintains (per instance, not global).
struct KcpCounters
{
    std::uint64_t inSegs = 0;            // InSegs
    std::uint64_t outSegs = 0;           // OutSegs
    std::uint64_t retransSegs = 0;       // RetransSegs = lost + fast + early
    std::uint64_t fastRetransSegs = 0;   // FastRetransSegs
    std::uint64_t earlyRetransSegs = 0;  // EarlyRetransSegs
    std::uint64_t lostSegs = 0;          // LostSegs: RTO timeouts
    std::uint64_t repeatSegs = 0;        // RepeatSegs: duplicate or out-of-window PUSH
    std::uint64_t inErrors = 0;          // KCPInErrors: bad conv, cmd or length
};

// The KCP ARQ exactly as kcp-go 5.6.1 behaves (kcp.go): same segments on the wire, same RTT
// estimator (update_ack), RTO back-off, fast and early retransmit, ACK filter, window probing,
// stream mode. Time enters as an argument; datagrams leave through the output callback.
// Not thread-safe.
class Kcp
{
public:
    // Receives one datagram: its first reservedBytes() bytes are free for the layers below
    // (FEC and crypto headers) and length includes them. The buffer is reused after the call.
    using Output = std::function<void(std::uint8_t* datagram, std::size_t length)>;

    Kcp(std::uint32_t conv, Output output);
    ~Kcp();
    Kcp(const Kcp&) = delete;
    Kcp& operator=(const Kcp&) = delete;

    // mtu: the full datagram limit; reserved: header bytes of the lower layers inside it, so
    // mss = mtu - 24 - reserved (kcp-go SetMtu + ReserveBytes). False if out of range.
    bool setMtu(int mtu, int reserved);
    void setNoDelay(const NoDelayParams& params);
    // 0 keeps the current value.
    void setWindowSize(int sndWnd, int rcvWnd);
    void setStreamMode(bool on);

    // Queues application bytes. Returns 0, or -1 for an empty or oversized message (message
    // mode only: more than 255 fragments).
    int send(std::span<const std::uint8_t> data);
    // Copies the next message (or, in stream mode, as many whole segments' bytes as fit... see
    // kcp-go Recv) into out. Returns the byte count, -1 nothing ready, -3 out too small.
    int recv(std::span<std::uint8_t> out);
    // Size of the next message, -1 if none is complete.
    int peekSize() const;

    // One datagram body of KCP segments. regular: false for FEC-recovered data (no RTT and no
    // remote-window update). ackNoDelay: flush pending ACKs at once. Returns 0 or a negative
    // kcp-go error code (-1 short, -2 data length, -3 unknown cmd); bad conv counts inErrors.
    int input(std::span<const std::uint8_t> data, bool regular, bool ackNoDelay, Millis now);

    // kcp-go flush(ackOnly): emits ACKs, probes and due PUSH segments. Returns the ms the
    // caller should wait before the next flush(false).
    std::uint32_t flush(Millis now, bool ackOnly);

    std::uint32_t conv() const;
    int mss() const;
    int reservedBytes() const;
    int interval() const;
    // Segments waiting to be acknowledged or sent (snd_buf + snd_queue): kcp-go WaitSnd.
    int waitSnd() const;
    int sndWnd() const;
    int rcvWnd() const;
    int remoteWnd() const;
    int cwnd() const;
    int ssthresh() const;
    std::int32_t srtt() const;
    std::int32_t rttVar() const;
    std::int32_t rto() const;
    std::uint32_t inflight() const;   // snd_nxt - snd_una
    int sndQueueSize() const;
    int sndBufSize() const;
    int rcvQueueSize() const;
    int rcvBufSize() const;
    std::uint32_t maxXmit() const;    // highest transmission count of an unacked segment
    bool deadLink() const;            // state != 0: some segment reached 20 transmissions
    const KcpCounters& counters() const;

private:
    // (filled by the implementation)
};

} // namespace kcp
