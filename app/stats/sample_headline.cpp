#include "stats/sample_headline.h"

#include <QCoreApplication>

namespace app
{

namespace
{
// The translation context of the headline's strings, named so lupdate files them under it.
struct SampleHeadline
{
    Q_DECLARE_TR_FUNCTIONS(app::SampleHeadline)
};
} // namespace

QString bitRateText(double bitsPerSecond)
{
    if (bitsPerSecond < 1e6)
        return SampleHeadline::tr("%1 kbit/s").arg(bitsPerSecond / 1e3, 0, 'f', 0);
    return SampleHeadline::tr("%1 Mbit/s").arg(bitsPerSecond / 1e6, 0, 'f', 1);
}

QString sampleHeadline(const StatsSample& sample)
{
    if (sample.sessions == 0)
        return SampleHeadline::tr("no KCP session yet");
    QString line = SampleHeadline::tr("RTT %1 ms · ↓ %2 ↑ %3")
                       .arg(sample.srttMs, 0, 'f', 0)
                       .arg(bitRateText(sample.goodputInBps), bitRateText(sample.goodputOutBps));
    if (sample.hasLinkLoss)
        line += SampleHeadline::tr(" · loss %1 %").arg(sample.linkLossPercent, 0, 'f', 1);
    // Below a few kbit/s the multiplier is keepalives over nothing: not worth a number.
    if (sample.goodputOutBps >= 8000)
        line += SampleHeadline::tr(" · wire ×%1")
                    .arg(sample.wireOutBps / sample.goodputOutBps, 0, 'f', 2);
    return line;
}

} // namespace app
