// The send side of kcp-go's kcp.go: flush, which packs ACKs, window probes and PUSH segments
// into mtu-sized datagrams and decides what to (re)transmit.
#include "kcp_impl.h"

#include <algorithm>
#include <cstring>

namespace kcp
{

using detail::Segment;

// kcp-go flush's makeSpace closure: emit the datagram built so far if `space` more bytes would
// take it past mtu. The buffer is reused; the reserved front bytes belong to the layers below.
void Kcp::Impl::makeSpace(std::size_t space)
{
    // kcp-go emits unconditionally and its session drops buffers without a whole segment;
    // an empty buffer only gets here for a segment queued before the mtu shrank.
    if (m_used + space > m_mtu)
        emit();
    // Such a leftover oversized segment makes one oversized datagram (kcp-go would panic).
    if (m_used + space > m_buffer.size())
        m_buffer.resize(m_used + space);
}

// kcp-go flush's flushBuffer closure: emit what is left, if anything.
void Kcp::Impl::flushBuffer()
{
    emit();
}

void Kcp::Impl::emit()
{
    if (m_used > m_reserved)
        m_output(m_buffer.data(), m_used);
    if (m_pushStart != NoPush && m_copies > 1)
    {
        // Copies carry the PUSH segments only: a duplicated ACK would count as several ACKs in
        // the peer's fast-retransmit logic (kcp-go counts fastack once per datagram). Each copy
        // is its own datagram below (own FEC slot, own nonce), so losses hit them independently.
        const std::size_t pushBytes = m_used - m_pushStart;
        if (m_pushStart != m_reserved)
            std::memmove(m_buffer.data() + m_reserved, m_buffer.data() + m_pushStart, pushBytes);
        for (int i = 1; i < m_copies; ++i)
            m_output(m_buffer.data(), m_reserved + pushBytes);
        m_counters.redundantSegs += static_cast<std::uint64_t>(m_copies - 1) * m_pushSegs;
    }
    if (m_bufferHasFirstThin)
    {
        m_thin.onFlight(m_copies);
        ++m_thinFlight;
        m_bufferHasFirstThin = false;
    }
    m_used = m_reserved;
    m_pushStart = NoPush;
    m_pushSegs = 0;
}

// A thin flight: the application is not keeping the pipe full (nothing queued behind the window,
// a few segments' worth of bytes in flight), so each segment is a message someone waits for and
// copies are cheap. Once a flush is not thin the session counts as bulk until snd_buf empties,
// so the tail and the retransmissions of a bulk transfer are never copied.
bool Kcp::Impl::thinFlight()
{
    if (m_bulk || !m_thin.enabled())
        return false;
    if (!m_sndQueue.empty() || m_sndBuf.size() > ThinMaxSegments)
    {
        m_bulk = true;
        return false;
    }
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < m_sndBuf.size(); ++i)
        if (!m_sndBuf[i].acked)
            bytes += m_sndBuf[i].len;
    if (bytes > ThinMaxMss * m_mss)
    {
        m_bulk = true;
        return false;
    }
    return true;
}

// kcp-go segment.encode for a segment without payload; every encode counts in OutSegs.
void Kcp::Impl::encodeControl(const SegmentHeader& header)
{
    makeSpace(SegmentHeaderSize);
    encodeSegmentHeader(m_buffer.data() + m_used, header);
    m_used += SegmentHeaderSize;
    ++m_counters.outSegs;
}

// kcp-go wnd_unused: the free receive window we advertise. Truncated to 16 bits like kcp-go's
// uint16 conversion (rcv_wnd above 65535 wraps).
std::uint16_t Kcp::Impl::wndUnused() const
{
    if (m_rcvQueue.size() < m_rcvWnd)
        return static_cast<std::uint16_t>(m_rcvWnd - m_rcvQueue.size());
    return 0;
}

