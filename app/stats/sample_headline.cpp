#include "stats/sample_headline.h"

#include <QCoreApplication>

namespace app
{

QString bitRateText(double bitsPerSecond)
{
    if (bitsPerSecond < 1e6)
        return QCoreApplication::translate("app::SampleHeadline", "%1 kbit/s")
            .arg(bitsPerSecond / 1e3, 0, 'f', 0);
    return QCoreApplication::translate("app::SampleHeadline", "%1 Mbit/s")
        .arg(bitsPerSecond / 1e6, 0, 'f', 1);
}

QString sampleHeadline(const StatsSample& sample)
{
    auto tr = [](const char* text)
    { return QCoreApplication::translate("app::SampleHeadline", text); };
    if (sample.sessions == 0)
        return tr("no KCP session yet");
    QString line = tr("RTT %1 ms · ↓ %2 ↑ %3")
                       .arg(sample.srttMs, 0, 'f', 0)
                       .arg(bitRateText(sample.goodputInBps), bitRateText(sample.goodputOutBps));
    if (sample.hasLinkLoss)
        line += tr(" · loss %1 %").arg(sample.linkLossPercent, 0, 'f', 1);
    // Below a few kbit/s the multiplier is keepalives over nothing: not worth a number.
    if (sample.goodputOutBps >= 8000)
        line += tr(" · wire ×%1").arg(sample.wireOutBps / sample.goodputOutBps, 0, 'f', 2);
    return line;
}

} // namespace app
