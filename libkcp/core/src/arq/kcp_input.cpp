// The receive side of kcp-go's kcp.go: Input and the parse_* helpers it calls.
#include "kcp_impl.h"

#include <algorithm>
#include <cstring>

namespace kcp
{

using detail::Segment;

// kcp-go update_ack: RFC 6298 smoothing, except that a sample below srtt - rttvar moves rttvar
// with 1/32 instead of 1/4 weight (so a lucky fast sample hardly shrinks the RTO). srtt == 0 means
// "no sample yet", also when a run of zero-RTT samples has decayed srtt back to 0.
void Kcp::Impl::updateAck(std::int32_t rtt)
{
    if (m_rxSrtt == 0)
    {
        m_rxSrtt = rtt;
        m_rxRttvar = rtt >> 1;
    }
    else
    {
        std::int32_t delta = rtt - m_rxSrtt;
        m_rxSrtt += delta >> 3; // arithmetic shift: rounds toward minus infinity, like Go
        if (delta < 0)
            delta = -delta;
        if (rtt < m_rxSrtt - m_rxRttvar)
            m_rxRttvar += (delta - m_rxRttvar) >> 5;
        else
            m_rxRttvar += (delta - m_rxRttvar) >> 2;
    }
    // Unsigned arithmetic as in kcp-go: rto = srtt + max(interval, 4 * rttvar).
    const std::uint32_t rto = static_cast<std::uint32_t>(m_rxSrtt) +
                              std::max(m_interval, static_cast<std::uint32_t>(m_rxRttvar) << 2);
    m_rxRto = std::min(std::max(m_rxMinrto, rto), ikcp::RtoMax);
}

// kcp-go shrink_buf.
void Kcp::Impl::shrinkBuf()
{
    m_sndUna = m_sndBuf.empty() ? m_sndNxt : m_sndBuf.front().sn;
}

// kcp-go parse_ack: mark the segment acked and free its payload, but leave it in snd_buf until
// una passes it, so that a selective ACK never shifts the window. snd_buf holds exactly the sns
// snd_una..snd_nxt-1 in order (segments only leave from the front), so the segment is found by
// index instead of kcp-go's scan.
void Kcp::Impl::parseAck(std::uint32_t sn)
{
    if (timeDiff(sn, m_sndUna) < 0 || timeDiff(sn, m_sndNxt) >= 0)
        return;
    const std::size_t index = sn - m_sndBuf.front().sn;
    Segment& seg = m_sndBuf[index];
    if (!seg.acked)
        ++m_sndBufAcked;
    seg.acked = true;
    releaseData(seg);
}

// kcp-go parse_fastack: an ACK for sn counts as a "skip" for every earlier segment sent no later
// than the acknowledged one (ts check: a segment retransmitted after it was not skipped).
void Kcp::Impl::parseFastack(std::uint32_t sn, std::uint32_t ts)
{
    if (timeDiff(sn, m_sndUna) < 0 || timeDiff(sn, m_sndNxt) >= 0)
        return;
    const std::size_t end = sn - m_sndBuf.front().sn; // the acked segment itself is excluded
    for (std::size_t k = 0; k < end; ++k)
    {
        Segment& seg = m_sndBuf[k];
        if (timeDiff(seg.ts, ts) <= 0)
            ++seg.fastack;
    }
}

// kcp-go parse_una: drop every segment below the peer's una. Returns how many left snd_buf.
int Kcp::Impl::parseUna(std::uint32_t una)
{
    std::size_t count = 0;
    while (count < m_sndBuf.size() && timeDiff(una, m_sndBuf[count].sn) > 0)
    {
        if (m_sndBuf[count].acked)
            --m_sndBufAcked;
        releaseData(m_sndBuf[count]);
        ++count;
    }
    m_sndBuf.popFront(count);
    return static_cast<int>(count);
}

// kcp-go parse_data: store a PUSH inside the receive window (the caller checked the window),
// deduplicated by sn, then move what became in-order to rcv_queue. Returns true for a duplicate.
bool Kcp::Impl::parseData(const Segment& incoming, const std::uint8_t* payload)
{
    const std::uint32_t sn = incoming.sn;
    if (timeDiff(sn, m_rcvNxt + m_rcvWnd) >= 0 || timeDiff(sn, m_rcvNxt) < 0)
        return true;

    // rcv_buf is sorted by sn; late arrivals usually belong near the end, so search backwards.
    std::size_t insertAt = 0;
    bool repeat = false;
    for (std::size_t i = m_rcvBuf.size(); i-- > 0;)
    {
        const Segment& seg = m_rcvBuf[i];
        if (seg.sn == sn)
        {
            repeat = true;
            break;
        }
        if (timeDiff(sn, seg.sn) > 0)
        {
            insertAt = i + 1;
            break;
        }
    }

    if (!repeat)
    {
        Segment stored = incoming;
        stored.data = allocData(incoming.len);
        if (incoming.len > 0)
            std::memcpy(stored.data, payload, incoming.len);
        m_rcvBuf.insert(insertAt, stored);
    }

    moveReadySegments();
    return repeat;
}

// kcp-go Input's "cwnd update when packet arrived" (only with congestion control on): slow start
// below ssthresh, then additive increase in bytes, never above the peer's window.
void Kcp::Impl::growCwndOnAck()
{
    if (m_cwnd >= m_rmtWnd)
        return;
    const std::uint32_t mss = m_mss;
    if (m_cwnd < m_ssthresh)
    {
        ++m_cwnd;
        m_incr += mss;
    }
    else
    {
        if (m_incr < mss)
            m_incr = mss;
        m_incr += (mss * mss) / m_incr + (mss / 16);
        if ((m_cwnd + 1) * mss <= m_incr)
            m_cwnd = (m_incr + mss - 1) / mss; // mss >= 1 (setMtu guarantees it)
    }
    if (m_cwnd > m_rmtWnd)
    {
        m_cwnd = m_rmtWnd;
        m_incr = m_rmtWnd * mss;
    }
}

// kcp-go Input.
int Kcp::Impl::input(std::span<const std::uint8_t> data, bool regular, bool ackNoDelay, Millis now)
{
    const std::uint32_t prevSndUna = m_sndUna;
    // sess.go counts KCPInErrors for every non-zero Input result.
    const auto fail = [this](int code)
    {
        ++m_counters.inErrors;
        return code;
    };
    if (data.size() < SegmentHeaderSize)
        return fail(-1);

    std::uint32_t latest = 0; // ts of the last ACK: the RTT sample
    bool gotAck = false;
    std::uint64_t inSegs = 0;
    bool windowSlides = false;

    const std::uint8_t* p = data.data();
    std::size_t left = data.size();
    // Trailing bytes shorter than a header are ignored, as in kcp-go.
    while (left >= SegmentHeaderSize)
    {
        SegmentHeader h;
        p = decodeSegmentHeader(p, h);
        left -= SegmentHeaderSize;
        // The checks and their order are kcp-go's: conv, length, cmd.
        if (h.conv != m_conv)
            return fail(-1);
        if (left < h.len)
            return fail(-2);
        if (h.cmd < static_cast<std::uint8_t>(Command::Push) ||
            h.cmd > static_cast<std::uint8_t>(Command::WindowTell))
            return fail(-3);

        // Only trust window updates from regular packets: an FEC-recovered one may be stale.
        if (regular)
            m_rmtWnd = h.wnd;
        if (parseUna(h.una) > 0)
            windowSlides = true;
        shrinkBuf();

        switch (static_cast<Command>(h.cmd))
        {
        case Command::Ack:
            parseAck(h.sn);
            parseFastack(h.sn, h.ts);
            gotAck = true;
            latest = h.ts;
            break;
        case Command::Push:
        {
            bool repeat = true;
            if (timeDiff(h.sn, m_rcvNxt + m_rcvWnd) < 0)
            {
                // ACK everything inside the window, duplicates below rcv_nxt too (their ACK
                // may have been lost).
                m_ackList.push_back({h.sn, h.ts});
                if (timeDiff(h.sn, m_rcvNxt) >= 0)
                {
                    Segment seg;
                    seg.sn = h.sn;
                    seg.ts = h.ts;
                    seg.frg = h.frg;
                    seg.len = h.len;
                    repeat = parseData(seg, p);
                }
            }
            if (regular && repeat)
                ++m_counters.repeatSegs;
            break;
        }
        case Command::WindowAsk:
            // Answer with WINS at the next flush.
            m_probe |= ikcp::AskTell;
            break;
        case Command::WindowTell:
            break; // rmt_wnd was taken above
        }

        ++inSegs;
        p += h.len;
        left -= h.len;
    }
    m_counters.inSegs += inSegs;

    // One RTT sample per datagram, from the last ACK in it; never from FEC-recovered data,
    // whose ACK ts may be old.
    if (gotAck && regular && timeDiff(now, latest) >= 0)
        updateAck(timeDiff(now, latest));

    if (m_nocwnd == 0 && timeDiff(m_sndUna, prevSndUna) > 0)
        growCwndOnAck();

    if (windowSlides)
        flush(now, false);
    else if (ackNoDelay && !m_ackList.empty())
        flush(now, true);
    return 0;
}

} // namespace kcp