// The per-segment body of kcp-go flush's retransmission loop: decide whether the segment goes
// out now (first transmission, fast retransmit, early retransmit or RTO, in kcp-go's order),
// update its timer, and encode it.
void Kcp::Impl::transmitIfDue(Segment& segment, FlushPass& pass)
{
    const Millis now = pass.now;
    if (segment.xmit == 0)
    {
        // First transmission.
        segment.rto = m_rxRto;
        segment.resendts = now + segment.rto;
        segment.thinCopies = pass.thin ? static_cast<std::uint8_t>(m_copies) : 0;
    }
    else if (segment.fastack >= pass.resent)
    {
        // Fast retransmit: enough later segments were acked.
        segment.fastack = 0;
        segment.rto = m_rxRto;
        segment.resendts = now + segment.rto;
        ++pass.change;
        ++pass.fast;
    }
    else if (segment.fastack > 0 && !pass.newSegments)
    {
        // Early retransmit (kcp-go only): a later segment was acked and nothing new went into
        // flight in this flush, so no further ACKs may come to reach the threshold.
        segment.fastack = 0;
        segment.rto = m_rxRto;
        segment.resendts = now + segment.rto;
        ++pass.change;
        ++pass.early;
    }
    else if (timeDiff(now, segment.resendts) >= 0)
    {
        // RTO expired: back off by rx_rto (or half of it with nodelay), not by the segment's
        // own rto as ikcp.c does.
        segment.rto += m_nodelay == 0 ? m_rxRto : m_rxRto / 2;
        segment.fastack = 0;
        segment.resendts = now + segment.rto;
        ++pass.lost;
    }
    else
    {
        return; // skipped by fewer than `resent` ACKs while new data flows: wait
    }

    // Every copy of a thin segment was lost (or its ACK was): the evidence thin redundancy
    // learns the loss rate from.
    if (segment.xmit == 1 && segment.thinCopies != 0 && segment.thinFlight != m_lastRepairedFlight)
    {
        m_lastRepairedFlight = segment.thinFlight;
        m_thin.onRepair(segment.thinCopies);
    }

    ++segment.xmit;
    segment.ts = now;

    makeSpace(SegmentHeaderSize + segment.len);
    if (m_pushStart == NoPush)
        m_pushStart = m_used;
    ++m_pushSegs;
    if (segment.xmit == 1 && segment.thinCopies != 0)
    {
        segment.thinFlight = m_thinFlight;
        m_bufferHasFirstThin = true;
    }
    SegmentHeader h;
    h.conv = m_conv;
    h.cmd = static_cast<std::uint8_t>(Command::Push);
    h.frg = segment.frg;
    h.wnd = pass.wnd;
    h.ts = segment.ts;
    h.sn = segment.sn;
    h.una = pass.una;
    h.len = segment.len;
    std::uint8_t* out = encodeSegmentHeader(m_buffer.data() + m_used, h);
    if (segment.len > 0)
        std::memcpy(out, segment.data, segment.len);
    m_used += SegmentHeaderSize + segment.len;
    ++m_counters.outSegs;

    if (segment.xmit >= m_deadLink)
        m_state = 0xFFFFFFFFu;
}

