#include "advisor/link_advisor.h"

#include "advisor/fec_loss_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace app
{

namespace
{

// kcp-go accepts up to 255 shards per group; beyond parity = data the overhead passes 100 %,
// where sending everything twice is simpler and as good.
int maxParityFor(int dataShards)
{
    return std::min(dataShards, 255 - dataShards);
}

QString percent(double fraction)
{
    const double p = 100.0 * fraction;
    return QString::number(p, 'f', p < 1 ? 2 : 1) + u'%';
}

QString fecFlags(int datashard, int parityshard)
{
    return QStringLiteral("--datashard %1 --parityshard %2").arg(datashard).arg(parityshard);
}

// Window-bound samples: this close to the window counts as full (ACKs free a few slots).
constexpr double FullWindow = 0.9;
// The share of samples that must be window-bound before the window is called the limit.
constexpr double WindowBoundMajority = 0.6;
// FEC off: retransmissions above this share of what we send call for FEC.
constexpr double LossyWithoutFec = 0.02;

} // namespace

double LinkSummary::unrebuiltRate(int dataShards, int parityShards) const
{
    if (linkSlots <= 0 || dataShards <= 0 || parityShards < 0)
        return -1;
    const double dataSlots = linkSlots * dataShards / double(dataShards + parityShards);
    return std::max(0.0, dataShardsLost - fecRecovered) / dataSlots;
}

bool applyAdvice(const Advice& advice, kcp::tunnel::KcptunConfig& config)
{
    const kcp::tunnel::KcptunConfig before = config;
    if (advice.datashard >= 0)
        config.datashard = advice.datashard;
    if (advice.parityshard >= 0)
        config.parityshard = advice.parityshard;
    if (advice.sndwnd > 0)
        config.sndwnd = advice.sndwnd;
    if (advice.rcvwnd > 0)
        config.rcvwnd = advice.rcvwnd;
    return config.datashard != before.datashard || config.parityshard != before.parityshard ||
           config.sndwnd != before.sndwnd || config.rcvwnd != before.rcvwnd;
}

LinkSummary LinkAdvisor::summarize(std::span<const StatsSample> samples, double windowSeconds,
                                   int sndwnd)
{
    LinkSummary out;
    if (samples.empty())
        return out;
    const double newest = samples.back().elapsedS;
    std::size_t first = samples.size() - 1;
    while (first > 0 && newest - samples[first - 1].elapsedS < windowSeconds)
        --first;

    double lost = 0;
    int windowBound = 0;
    std::vector<double> srtts;
    for (std::size_t i = first; i < samples.size(); ++i)
    {
        const StatsSample& s = samples[i];
        const double dt = s.intervalS;
        out.seconds += dt;
        ++out.samples;
        if (s.hasLinkLoss)
        {
            out.linkSlots += s.linkSlotsPerS * dt;
            lost += s.linkSlotsPerS * dt * s.linkLossPercent / 100.0;
        }
        out.dataShardsLost += s.dataShardsLostPerS * dt;
        out.fecRecovered += s.fecRecoveredPerS * dt;
        out.segmentsOut += s.segmentsOutPerS * dt;
        out.retransmitted += s.retransPerS * dt;
        out.goodputOutBps += s.goodputOutBps * dt;
        out.goodputInBps += s.goodputInBps * dt;
        out.wireOutBps += s.wireOutBps * dt;
        // inflight is summed over the source's sessions (--conn, a server's clients), each
        // with its own window.
        if (sndwnd > 0 && s.inflight >= FullWindow * sndwnd * std::max(1, s.sessions))
            ++windowBound;
        if (s.srttMs > 0)
            srtts.push_back(s.srttMs);
    }
    if (out.linkSlots > 0)
        out.linkLossRate = lost / out.linkSlots;
    if (out.seconds > 0)
    {
        out.goodputOutBps /= out.seconds;
        out.goodputInBps /= out.seconds;
        out.wireOutBps /= out.seconds;
    }
    out.windowBoundShare = double(windowBound) / double(out.samples);
    for (std::size_t i = samples.size(); i-- > first && samples[i].datagramsInPerS == 0;)
    {
        out.silentSeconds += samples[i].intervalS;
        out.datagramsSentWhileSilent += samples[i].datagramsOutPerS * samples[i].intervalS;
    }
    if (!srtts.empty())
    {
        std::nth_element(srtts.begin(), srtts.begin() + srtts.size() / 2, srtts.end());
        out.srttMs = srtts[srtts.size() / 2];
    }
    return out;
}

LinkSummary LinkAdvisor::summarize(const StatsSeries& series, qint64 since, double windowSeconds,
                                   int sndwnd)
{
    // Copy only what the window reaches (the same samples the span overload would pick): the
    // series may hold an hour, and callers summarize with every new sample.
    const qint64 oldest = series.totalAppended() - series.size();
    int first = int(std::clamp<qint64>(since - oldest, 0, series.size()));
    if (first < series.size())
    {
        const double newest = series.latest().elapsedS;
        int start = series.size() - 1;
        while (start > first && newest - series.at(start - 1).elapsedS < windowSeconds)
            --start;
        first = start;
    }
    const QVector<StatsSample> samples = series.since(oldest + first);
    return summarize(std::span(samples.constData(), std::size_t(samples.size())), windowSeconds,
                     sndwnd);
}

QList<Advice> LinkAdvisor::advise(const LinkSummary& link,
                                  const kcp::tunnel::KcptunConfig& config) const
{
    QList<Advice> out;
    // A server speaks only when spoken to, so only a client can tell that the other side is
    // silent. Nothing else is worth saying then.
    if (config.role == kcp::tunnel::TunnelRole::Client &&
        link.silentSeconds >= m_limits.minSilentSeconds && link.datagramsSentWhileSilent >= 20)
    {
        Advice a;
        a.kind = Advice::Kind::NoAnswer;
        a.title = tr("No answer from the server");
        a.reason = tr("For %1 s this side sent %2 datagrams to %3 and received none that "
                      "decrypted. The server may be down or unreachable (address, port, a "
                      "firewall), or its key, crypt, FEC or mtu differ from these settings: a "
                      "kcptun server drops what it cannot decrypt without a word, so a mismatch "
                      "looks like silence.")
                       .arg(qRound(link.silentSeconds))
                       .arg(qRound64(link.datagramsSentWhileSilent))
                       .arg(config.remoteaddr);
        out << a;
        return out;
    }
    if (link.seconds < m_limits.minSeconds)
        return out;
    const int data = config.datashard;
    const int parity = config.parityshard;
    const bool fecOn = data > 0 && parity > 0;
    const double target = m_limits.targetResidual;

    if (fecOn && link.linkSlots >= m_limits.minLinkSlots)
    {
        const double p = link.linkLossRate;
        const double residual = fecResidualLoss(p, data, parity);
        const int needed = parityShardsFor(p, data, target, maxParityFor(data));
        if (residual > 2 * target)
        {
            Advice a;
            a.kind = Advice::Kind::MoreParity;
            a.title = tr("More parity: FEC %1/%2 is too weak for %3 loss")
                          .arg(data)
                          .arg(parity)
                          .arg(percent(p));
            QString reason =
                tr("The link lost %1 of %2 FEC datagrams. With %3 data and %4 parity shards, "
                   "about %5 of the data shards are lost beyond what parity can rebuild; each "
                   "waits for a retransmission, at least one round trip (%6 ms).")
                    .arg(percent(p))
                    .arg(qRound64(link.linkSlots))
                    .arg(data)
                    .arg(parity)
                    .arg(percent(residual))
                    .arg(qRound(link.srttMs));
            const double measured = link.unrebuiltRate(data, parity);
            // Far more left unrebuilt than independent losses would leave: the losses come in
            // bursts, which hit several shards of one group (more parity helps less).
            if (measured > 2 * residual)
                reason += u' ' + tr("Measured: %1 were not rebuilt, more than the %2 of "
                                    "independent losses: the loss comes in bursts, and more "
                                    "parity helps less than this estimate says.")
                                     .arg(percent(measured))
                                     .arg(percent(residual));
            if (needed > parity)
            {
                a.parityshard = needed;
                a.datashard = data;
                a.flags = fecFlags(data, needed);
                reason +=
                    u' ' + tr("%1/%2 brings that to %3 for %4 of extra bandwidth instead of %5. "
                              "Set it on both ends.")
                               .arg(data)
                               .arg(needed)
                               .arg(percent(fecResidualLoss(p, data, needed)))
                               .arg(percent(double(needed) / data))
                               .arg(percent(double(parity) / data));
            }
            else
            {
                const int most = maxParityFor(data);
                a.parityshard = most;
                a.datashard = data;
                a.flags = fecFlags(data, most);
                reason += u' ' + tr("Even %1/%2 (%3 of extra bandwidth) leaves %4: at this loss "
                                    "the ARQ will keep retransmitting; look for the cause of "
                                    "the loss (a congested or throttled path).")
                                     .arg(data)
                                     .arg(most)
                                     .arg(percent(double(most) / data))
                                     .arg(percent(fecResidualLoss(p, data, most)));
            }
            a.reason = reason;
            out << a;
        }
        else if (p < m_limits.negligibleLoss && needed < parity)
        {
            Advice a;
            a.kind = Advice::Kind::LessParity;
            a.datashard = needed == 0 ? 0 : data;
            a.parityshard = needed;
            a.flags = fecFlags(a.datashard, needed);
            a.title = needed == 0 ? tr("FEC off: the link hardly loses anything")
                                  : tr("Less parity: the link loses %1").arg(percent(p));
            a.reason =
                tr("The link lost %1 of %2 FEC datagrams. Parity costs %3 of extra bandwidth "
                   "at %4/%5; %6 leaves %7 of the data shards to the ARQ, which retransmits "
                   "them. Set it on both ends.")
                    .arg(percent(p))
                    .arg(qRound64(link.linkSlots))
                    .arg(percent(double(parity) / data))
                    .arg(data)
                    .arg(parity)
                    .arg(needed == 0 ? tr("FEC off")
                                     : QStringLiteral("%1/%2").arg(data).arg(needed))
                    .arg(percent(fecResidualLoss(p, data, needed)));
            out << a;
        }
    }
    else if (!fecOn && link.segmentsOut >= m_limits.minSegments &&
             link.retransRate() > LossyWithoutFec)
    {
        // Without FEC nothing measures the path's loss; retransmissions over segments sent
        // approximate it from above (a spurious retransmission counts too).
        const double p = link.retransRate();
        const int dataShards = 10;
        const int needed = parityShardsFor(p, dataShards, target, maxParityFor(dataShards));
        const int suggested = needed > 0 ? needed : maxParityFor(dataShards);
        Advice a;
        a.kind = Advice::Kind::EnableFec;
        a.datashard = dataShards;
        a.parityshard = suggested;
        a.flags = fecFlags(dataShards, suggested);
        a.title = tr("Turn FEC on: %1 of segments are retransmitted").arg(percent(p));
        a.reason = tr("%1 of %2 segments sent were retransmissions, each at least one round "
                      "trip (%3 ms) late. FEC %4/%5 (%6 of extra bandwidth) would rebuild all "
                      "but about %7 of the data shards at that loss without waiting. Set it on "
                      "both ends.")
                       .arg(qRound64(link.retransmitted))
                       .arg(qRound64(link.segmentsOut))
                       .arg(qRound(link.srttMs))
                       .arg(dataShards)
                       .arg(suggested)
                       .arg(percent(double(suggested) / dataShards))
                       .arg(percent(fecResidualLoss(p, dataShards, suggested)));
        out << a;
    }

    if (config.sndwnd > 0 && link.windowBoundShare >= WindowBoundMajority && link.srttMs > 0)
    {
        // Window-limited throughput: sndwnd segments of at most mss bytes per round trip.
        const int mss = std::max(1, config.mtu - 24 - (fecOn ? 8 : 0) - 20);
        const double capBps = 8.0 * config.sndwnd * mss / (link.srttMs / 1000.0);
        const int larger = std::min(config.sndwnd * 2, 32768);
        if (larger > config.sndwnd)
        {
            Advice a;
            a.kind = Advice::Kind::LargerWindow;
            a.sndwnd = larger;
            a.rcvwnd = std::max(config.rcvwnd, larger);
            a.flags = QStringLiteral("--sndwnd %1").arg(larger);
            a.title = tr("Larger send window: %1 segments cap the throughput").arg(config.sndwnd);
            a.reason = tr("The send window was full in %1 of the samples: at most %2 segments "
                          "per round trip of %3 ms, about %4 Mbit/s, whatever the link could "
                          "carry. Try --sndwnd %5 here and --rcvwnd %5 or more on the peer; "
                          "if the round trip grows with it, the link is the limit instead.")
                           .arg(percent(link.windowBoundShare))
                           .arg(config.sndwnd)
                           .arg(qRound(link.srttMs))
                           .arg(capBps / 1e6, 0, 'f', 1)
                           .arg(larger);
            out << a;
        }
    }
    return out;
}

} // namespace app
