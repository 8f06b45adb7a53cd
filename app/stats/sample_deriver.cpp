#include "stats/sample_deriver.h"

#include <algorithm>

namespace app
{

namespace
{

quint64 grown(quint64 now, quint64 before)
{
    return now >= before ? now - before : 0;
}

} // namespace

void SampleDeriver::reset(qint64 monotonicMs)
{
    m_startMs = monotonicMs;
    m_started = true;
    m_previous = LinkReading{};
    m_previous.monotonicMs = monotonicMs;
}

void SampleDeriver::continueFrom(const LinkReading& previous)
{
    if (!m_started)
        reset(previous.monotonicMs);
    m_previous = previous;
}

StatsSample SampleDeriver::next(const LinkReading& reading)
{
    if (!m_started)
        reset(reading.monotonicMs);
    const kcp::SnmpCounters& c = reading.counters;
    const kcp::SnmpCounters& p = m_previous.counters;
    // A zero-length interval (two readings in the same ms) must not divide by zero.
    const double seconds =
        std::max<qint64>(1, reading.monotonicMs - m_previous.monotonicMs) / 1000.0;
    auto rate = [seconds](quint64 now, quint64 before)
    { return double(grown(now, before)) / seconds; };

    StatsSample s;
    s.timestampMs = reading.timestampMs;
    s.elapsedS = double(reading.monotonicMs - m_startMs) / 1000.0;
    s.intervalS = seconds;
    s.srttMs = reading.srttMs;
    s.rttVarMs = reading.rttVarMs;
    s.rtoMs = reading.rtoMs;
    s.datagramsOutPerS = rate(c.OutPkts, p.OutPkts);
    s.datagramsInPerS = rate(c.InPkts, p.InPkts);
    s.segmentsOutPerS = rate(c.OutSegs, p.OutSegs);
    s.retransPerS = rate(c.RetransSegs, p.RetransSegs);
    s.rtoRetransPerS = rate(c.LostSegs, p.LostSegs);
    s.fastRetransPerS = rate(c.FastRetransSegs, p.FastRetransSegs);
    s.earlyRetransPerS = rate(c.EarlyRetransSegs, p.EarlyRetransSegs);

    const quint64 lost = grown(c.PathLost, p.PathLost);
    const quint64 seen = lost + grown(c.PathReceived, p.PathReceived);
    s.hasLinkLoss = seen > 0;
    s.linkLossPercent = seen > 0 ? 100.0 * double(lost) / double(seen) : 0.0;
    s.linkSlotsPerS = double(seen) / seconds;
    s.dataShardsLostPerS = rate(c.PathLostData, p.PathLostData);
    if (reading.hasEmulator)
    {
        const quint64 offered = grown(reading.emulatorOffered, m_previous.emulatorOffered);
        const quint64 dropped = grown(reading.emulatorDropped, m_previous.emulatorDropped);
        s.hasEmulatedLoss = offered > 0;
        s.emulatedLossPercent = offered > 0 ? 100.0 * double(dropped) / double(offered) : 0.0;
    }

    s.fecRecoveredPerS = rate(c.FECRecovered, p.FECRecovered);
    s.fecParityPerS = rate(c.FECParityShards, p.FECParityShards);
    s.goodputInBps = 8.0 * rate(c.BytesReceived, p.BytesReceived);
    s.goodputOutBps = 8.0 * rate(c.BytesSent, p.BytesSent);
    s.wireOutBps = 8.0 * rate(c.OutBytes, p.OutBytes);
    s.inflight = reading.inflight;
    s.cwnd = reading.cwnd;
    s.sessions = reading.sessions;
    m_previous = reading;
    return s;
}

} // namespace app
