#pragma once

#include "kcp/kcp.h"
#include "segment_ring.h"
#include "thin_redundancy.h"
#include "kcp/buffer_pool.h"

#include <cstdint>
#include <vector>

namespace kcp
{

// kcp-go kcp.go constants (IKCP_*), with the values of kcp-go 5.6.1.
namespace ikcp
{
constexpr std::uint32_t RtoNoDelay = 30;     // IKCP_RTO_NDL: min RTO with nodelay
constexpr std::uint32_t RtoMin = 100;        // IKCP_RTO_MIN: min RTO otherwise
constexpr std::uint32_t RtoDefault = 200;    // IKCP_RTO_DEF: RTO before the first sample
constexpr std::uint32_t RtoMax = 60000;      // IKCP_RTO_MAX
constexpr std::uint32_t AskSend = 1;         // IKCP_ASK_SEND: a WASK is due
constexpr std::uint32_t AskTell = 2;         // IKCP_ASK_TELL: a WINS is due
constexpr std::uint32_t WndSnd = 32;         // IKCP_WND_SND
constexpr std::uint32_t WndRcv = 32;         // IKCP_WND_RCV (also the initial rmt_wnd)
constexpr std::uint32_t MtuDefault = 1400;   // IKCP_MTU_DEF
constexpr std::uint32_t MtuMin = 50;         // KCP.SetMtu's lower bound
constexpr std::uint32_t MtuMax = 1500;       // sess.go mtuLimit (UDPSession.SetMtu's bound)
constexpr std::uint32_t Interval = 100;      // IKCP_INTERVAL
constexpr std::uint32_t Overhead = 24;       // IKCP_OVERHEAD = SegmentHeaderSize
constexpr std::uint32_t DeadLink = 20;       // IKCP_DEADLINK: transmissions before state = -1
constexpr std::uint32_t ThreshInit = 2;      // IKCP_THRESH_INIT
constexpr std::uint32_t ThreshMin = 2;       // IKCP_THRESH_MIN
constexpr std::uint32_t ProbeInit = 7000;    // IKCP_PROBE_INIT: first WASK after 7 s
constexpr std::uint32_t ProbeLimit = 120000; // IKCP_PROBE_LIMIT: probe wait cap
} // namespace ikcp

namespace detail
{

// kcp-go `segment`, minus what every transmission re-stamps from the connection (conv, cmd,
// wnd, una). One layout serves both directions; a receive-side segment uses sn, frg and data.
struct Segment
{
    std::uint8_t* data = nullptr; // slab (or, above SlabSize, a heap block); null once acked
    std::uint32_t len = 0;        // payload bytes
    std::uint32_t sn = 0;
    std::uint32_t ts = 0;       // time of the last transmission (sent), echoed by ACKs
    std::uint32_t rto = 0;      // this segment's current RTO
    std::uint32_t resendts = 0; // when the RTO expires
    std::uint32_t fastack = 0;  // ACKs for later segments seen since the last transmission
    std::uint32_t xmit = 0;     // transmissions so far
    std::uint8_t frg = 0;
    bool acked = false; // acked out of order: kept in snd_buf until una passes it
    // Copies of its first transmission when it left in a thin flight, 0 when not thin, and
    // which flight (datagram) that was, mod 256: segments of one datagram share its fate, so
    // their repairs count as one.
    std::uint8_t thinCopies = 0;
    std::uint8_t thinFlight = 0;
};

struct AckItem
{
    std::uint32_t sn;
    std::uint32_t ts;
};

} // namespace detail

class Kcp::Impl
{
public:
    Impl(std::uint32_t conv, Output output);
    ~Impl();

    bool setMtu(int mtu, int reserved);
    void setNoDelay(const NoDelayParams& params);
    void setWindowSize(int sndWnd, int rcvWnd);

    int send(std::span<const std::uint8_t> data);
    int recv(std::span<std::uint8_t> out);
    int peekSize() const;
    int input(std::span<const std::uint8_t> data, bool regular, bool ackNoDelay, Millis now);
    std::uint32_t flush(Millis now, bool ackOnly);

    std::uint32_t maxXmit() const;

    // Field names follow kcp-go's KCP struct (in brackets where the C++ name differs).
    std::uint32_t m_conv;          // conv
    std::uint32_t m_mtu;           // mtu: whole datagram, reserved bytes included
    std::uint32_t m_mss;           // mss = mtu - 24 - reserved
    std::uint32_t m_state = 0;     // state: 0xFFFFFFFF once a segment hit dead_link
    std::uint32_t m_sndUna = 0;    // snd_una
    std::uint32_t m_sndNxt = 0;    // snd_nxt
    std::uint32_t m_rcvNxt = 0;    // rcv_nxt
    std::uint32_t m_ssthresh;      // ssthresh
    std::int32_t m_rxRttvar = 0;   // rx_rttvar
    std::int32_t m_rxSrtt = 0;     // rx_srtt
    std::uint32_t m_rxRto;         // rx_rto
    std::uint32_t m_rxMinrto;      // rx_minrto
    std::uint32_t m_sndWnd;        // snd_wnd
    std::uint32_t m_rcvWnd;        // rcv_wnd
    std::uint32_t m_rmtWnd;        // rmt_wnd: the peer's last advertised free window
    std::uint32_t m_cwnd = 0;      // cwnd: 0 until the first flush (kcp-go never sets it)
    std::uint32_t m_probe = 0;     // probe: ikcp::AskSend | ikcp::AskTell
    std::uint32_t m_interval;      // interval
    std::uint32_t m_nodelay = 0;   // nodelay
    std::uint32_t m_tsProbe = 0;   // ts_probe
    std::uint32_t m_probeWait = 0; // probe_wait
    std::uint32_t m_deadLink;      // dead_link
    std::uint32_t m_incr = 0;      // incr: cwnd growth in bytes (congestion avoidance)
    std::int32_t m_fastresend = 0; // fastresend
    std::int32_t m_nocwnd = 0;     // nocwnd
    bool m_stream = false;         // stream
    bool m_selectiveWindow = false; // kcp.h setSelectiveWindow; not in kcp-go
    std::uint32_t m_sndBufAcked = 0; // segments in snd_buf acked out of order
    // kcp-go's ts_flush/updated belong to the deprecated Update()/Check(), which sessions never
    // call; the caller's timer uses flush()'s return value instead (sess.go update()).

