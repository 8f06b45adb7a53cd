#include "advisor/advice_logger.h"

#include "stats/tunnel_reading.h"

#include <QDebug>

namespace app
{

namespace
{

// What makes two lists of advice the same for the log: the kinds and the suggested flags, not
// the numbers in the reasons, which change with every sample.
bool sameAdvice(const QList<Advice>& a, const QList<Advice>& b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a[i].kind != b[i].kind || a[i].flags != b[i].flags)
            return false;
    return true;
}

} // namespace

AdviceLogger::AdviceLogger(SnapshotSource source, const kcp::tunnel::KcptunConfig& config,
                           QObject* parent)
    : QObject(parent), m_source(std::move(source)), m_config(config)
{
    connect(&m_timer, &QTimer::timeout, this, &AdviceLogger::sample);
}

void AdviceLogger::start(int sampleIntervalMs)
{
    m_clock.start();
    m_deriver.reset(0);
    m_series.clear();
    m_timer.start(sampleIntervalMs);
}

void AdviceLogger::sample()
{
    m_series.append(m_deriver.next(readingFromSnapshot(m_source(), m_clock.elapsed())));
    const LinkSummary link = LinkAdvisor::summarize(m_series, 0, 60, m_config.sndwnd);
    const QList<Advice> advice = m_advisor.advise(link, m_config);
    if (sameAdvice(advice, m_current))
        return;
    const bool hadAdvice = !m_current.isEmpty();
    m_current = advice;
    for (const Advice& a : advice)
    {
        QString line = QStringLiteral("advice: %1. %2").arg(a.title, a.reason);
        if (!a.flags.isEmpty())
            line += QStringLiteral(" [%1]").arg(a.flags);
        qInfo().noquote() << line;
    }
    if (advice.isEmpty() && hadAdvice)
        qInfo().noquote() << "advice: nothing to change any more";
    emit adviceChanged(advice);
}

} // namespace app