// kcp-go flush.
std::uint32_t Kcp::Impl::flush(Millis now, bool ackOnly)
{
    // All segments of one flush carry the same wnd and una. ACK/WASK/WINS share this header;
    // WASK/WINS inherit sn/ts of the last ACK written (the peer ignores them).
    SegmentHeader ctl;
    ctl.conv = m_conv;
    ctl.cmd = static_cast<std::uint8_t>(Command::Ack);
    ctl.wnd = wndUnused();
    ctl.una = m_rcvNxt;

    m_used = m_reserved;

    // ACKs. Filter jitter caused by bufferbloat: an ACK below rcv_nxt is already covered by una,
    // so skip it, but keep the last one (it carries the freshest ts for the peer's RTT).
    const std::size_t ackCount = m_ackList.size();
    for (std::size_t i = 0; i < ackCount; ++i)
    {
        const detail::AckItem ack = m_ackList[i];
        if (timeDiff(ack.sn, m_rcvNxt) >= 0 || i + 1 == ackCount)
        {
            ctl.sn = ack.sn;
            ctl.ts = ack.ts;
            encodeControl(ctl);
        }
        // kcp-go calls makeSpace for skipped entries too; that can only emit a full buffer
        // one entry earlier than the (never skipped) last ACK would, so the datagrams are equal.
    }
    m_ackList.clear();

    if (ackOnly)
    {
        flushBuffer();
        return m_interval;
    }

    // Probe the window while the peer advertises 0: first after 7 s, then 1.5x longer each time
    // up to 120 s.
    if (m_rmtWnd == 0)
    {
        if (m_probeWait == 0)
        {
            m_probeWait = ikcp::ProbeInit;
            m_tsProbe = now + m_probeWait;
        }
        else if (timeDiff(now, m_tsProbe) >= 0)
        {
            if (m_probeWait < ikcp::ProbeInit)
                m_probeWait = ikcp::ProbeInit;
            m_probeWait += m_probeWait / 2;
            if (m_probeWait > ikcp::ProbeLimit)
                m_probeWait = ikcp::ProbeLimit;
            m_tsProbe = now + m_probeWait;
            m_probe |= ikcp::AskSend;
        }
    }
    else
    {
        m_tsProbe = 0;
        m_probeWait = 0;
    }

    if ((m_probe & ikcp::AskSend) != 0)
    {
        ctl.cmd = static_cast<std::uint8_t>(Command::WindowAsk);
        encodeControl(ctl);
    }
    if ((m_probe & ikcp::AskTell) != 0)
    {
        ctl.cmd = static_cast<std::uint8_t>(Command::WindowTell);
        encodeControl(ctl);
    }
    m_probe = 0;

    // The sending window: the peer's window, our own, and with congestion control the cwnd.
    // kcp-go counts all of them from snd_una. The selective window counts snd_wnd against the
    // segments in flight instead, and only the peer's window and the cwnd from snd_una.
    std::uint32_t cwnd = m_selectiveWindow ? m_rmtWnd : std::min(m_sndWnd, m_rmtWnd);
    if (m_nocwnd == 0)
        cwnd = std::min(m_cwnd, cwnd);
    const std::size_t inFlightLimit =
        m_selectiveWindow ? m_sndWnd + std::size_t{m_sndBufAcked} : ~std::size_t{0};

    if (m_sndBuf.empty())
        m_bulk = false;

    // Window hysteresis (selective window only): once new data has filled the window of a flight
    // bigger than a thin one, the next new data waits until a quarter of the window (at most 32
    // segments) is free again, instead of leaving in the few segments each ACK frees. Through a
    // 16 KiB send backlog a window leaves in pieces of about 12 segments, and the ACK clock keeps
    // it in those pieces round after round: each costs a wake-up and an ACK datagram at both ends.
    // Where the span (snd_una + rmt_wnd) binds, only while no hole is known: behind a bottleneck
    // una moves in small steps as holes are repaired, and holding those steps idled the link.
    // Retransmissions and ACKs are never held.
    const std::int32_t spanRoomSigned = timeDiff(m_sndUna + cwnd, m_sndNxt);
    const std::size_t spanRoom = spanRoomSigned > 0 ? std::size_t(spanRoomSigned) : 0;
    const std::size_t flightRoom =
        m_sndBuf.size() < inFlightLimit ? inFlightLimit - m_sndBuf.size() : 0;
    const bool spanBinds = spanRoom <= flightRoom;
    const std::size_t room = std::min(spanRoom, flightRoom);
    const std::size_t reopenAt =
        std::min(std::min<std::size_t>(cwnd, m_sndWnd) / WindowReopenDivisor, WindowReopenSegments);
    if (m_windowHeld &&
        (m_sndBuf.empty() || room >= reopenAt || (spanBinds && m_sndBufAcked > 0)))
        m_windowHeld = false;

    // Give queued segments their sn while they fit into snd_una + cwnd.
    std::size_t newSegsCount = 0;
    while (!m_windowHeld && newSegsCount < m_sndQueue.size() &&
           timeDiff(m_sndNxt, m_sndUna + cwnd) < 0 && m_sndBuf.size() < inFlightLimit)
    {
        Segment seg = m_sndQueue[newSegsCount];
        seg.sn = m_sndNxt++;
        m_sndBuf.pushBack(seg);
        ++newSegsCount;
    }
    m_sndQueue.popFront(newSegsCount);
    if (m_selectiveWindow && newSegsCount > 0 && newSegsCount == room &&
        m_sndBuf.size() > ThinMaxSegments && (!spanBinds || m_sndBufAcked == 0))
        m_windowHeld = true;

    // Fast-retransmit threshold; 0 or below disables it.
    const std::uint32_t resent =
        m_fastresend > 0 ? static_cast<std::uint32_t>(m_fastresend) : 0xFFFFFFFFu;

    FlushPass pass{now, resent, newSegsCount > 0, ctl.wnd, ctl.una};
    pass.thin = thinFlight();
    m_copies = pass.thin ? m_thin.copies() : 1;
    std::int32_t minrto = static_cast<std::int32_t>(m_interval);

    // kcp-go walks all of snd_buf on every flush. Most segments are simply waiting (sent, not
    // skipped by any ACK, timer not expired): keep that test inline and tight, and leave the
    // rest to transmitIfDue. Then the nearest resend time bounds the caller's next wait.
    const auto scan = [&](Segment* seg, std::size_t count)
    {
        for (Segment* const end = seg + count; seg != end; ++seg)
        {
            std::int32_t rto = timeDiff(seg->resendts, now);
            // Waiting: sent, not acked, not skipped by any ACK, timer running. One combined
            // test so the common case is a handful of instructions and no call.
            const bool waiting =
                ((seg->fastack | std::uint32_t(seg->acked)) == 0) & (seg->xmit != 0) & (rto > 0);
            if (!waiting)
            {
                if (seg->acked)
                    continue;
                transmitIfDue(*seg, pass);
                rto = timeDiff(seg->resendts, now);
                if (rto <= 0)
                    continue;
            }
            minrto = rto < minrto ? rto : minrto;
        }
    };
    const auto runs = m_sndBuf.runs();
    scan(runs.first, runs.firstSize);
    scan(runs.second, runs.secondSize);

    flushBuffer();
    m_copies = 1;

    m_counters.lostSegs += pass.lost;
    m_counters.fastRetransSegs += pass.fast;
    m_counters.earlyRetransSegs += pass.early;
    m_counters.retransSegs += pass.lost + pass.fast + pass.early;

    if (m_nocwnd == 0)
    {
        // Rate halving after fast/early retransmit (RFC 6937). With resend 0, resent is
        // 0xFFFFFFFF and the sum wraps to ssthresh - 1, exactly like kcp-go's uint32.
        if (pass.change > 0)
        {
            const std::uint32_t inflight = m_sndNxt - m_sndUna;
            m_ssthresh = std::max(inflight / 2, ikcp::ThreshMin);
            m_cwnd = m_ssthresh + resent;
            m_incr = m_cwnd * m_mss;
        }
        // Loss by timeout: back to one segment (RFC 5681); ssthresh from this flush's window.
        if (pass.lost > 0)
        {
            m_ssthresh = std::max(cwnd / 2, ikcp::ThreshMin);
            m_cwnd = 1;
            m_incr = m_mss;
        }
        // Also how a fresh connection (cwnd 0, nothing sent by its first flush) gets going.
        if (m_cwnd < 1)
        {
            m_cwnd = 1;
            m_incr = m_mss;
        }
    }

    return static_cast<std::uint32_t>(minrto);
}

} // namespace kcp
