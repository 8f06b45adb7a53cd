// Kcp: construction, configuration and the application side (send/recv) of kcp-go's kcp.go.
// The network side lives in kcp_input.cpp (Input) and kcp_flush.cpp (flush).
#include "kcp_impl.h"

#include <algorithm>
#include <cstring>

namespace kcp
{

using detail::Segment;


// -- Impl: lifetime and storage ---------------------------------------------------------------

// kcp-go NewKCP.
Kcp::Impl::Impl(std::uint32_t conv, Output output)
    : m_conv(conv)
    , m_mtu(ikcp::MtuDefault)
    , m_mss(ikcp::MtuDefault - ikcp::Overhead)
    , m_ssthresh(ikcp::ThreshInit)
    , m_rxRto(ikcp::RtoDefault)
    , m_rxMinrto(ikcp::RtoMin)
    , m_sndWnd(ikcp::WndSnd)
    , m_rcvWnd(ikcp::WndRcv)
    , m_rmtWnd(ikcp::WndRcv)
    , m_interval(ikcp::Interval)
    , m_deadLink(ikcp::DeadLink)
    , m_buffer(ikcp::MtuDefault)
    , m_output(std::move(output))
{
    m_ackList.reserve(ikcp::WndRcv);
    // kcp-go has no thin redundancy: a bare Kcp behaves like kcp-go until asked (SessionConfig
    // turns it on).
    m_thin.setMode(0);
}

Kcp::Impl::~Impl()
{
    releaseAll(m_sndQueue);
    releaseAll(m_sndBuf);
    releaseAll(m_rcvQueue);
    releaseAll(m_rcvBuf);
}

// kcp-go newSegment/xmitBuf.Get. Payloads above a slab only come from a peer sending segments
// larger than any mtu kcp-go accepts (kcp-go itself would panic); they get their own block.
std::uint8_t* Kcp::Impl::allocData(std::size_t len)
{
    if (len > BufferPool::DefaultSlabSize)
        return new std::uint8_t[len];
    return m_slabs.acquire();
}

// kcp-go delSegment.
void Kcp::Impl::releaseData(Segment& seg)
{
    if (seg.data == nullptr)
        return;
    if (seg.len > BufferPool::DefaultSlabSize)
        delete[] seg.data;
    else
        m_slabs.release(seg.data);
    seg.data = nullptr;
}

void Kcp::Impl::releaseAll(detail::SegmentRing<Segment>& ring)
{
    for (std::size_t i = 0; i < ring.size(); ++i)
        releaseData(ring[i]);
    ring.clear();
}

// -- Impl: configuration ----------------------------------------------------------------------

// kcp-go ReserveBytes + SetMtu in one step. kcp-go checks `reserved` against the *old* mtu and
// so can wrap mss below zero; here both are validated against the new mtu instead.
bool Kcp::Impl::setMtu(int mtu, int reserved)
{
    if (mtu < static_cast<int>(ikcp::MtuMin) || mtu > static_cast<int>(ikcp::MtuMax))
        return false;
    if (reserved < 0 || reserved >= mtu - static_cast<int>(ikcp::Overhead))
        return false;
    m_mtu = static_cast<std::uint32_t>(mtu);
    m_reserved = static_cast<std::uint32_t>(reserved);
    m_mss = m_mtu - ikcp::Overhead - m_reserved;
    m_buffer.assign(m_mtu, 0);
    return true;
}

// kcp-go NoDelay: a negative value keeps the current setting.
void Kcp::Impl::setNoDelay(const NoDelayParams& p)
{
    if (p.nodelay >= 0)
    {
        m_nodelay = static_cast<std::uint32_t>(p.nodelay);
        m_rxMinrto = p.nodelay != 0 ? ikcp::RtoNoDelay : ikcp::RtoMin;
    }
    if (p.interval >= 0)
        m_interval = static_cast<std::uint32_t>(std::clamp(p.interval, 10, 5000));
    if (p.resend >= 0)
        m_fastresend = p.resend;
    if (p.nc >= 0)
        m_nocwnd = p.nc;
}

// kcp-go WndSize. Unlike ikcp.c, rcv_wnd is not raised to at least 32.
void Kcp::Impl::setWindowSize(int sndWnd, int rcvWnd)
{
    if (sndWnd > 0)
        m_sndWnd = static_cast<std::uint32_t>(sndWnd);
    if (rcvWnd > 0)
    {
        m_rcvWnd = static_cast<std::uint32_t>(rcvWnd);
        // A flush interval's worth of ACKs is about one receive window: reserve it now rather
        // than growing the list in the middle of traffic (bounded against absurd windows).
        m_ackList.reserve(std::min<std::size_t>(m_rcvWnd, 65536));
    }
}

// -- Impl: application side -------------------------------------------------------------------

// kcp-go Send.
int Kcp::Impl::send(std::span<const std::uint8_t> data)
{
    if (data.empty())
        return -1;

    // Stream mode: top up the last segment that has not been given an sn yet.
    if (m_stream && !m_sndQueue.empty())
    {
        Segment& last = m_sndQueue.back();
        if (last.len < m_mss)
        {
            const std::size_t extend = std::min<std::size_t>(m_mss - last.len, data.size());
            std::memcpy(last.data + last.len, data.data(), extend);
            last.len += static_cast<std::uint32_t>(extend);
            data = data.subspan(extend);
        }
        if (data.empty())
            return 0;
    }

    const std::size_t count = (data.size() + m_mss - 1) / m_mss;
    // frg is one byte; kcp-go applies the limit in stream mode too.
    if (count > 255)
        return -2;

    for (std::size_t i = 0; i < count; ++i)
    {
        const std::size_t size = std::min<std::size_t>(data.size(), m_mss);
        Segment seg;
        seg.data = allocData(size);
        seg.len = static_cast<std::uint32_t>(size);
        std::memcpy(seg.data, data.data(), size);
        seg.frg = m_stream ? 0 : static_cast<std::uint8_t>(count - i - 1);
        m_sndQueue.pushBack(seg);
        data = data.subspan(size);
    }
    return 0;
}

// kcp-go PeekSize.
int Kcp::Impl::peekSize() const
{
    if (m_rcvQueue.empty())
        return -1;
    const Segment& first = m_rcvQueue[0];
    if (first.frg == 0)
        return static_cast<int>(first.len);
    // kcp-go computes frg+1 in uint8: for frg 255 (no sender of ours makes it, a peer may) it
    // wraps to 0 and the completeness check passes; keep that, the reads must agree with it.
    if (m_rcvQueue.size() < static_cast<std::uint8_t>(first.frg + 1))
        return -1;
    int length = 0;
    for (std::size_t k = 0; k < m_rcvQueue.size(); ++k)
    {
        const Segment& seg = m_rcvQueue[k];
        length += static_cast<int>(seg.len);
        if (seg.frg == 0)
            break;
    }
    return length;
}

// The "move available data from rcv_buf -> rcv_queue" loop that kcp-go repeats in parse_data and
// Recv: in-order segments move while the queue is below rcv_wnd.
void Kcp::Impl::moveReadySegments()
{
    std::size_t count = 0;
    while (count < m_rcvBuf.size() && m_rcvBuf[count].sn == m_rcvNxt &&
           m_rcvQueue.size() + count < m_rcvWnd)
    {
        ++m_rcvNxt;
        ++count;
    }
    for (std::size_t k = 0; k < count; ++k)
        m_rcvQueue.pushBack(m_rcvBuf[k]);
    m_rcvBuf.popFront(count);
}

// kcp-go Recv.
int Kcp::Impl::recv(std::span<std::uint8_t> out)
{
    const int peek = peekSize();
    if (peek < 0)
        return -1;
    if (static_cast<std::size_t>(peek) > out.size())
        return -2;

    const bool fastRecover = m_rcvQueue.size() >= m_rcvWnd;

    // Merge the fragments of one message.
    std::size_t n = 0;
    std::size_t count = 0;
    while (count < m_rcvQueue.size())
    {
        Segment& seg = m_rcvQueue[count];
        if (seg.len > 0)
            std::memcpy(out.data() + n, seg.data, seg.len);
        n += seg.len;
        ++count;
        const bool last = seg.frg == 0;
        releaseData(seg);
        if (last)
            break;
    }
    m_rcvQueue.popFront(count);

    moveReadySegments();

    // The queue drained from full: tell the peer at the next flush that the window reopened.
    if (m_rcvQueue.size() < m_rcvWnd && fastRecover)
        m_probe |= ikcp::AskTell;
    return static_cast<int>(n);
}

std::uint32_t Kcp::Impl::maxXmit() const
{
    std::uint32_t result = 0;
    for (std::size_t k = 0; k < m_sndBuf.size(); ++k)
    {
        const Segment& seg = m_sndBuf[k];
        if (!seg.acked)
            result = std::max(result, seg.xmit);
    }
    return result;
}

// -- Kcp: the public face -----------------------------------------------------------------------

Kcp::Kcp(std::uint32_t conv, Output output)
    : m_impl(std::make_unique<Impl>(conv, std::move(output)))
{
}

Kcp::~Kcp() = default;

bool Kcp::setMtu(int mtu, int reserved)
{
    return m_impl->setMtu(mtu, reserved);
}

void Kcp::setNoDelay(const NoDelayParams& params)
{
    m_impl->setNoDelay(params);
}

void Kcp::setWindowSize(int sndWnd, int rcvWnd)
{
    m_impl->setWindowSize(sndWnd, rcvWnd);
}

void Kcp::setStreamMode(bool on)
{
    m_impl->m_stream = on;
}

void Kcp::setThinRedundancy(int mode)
{
    m_impl->m_thin.setMode(mode);
}

int Kcp::thinCopies() const
{
    return m_impl->m_thin.enabled() ? m_impl->m_thin.copies() : 1;
}

void Kcp::setThinLossHint(double loss)
{
    m_impl->m_thin.setLossHint(loss);
}

double Kcp::thinLossEstimate() const
{
    return m_impl->m_thin.lossEstimate();
}

int Kcp::send(std::span<const std::uint8_t> data)
{
    return m_impl->send(data);
}

int Kcp::recv(std::span<std::uint8_t> out)
{
    return m_impl->recv(out);
}

int Kcp::peekSize() const
{
    return m_impl->peekSize();
}

int Kcp::input(std::span<const std::uint8_t> data, bool regular, bool ackNoDelay, Millis now)
{
    return m_impl->input(data, regular, ackNoDelay, now);
}

std::uint32_t Kcp::flush(Millis now, bool ackOnly)
{
    return m_impl->flush(now, ackOnly);
}

std::uint32_t Kcp::conv() const
{
    return m_impl->m_conv;
}

int Kcp::mtu() const
{
    return static_cast<int>(m_impl->m_mtu);
}

int Kcp::mss() const
{
    return static_cast<int>(m_impl->m_mss);
}

int Kcp::reservedBytes() const
{
    return static_cast<int>(m_impl->m_reserved);
}

int Kcp::interval() const
{
    return static_cast<int>(m_impl->m_interval);
}

void Kcp::setSelectiveWindow(bool on)
{
    m_impl->m_selectiveWindow = on;
}

int Kcp::unackedSegments() const
{
    return static_cast<int>(m_impl->m_sndBuf.size() - m_impl->m_sndBufAcked);
}

int Kcp::sendRoom() const
{
    // The selective window keeps WaitSnd against rmt_wnd: data queued beyond what the span lets
    // out would leave in one burst when una moves, which at a full bottleneck queue only
    // multiplied the drops.
    const int waiting = waitSnd();
    const int againstSndWnd =
        m_impl->m_selectiveWindow ? sndQueueSize() + unackedSegments() : waiting;
    return std::min(sndWnd() - againstSndWnd, remoteWnd() - waiting);
}

int Kcp::waitSnd() const
{
    return static_cast<int>(m_impl->m_sndBuf.size() + m_impl->m_sndQueue.size());
}

std::size_t Kcp::pendingAcks() const
{
    return m_impl->m_ackList.size();
}

int Kcp::sndWnd() const
{
    return static_cast<int>(m_impl->m_sndWnd);
}

int Kcp::rcvWnd() const
{
    return static_cast<int>(m_impl->m_rcvWnd);
}

int Kcp::remoteWnd() const
{
    return static_cast<int>(m_impl->m_rmtWnd);
}

int Kcp::cwnd() const
{
    return static_cast<int>(m_impl->m_cwnd);
}

int Kcp::ssthresh() const
{
    return static_cast<int>(m_impl->m_ssthresh);
}

std::int32_t Kcp::srtt() const
{
    return m_impl->m_rxSrtt;
}

std::int32_t Kcp::rttVar() const
{
    return m_impl->m_rxRttvar;
}

std::int32_t Kcp::rto() const
{
    return static_cast<std::int32_t>(m_impl->m_rxRto);
}

std::uint32_t Kcp::inflight() const
{
    return m_impl->m_sndNxt - m_impl->m_sndUna;
}

std::uint32_t Kcp::sndUna() const
{
    return m_impl->m_sndUna;
}

std::uint32_t Kcp::sndNxt() const
{
    return m_impl->m_sndNxt;
}

std::uint32_t Kcp::rcvNxt() const
{
    return m_impl->m_rcvNxt;
}

int Kcp::sndQueueSize() const
{
    return static_cast<int>(m_impl->m_sndQueue.size());
}

int Kcp::sndBufSize() const
{
    return static_cast<int>(m_impl->m_sndBuf.size());
}

int Kcp::rcvQueueSize() const
{
    return static_cast<int>(m_impl->m_rcvQueue.size());
}

int Kcp::rcvBufSize() const
{
    return static_cast<int>(m_impl->m_rcvBuf.size());
}

std::uint32_t Kcp::maxXmit() const
{
    return m_impl->maxXmit();
}

bool Kcp::deadLink() const
{
    return m_impl->m_state != 0;
}

const KcpCounters& Kcp::counters() const
{
    return m_impl->m_counters;
}

} // namespace kcp