    detail::SegmentRing<detail::Segment> m_sndQueue; // snd_queue: not yet given an sn
    detail::SegmentRing<detail::Segment> m_sndBuf;   // snd_buf: sn snd_una..snd_nxt-1, in order
    detail::SegmentRing<detail::Segment> m_rcvQueue; // rcv_queue: in order, ready for recv()
    detail::SegmentRing<detail::Segment> m_rcvBuf;   // rcv_buf: out of order, sorted by sn
    std::vector<detail::AckItem> m_ackList;          // acklist

    std::vector<std::uint8_t> m_buffer; // buffer: one datagram, reserved bytes at the front
    std::uint32_t m_reserved = 0;       // reserved
    Output m_output;                    // output

    KcpCounters m_counters;
    BufferPool m_slabs;

    // Thin-flow redundancy (kcp.h setThinRedundancy). Not part of kcp-go.
    detail::ThinRedundancy m_thin;
    bool m_windowHeld = false; // kcp_flush.cpp "Window hysteresis"; not in kcp-go
    bool m_bulk = false; // latched by a flush that was not thin, until snd_buf empties

private:
    std::uint8_t* allocData(std::size_t len);
    void releaseData(detail::Segment& seg);
    void releaseAll(detail::SegmentRing<detail::Segment>& ring);

    // kcp.go's helpers, one each.
    void updateAck(std::int32_t rtt);                                             // update_ack
    void shrinkBuf();                                                             // shrink_buf
    void parseAck(std::uint32_t sn);                                              // parse_ack
    void parseFastack(std::uint32_t sn, std::uint32_t ts);                        // parse_fastack
    int parseUna(std::uint32_t una);                                              // parse_una
    bool parseData(const detail::Segment& incoming, const std::uint8_t* payload); // parse_data
    void moveReadySegments();        // the rcv_buf -> rcv_queue loop of parse_data and Recv
    std::uint16_t wndUnused() const; // wnd_unused
    void growCwndOnAck();            // Input's "cwnd update when packet arrived"

    // What one flush decides once and every segment's transmission needs.
    struct FlushPass
    {
        Millis now;
        std::uint32_t resent;     // fast-retransmit threshold, 0xFFFFFFFF = off
        bool newSegments;         // this flush moved segments from snd_queue into snd_buf
        std::uint16_t wnd;        // stamped on every segment
        std::uint32_t una;        //   "
        bool thin = false;        // a thin flight: PUSH datagrams go out m_copies times
        std::uint64_t change = 0; // fast + early retransmits (for cwnd)
        std::uint64_t lost = 0;
        std::uint64_t fast = 0;
        std::uint64_t early = 0;
    };
    void transmitIfDue(detail::Segment& segment, FlushPass& pass);
    bool thinFlight();

    // Emits m_buffer as one datagram, then copies of its PUSH segments (m_pushStart..m_used)
    // so that m_copies datagrams carry them in all.
    void emit();

    // Output buffer cursor for flush (kcp-go's makeSpace/flushBuffer closures).
    void makeSpace(std::size_t space);
    void flushBuffer();
    void encodeControl(const SegmentHeader& header);

    std::size_t m_used = 0; // bytes of m_buffer in use, reserved bytes included
    static constexpr std::size_t NoPush = ~std::size_t{0};
    // Thin: at most this many segments in snd_buf and this many mss of unacked bytes.
    static constexpr std::size_t ThinMaxSegments = 32;
    static constexpr std::size_t ThinMaxMss = 3;
    // A held window takes new data again once 1/4 of it is open, or this many segments
    // (kcp_flush.cpp): a bigger burst would overrun the queue of a bottleneck.
    static constexpr std::size_t WindowReopenDivisor = 4;
    static constexpr std::size_t WindowReopenSegments = 32;
    std::size_t m_pushStart = NoPush;  // first PUSH byte in m_buffer
    std::uint32_t m_pushSegs = 0;      // PUSH segments in m_buffer
    int m_copies = 1;                  // datagrams per PUSH-carrying datagram in this flush
    bool m_bufferHasFirstThin = false; // m_buffer holds a thin segment's first transmission
    std::uint8_t m_thinFlight = 0;     // id of the thin flight m_buffer will be
    int m_lastRepairedFlight = -1;     // flight whose repair was counted last
};

} // namespace kcp
