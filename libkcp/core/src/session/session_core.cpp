#include "kcp/session_core.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace kcp
{

namespace
{

// kcp-go reads at most mtuLimit bytes per datagram; nothing longer can be a peer's packet.
constexpr std::size_t MaxDatagram = 1500;

std::uint16_t readU16(const std::uint8_t* p)
{
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

} // namespace

std::string SessionConfig::validate() const
{
    if (mtu < 50 || mtu > 1500)
        return "mtu must be between 50 and 1500, got " + std::to_string(mtu);
    if (dataShards < 0 || parityShards < 0 || dataShards > 255 || parityShards > 255 ||
        dataShards + parityShards > 256)
        return "datashard and parityshard must be 0..255 with a sum of at most 256";
    if ((dataShards == 0) != (parityShards == 0))
        return "datashard and parityshard must both be 0 (FEC off) or both positive";
    if (sndWnd < 1 || sndWnd > 65535 || rcvWnd < 1 || rcvWnd > 65535)
        return "sndwnd and rcvwnd must be between 1 and 65535 segments";
    if (noDelay.interval < 1 || noDelay.resend < 0 || noDelay.nc < 0 || noDelay.nodelay < 0)
        return "interval must be positive and nodelay, resend, nc not negative";
    if (thinRedundancy < Kcp::ThinRedundancyAuto || thinRedundancy > Kcp::MaxThinCopies)
        return "thin redundancy must be auto (-1), off (0 or 1) or 2.." +
               std::to_string(Kcp::MaxThinCopies) + " copies, got " +
               std::to_string(thinRedundancy);
    return {};
}

SessionCore::SessionCore(std::uint32_t conv, const SessionConfig& config, RandomSource& random)
    : m_config(config)
    , m_random(random)
    , m_kcp(conv, [this](std::uint8_t* buffer, std::size_t length) { onKcpOutput(buffer, length); })
{
    if (const std::string error = config.validate(); !error.empty())
        throw std::invalid_argument(error);

    m_crypto = makePacketCrypto(config.crypt, config.key);
    m_cryptoHeader = m_crypto->headerSize();
    const bool fec = config.dataShards > 0 && config.parityShards > 0;
    const std::size_t fecHeader = fec ? FecHeaderSize : 0;
    m_kcpOffset = m_cryptoHeader + fecHeader;
    const int reserved = static_cast<int>(m_crypto->overhead() + fecHeader);
    if (!m_kcp.setMtu(config.mtu, reserved))
        throw std::invalid_argument("mtu " + std::to_string(config.mtu) +
                                    " leaves no room for data after " + std::to_string(reserved) +
                                    " header bytes");

    if (fec)
    {
        const std::size_t maxPacket = static_cast<std::size_t>(config.mtu) - m_crypto->overhead();
        m_fecEncoder = std::make_unique<FecEncoder>(config.dataShards, config.parityShards, maxPacket);
        m_fecDecoder = std::make_unique<FecDecoder>(config.dataShards, config.parityShards, maxPacket);
        m_parityOut.resize(static_cast<std::size_t>(config.parityShards));
        m_paritySlabs.resize(m_parityOut.size());
    }

    m_kcp.setNoDelay(config.noDelay);
    m_kcp.setWindowSize(config.sndWnd, config.rcvWnd);
    m_kcp.setStreamMode(config.streamMode);
    m_kcp.setThinRedundancy(config.thinRedundancy);
    m_kcp.setSelectiveWindow(config.selectiveWindow);
    if (m_fecDecoder)
        m_kcp.setThinLossHint(m_pathLoss);
    m_transmit.reserve(64);
}

SessionCore::~SessionCore()
{
    // Slabs belong to m_pool, which is destroyed with the session.
}

std::uint32_t SessionCore::conv() const
{
    return m_kcp.conv();
}

int SessionCore::mss() const
{
    return m_kcp.mss();
}

// ---------------------------------------------------------------------------------------------
// Send path: KCP output -> FEC -> crypto -> transmit queue (kcp-go UDPSession.output)

void SessionCore::onKcpOutput(std::uint8_t* buffer, std::size_t length)
{
    const auto reserved = static_cast<std::size_t>(m_kcp.reservedBytes());
    // kcp-go drops a flush buffer that holds no whole segment.
    if (length < reserved + SegmentHeaderSize)
        return;
    const std::size_t kcpLength = length - reserved;

    std::uint8_t* slab = m_pool.acquire();
    std::memcpy(slab + m_kcpOffset, buffer + reserved, kcpLength);

    if (!m_fecEncoder)
    {
        enqueue(slab, kcpLength);
        return;
    }
    const bool groupComplete = m_fecEncoder->encode(slab + m_cryptoHeader, kcpLength);
    enqueue(slab, FecHeaderSize + kcpLength);
    if (!groupComplete)
        return;

    for (std::size_t i = 0; i < m_parityOut.size(); ++i)
    {
        m_paritySlabs[i] = m_pool.acquire();
        m_parityOut[i] = m_paritySlabs[i] + m_cryptoHeader;
    }
    const std::size_t parityLength = m_fecEncoder->emitParity(m_parityOut.data());
    for (std::uint8_t* paritySlab : m_paritySlabs)
        enqueue(paritySlab, parityLength);
}

void SessionCore::enqueue(std::uint8_t* slab, std::size_t bodyLength)
{
    if (m_transmitHead > 0 && m_transmitHead == m_transmit.size())
    {
        m_transmit.clear();
        m_transmitHead = 0;
        m_sealedEnd = 0;
    }
    m_transmit.push_back(Datagram{slab, bodyLength});
}

// Every public call that can make KCP output ends here, so datagrams are sealed in the same order
// and with the same nonce draws as one by one, before anyone can see them; one flush's datagrams
// go to the cipher together, which interleaves their serial CFB chains.
void SessionCore::sealQueued()
{
    // Chunks of 16 are as wide as PacketCrypto batches anyway, and need no per-session storage.
    std::array<SealJob, 16> jobs;
    while (m_sealedEnd < m_transmit.size())
    {
        const std::size_t count = std::min(jobs.size(), m_transmit.size() - m_sealedEnd);
        for (std::size_t i = 0; i < count; ++i)
            jobs[i] = SealJob{m_transmit[m_sealedEnd + i].slab, m_transmit[m_sealedEnd + i].length};
        m_crypto->sealBatch({jobs.data(), count}, m_random);
        for (std::size_t i = 0; i < count; ++i)
            m_transmit[m_sealedEnd + i].length = jobs[i].length;
        m_sealedEnd += count;
    }
}

void SessionCore::runUpdate(Millis now)
{
    if (m_updateArmed && timeDiff(now, m_nextUpdate) < 0)
        return;
    // kcp-go update(): flush, then reschedule after the interval flush() returns.
    const std::uint32_t wait = m_kcp.flush(now, false);
    m_nextUpdate = now + wait;
    m_updateArmed = true;
}

std::span<const std::uint8_t> SessionCore::nextTransmit(Millis now)
{
    runUpdate(now);
    sealQueued();
    if (m_transmitHead == m_transmit.size())
        return {};
    const Datagram& d = m_transmit[m_transmitHead];
    return {d.slab, d.length};
}

void SessionCore::popTransmit()
{
    if (m_transmitHead == m_transmit.size())
        return;
    sealQueued();
    const Datagram& d = m_transmit[m_transmitHead++];
    m_counters.OutPkts++;
    m_counters.OutBytes += d.length;
    m_pool.release(d.slab);
    if (m_transmitHead == m_transmit.size())
    {
        m_transmit.clear();
        m_transmitHead = 0;
        m_sealedEnd = 0;
    }
}

std::size_t SessionCore::pollTransmit(Millis now, std::span<std::uint8_t> out)
{
    const std::span<const std::uint8_t> next = nextTransmit(now);
    if (next.empty() || out.size() < next.size())
        return 0;
    std::memcpy(out.data(), next.data(), next.size());
    popTransmit();
    return next.size();
}

bool SessionCore::flushAcks(Millis now)
{
    if (m_kcp.pendingAcks() == 0)
        return false;
    m_kcp.flush(now, true);
    sealQueued();
    return true;
}

std::size_t SessionCore::pendingTransmits() const
{
    return m_transmit.size() - m_transmitHead;
}

Millis SessionCore::nextDeadline() const
{
    return m_nextUpdate;
}

std::size_t SessionCore::writable() const
{
    const int free = m_kcp.sendRoom();
    return free > 0 ? static_cast<std::size_t>(free) * static_cast<std::size_t>(m_kcp.mss()) : 0;
}

std::size_t SessionCore::write(Millis now, std::span<const std::uint8_t> data)
{
    const std::size_t accepted = std::min(writable(), data.size());
    if (accepted == 0)
        return 0;
    const auto mss = static_cast<std::size_t>(m_kcp.mss());
    for (std::size_t offset = 0; offset < accepted; offset += mss)
        m_kcp.send(data.subspan(offset, std::min(mss, accepted - offset)));
    m_counters.BytesSent += accepted;

    // kcp-go WriteBuffers: flush at once unless write-delay batches small writes.
    if (!m_config.writeDelay || writable() == 0)
        m_kcp.flush(now, false);
    sealQueued();
    return accepted;
}

bool SessionCore::readable() const
{
    return m_readOffset < m_readLength || m_kcp.peekSize() > 0;
}

std::size_t SessionCore::readableBound() const
{
    return (m_readLength - m_readOffset) +
           static_cast<std::size_t>(m_kcp.rcvQueueSize()) * static_cast<std::size_t>(m_kcp.mss());
}

std::size_t SessionCore::read(std::span<std::uint8_t> out)
{
    std::size_t copied = 0;
    while (copied < out.size())
    {
        if (m_readOffset < m_readLength)
        {
            const std::size_t take = std::min(out.size() - copied, m_readLength - m_readOffset);
            std::memcpy(out.data() + copied, m_readBuffer.data() + m_readOffset, take);
            m_readOffset += take;
            copied += take;
            continue;
        }
        const int size = m_kcp.peekSize();
        if (size <= 0)
            break;
        const auto messageSize = static_cast<std::size_t>(size);
        if (out.size() - copied >= messageSize)
        {
            copied += static_cast<std::size_t>(m_kcp.recv(out.subspan(copied)));
            continue;
        }
        // A message larger than the room left: park it and hand it out piecewise (kcp-go's
        // bufptr). In stream mode messages are single segments, so this buffer stays small.
        if (m_readBuffer.size() < messageSize)
            m_readBuffer.resize(messageSize);
        m_readLength = static_cast<std::size_t>(m_kcp.recv(m_readBuffer));
        m_readOffset = 0;
    }
    m_counters.BytesReceived += copied;
    return copied;
}

// ---------------------------------------------------------------------------------------------
// Receive path: decrypt -> FEC -> KCP (kcp-go packetInput + kcpInput)

void SessionCore::feedKcp(std::span<const std::uint8_t> segments, bool regular, Millis now)
{
    if (m_kcp.input(segments, regular, m_config.ackNoDelay, now) != 0)
        m_counters.KCPInErrors++;
}

void SessionCore::onDatagram(Millis now, std::span<std::uint8_t> datagram)
{
    if (datagram.size() > MaxDatagram)
    {
        m_counters.InErrs++;
        return;
    }
    const std::optional<std::span<std::uint8_t>> opened =
        m_crypto->open(datagram.data(), datagram.size());
    if (!opened)
    {
        m_counters.InCsumErrors++;
        return;
    }
    const std::span<const std::uint8_t> body = *opened;
    m_lastReceive = now;
    if (body.size() < SegmentHeaderSize)
    {
        m_counters.InErrs++;
        return;
    }

    if (isFecPacket(body))
    {
        if (m_fecDecoder)
        {
            const FecDecoder::Result result = m_fecDecoder->input(body, now);
            if (result.kind == FecDecoder::Result::Kind::Data)
                feedKcp(result.kcp, true, now);
            else if (result.kind == FecDecoder::Result::Kind::Malformed)
                m_counters.InErrs++;
            for (const std::span<const std::uint8_t> recovered : result.recovered)
            {
                if (m_kcp.input(recovered, false, m_config.ackNoDelay, now) == 0)
                    m_counters.FECRecovered++;
                else
                    m_counters.KCPInErrors++;
            }
            updateThinLossHint();
        }
        else if (readU16(body.data() + 4) == FecTypeData)
        {
            // FEC is off here but on at the peer: use data shards, ignore parity. Recovering
            // with a guessed geometry (kcp-go's lazy 1/1 decoder) can inject garbage.
            const std::size_t size = readU16(body.data() + FecShardOffset);
            if (size >= 2 && FecShardOffset + size <= body.size())
                feedKcp(body.subspan(FecHeaderSize, size - 2), true, now);
            else
                m_counters.InErrs++;
        }
        else
        {
            m_counters.FECParityShards++;
        }
    }
    else
    {
        feedKcp(body, true, now);
    }
    m_counters.InPkts++;
    m_counters.InBytes += body.size();
    sealQueued(); // what KCP input flushed (ackNoDelay)
}

void SessionCore::updateThinLossHint()
{
    // Windows of 32 datagrams blended into the estimate (which starts at the prior): a window
    // with more loss counts half, one with less a quarter. A 32-datagram window at 10 % loss
    // reads anywhere from 0 to 20 %, and a symmetric blend dipped to 5 % often enough to drop a
    // copy (k 4 -> 3) and let a loss through now and then; leaning up keeps k where the worse
    // windows put it. On a clean path copies stop after ~22 windows (~700 datagrams).
    constexpr std::uint64_t Window = 32;
    const FecDecoderCounters& f = m_fecDecoder->counters();
    const std::uint64_t seen = f.pathReceived + f.pathLost;
    if (seen - m_hintSeen < Window)
        return;
    const double sample =
        static_cast<double>(f.pathLost - m_hintLost) / static_cast<double>(seen - m_hintSeen);
    m_pathLoss += (sample - m_pathLoss) * (sample > m_pathLoss ? 0.5 : 0.25);
    m_hintSeen = seen;
    m_hintLost = f.pathLost;
    m_kcp.setThinLossHint(m_pathLoss);
}

SessionStats SessionCore::stats() const
{
    SessionStats s;
    s.conv = m_kcp.conv();
    s.srtt = m_kcp.srtt();
    s.rttVar = m_kcp.rttVar();
    s.rto = m_kcp.rto();
    s.cwnd = m_kcp.cwnd();
    s.ssthresh = m_kcp.ssthresh();
    s.sndWnd = m_kcp.sndWnd();
    s.rcvWnd = m_kcp.rcvWnd();
    s.remoteWnd = m_kcp.remoteWnd();
    s.inflight = m_kcp.inflight();
    s.sndQueue = m_kcp.sndQueueSize();
    s.sndBuf = m_kcp.sndBufSize();
    s.rcvQueue = m_kcp.rcvQueueSize();
    s.rcvBuf = m_kcp.rcvBufSize();
    s.waitSnd = m_kcp.waitSnd();
    s.maxXmit = m_kcp.maxXmit();
    s.deadLink = m_kcp.deadLink();
    s.thinCopies = m_kcp.thinCopies();
    s.thinLoss = m_kcp.thinLossEstimate();

    s.counters = m_counters;
    const KcpCounters& k = m_kcp.counters();
    s.counters.InSegs = k.inSegs;
    s.counters.OutSegs = k.outSegs;
    s.counters.RetransSegs = k.retransSegs;
    s.counters.FastRetransSegs = k.fastRetransSegs;
    s.counters.EarlyRetransSegs = k.earlyRetransSegs;
    s.counters.LostSegs = k.lostSegs;
    s.counters.RepeatSegs = k.repeatSegs;
    s.counters.RedundantSegs = k.redundantSegs;
    if (m_fecDecoder)
    {
        const FecDecoderCounters& f = m_fecDecoder->counters();
        s.counters.FECParityShards += f.parityShards;
        s.counters.FECErrs = f.errors;
        s.counters.FECShortShards = f.shortShards;
        s.counters.FECGeometryMismatch = f.geometryMismatch;
        s.counters.PathReceived = f.pathReceived;
        s.counters.PathLost = f.pathLost;
        s.counters.PathLostData = f.pathLostData;
    }
    return s;
}

} // namespace kcp
