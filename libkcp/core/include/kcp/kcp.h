#pragma once

#include "kcp/mode_preset.h"
#include "kcp/segment.h"
#include "kcp/time.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace kcp
{

// kcp-go's SNMP counters that the ARQ itself maintains (per instance, not global).
struct KcpCounters
{
    std::uint64_t inSegs = 0;           // InSegs
    std::uint64_t outSegs = 0;          // OutSegs
    std::uint64_t retransSegs = 0;      // RetransSegs = lost + fast + early
    std::uint64_t fastRetransSegs = 0;  // FastRetransSegs
    std::uint64_t earlyRetransSegs = 0; // EarlyRetransSegs
    std::uint64_t lostSegs = 0;         // LostSegs: RTO timeouts
    std::uint64_t repeatSegs = 0;       // RepeatSegs: duplicate or out-of-window PUSH
    std::uint64_t inErrors = 0;         // KCPInErrors: bad conv, cmd or length
    std::uint64_t redundantSegs = 0;    // RedundantSegs: PUSH segments sent again as thin copies
};

// The KCP ARQ exactly as kcp-go 5.6.1 behaves (kcp.go): same segments on the wire, same RTT
// estimator (update_ack), RTO back-off, fast and early retransmit, ACK filter, window probing,
// stream mode. Time enters as an argument; datagrams leave through the output callback.
// Not thread-safe, and the output callback must not call back into the same instance.
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
    // Thin-flow redundancy (not in kcp-go; libkcp/core/README.md "Thin-flow redundancy"): while
    // the application keeps only a few segments' worth of bytes in flight and nothing queued,
    // each datagram carrying PUSH segments goes out k times, the copies holding only the PUSH
    // segments. The peer sees repeated segments (kcp-go counts them in RepeatSegs) and ACKs
    // them; the wire format is unchanged. ThinRedundancyAuto picks k from the repairs thin
    // segments still need; 0 or 1 turns it off; 2..8 sends that many copies always.
    static constexpr int ThinRedundancyAuto = -1;
    static constexpr int MaxThinCopies = 8;
    void setThinRedundancy(int mode);
    // Copies the next thin flight would send (1 = none extra), and the loss estimate behind it.
    int thinCopies() const;
    double thinLossEstimate() const;
    // Loss measured on the incoming path (e.g. by the FEC decoder), which auto mode takes when
    // it is higher than what its own repairs show.
    void setThinLossHint(double loss);

    // Selective window (not in kcp-go; libkcp/core/README.md "Selective window"): snd_wnd bounds
    // the segments in flight (sent and not yet acked) instead of the span snd_una..snd_nxt, so
    // one lost segment no longer freezes the window for a round trip while later ones are acked.
    // The span stays within the peer's advertised window (and the cwnd when nc = 0), which is
    // all a receiver accepts; the wire format is unchanged. Off by default, as in kcp-go.
    void setSelectiveWindow(bool on);
    // Segments in snd_buf not yet acked (with the selective window, what snd_wnd bounds).
    int unackedSegments() const;
    // Segments the application may still queue (kcp-go's Write test WaitSnd < min(snd_wnd,
    // rmt_wnd), or with the selective window snd_queue + unacked < snd_wnd and WaitSnd < rmt_wnd).
    // Zero or negative when full.
    int sendRoom() const;

    // Queues application bytes (kcp-go Send). Returns 0, -1 for empty data, or -2 when the data
    // would need more than 255 segments (checked in stream mode too, after topping up the last
    // queued segment, exactly like kcp-go; sessions pass at most mss bytes per call).
    int send(std::span<const std::uint8_t> data);
    // Copies the next message into out (kcp-go Recv): all fragments of one message, or in stream
    // mode one segment. Returns the byte count, -1 if nothing is ready, -2 if out is smaller than
    // peekSize() (kcp-go's codes; nothing is consumed then).
    int recv(std::span<std::uint8_t> out);
    // Size of the next message, -1 if none is complete (0 for an empty PUSH from the peer).
    int peekSize() const;

    // One datagram body of KCP segments (kcp-go Input). regular: false for FEC-recovered data
    // (no RTT sample, no remote-window update, not counted in repeatSegs). Returns 0 or kcp-go's
    // error code: -1 shorter than 24 bytes or a segment with a foreign conv, -2 a segment's len
    // runs past the end, -3 unknown cmd. Segments before the bad one stay applied; the rest of
    // the datagram, the RTT sample and the flushes below are skipped. Every non-zero return adds
    // one to counters().inErrors (the session's KCPInErrors; don't count it twice).
    // On success it may flush by itself, through the output callback, at `now`:
    //   - flush(now, false) if una from the peer removed segments from snd_buf (window slid);
    //   - else flush(now, true) if ackNoDelay and ACKs are pending.
    // Neither changes when the caller's next timed flush is due.
    int input(std::span<const std::uint8_t> data, bool regular, bool ackNoDelay, Millis now);

    // kcp-go flush(ackOnly): writes pending ACKs (ackOnly stops there), then WASK/WINS, moves
    // segments from the send queue into the window and (re)transmits those due at `now`.
    // Returns the ms until the next flush(now, false) is needed, as kcp-go's update() uses it:
    // ackOnly: interval(); otherwise min(interval(), smallest resend time - now over the unacked
    // segments still waiting, counting only those still in the future), always in [1, interval].
    std::uint32_t flush(Millis now, bool ackOnly);

    std::uint32_t conv() const;
    int mtu() const;
    int mss() const;
    int reservedBytes() const;
    int interval() const;
    // Segments waiting to be acknowledged or sent (snd_buf + snd_queue): kcp-go WaitSnd.
    int waitSnd() const;
    // ACKs received PUSH segments are owed and the next flush will send.
    std::size_t pendingAcks() const;
    int sndWnd() const;
    int rcvWnd() const;
    int remoteWnd() const;
    int cwnd() const;
    int ssthresh() const;
    std::int32_t srtt() const;
    std::int32_t rttVar() const;
    std::int32_t rto() const;
    std::uint32_t inflight() const; // snd_nxt - snd_una
    std::uint32_t sndUna() const;   // first unacknowledged sn
    std::uint32_t sndNxt() const;   // sn the next segment entering the window gets
    std::uint32_t rcvNxt() const;   // next sn expected in order (the una we send)
    int sndQueueSize() const;
    int sndBufSize() const;
    int rcvQueueSize() const;
    int rcvBufSize() const;
    std::uint32_t maxXmit() const; // highest transmission count of an unacked segment
    bool deadLink() const;         // state != 0: some segment reached 20 transmissions
    const KcpCounters& counters() const;

private:
    // kcp-go's KCP struct (field names kept there, see src/arq/kcp_impl.h), behind a pointer so
    // the queues and the slab pool stay private to src/arq.
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kcp
