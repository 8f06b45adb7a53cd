#include "lab/lab_settings.h"

#include "kcp/tunnel/kcptun_json.h"

#include <QCoreApplication>

#include <algorithm>

namespace app
{

LabSettings LabSettings::defaults()
{
    LabSettings s;
    s.link.loss = 0.05;
    s.link.delay = 25;
    s.session = kcp::tunnel::KcptunConfig::defaults(kcp::tunnel::TunnelRole::Client);
    // The lab's pair never dials an address; these only keep validation about the session.
    s.session.localaddr = QStringLiteral("127.0.0.1:0");
    s.session.remoteaddr = QStringLiteral("127.0.0.1:1");
    return s;
}

LabSettings LabSettings::withoutFec() const
{
    LabSettings copy = *this;
    copy.session.datashard = 0;
    copy.session.parityshard = 0;
    return copy;
}

void LabSettings::setRateKbps(int kbps)
{
    const std::uint64_t bytesPerSecond = std::uint64_t(std::max(0, kbps)) * 1000 / 8;
    link.rateBytesPerSecond = bytesPerSecond;
    link.queueLimitBytes =
        bytesPerSecond ? std::max<std::size_t>(16 * 1024, bytesPerSecond / 10) : 0;
}

int LabSettings::rateKbps() const
{
    return int(link.rateBytesPerSecond * 8 / 1000);
}

QStringList LabSettings::problems() const
{
    QStringList list;
    auto probability = [&](double p, const QString& what)
    {
        if (!(p >= 0.0 && p <= 1.0))
            list << tr("%1 must be between 0 and 100 %.").arg(what);
    };
    probability(link.loss, tr("Loss"));
    probability(link.burstEnter, tr("Burst start probability"));
    probability(link.burstExit, tr("Burst end probability"));
    probability(link.burstLoss, tr("Loss inside a burst"));
    probability(link.reorder, tr("Reordering"));
    probability(link.duplicate, tr("Duplication"));
    if (link.delay > 10000 || link.jitter > 10000 || link.reorderDelay > 10000)
        list << tr("Delays must be at most 10000 ms.");
    kcp::tunnel::KcptunConfig effective = session;
    effective.applyModePreset();
    return list + effective.validate();
}

bool LabSettings::sameSession(const LabSettings& other) const
{
    return kcp::tunnel::toKcptunJson(session) == kcp::tunnel::toKcptunJson(other.session);
}

} // namespace app
