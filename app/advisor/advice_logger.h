#pragma once

#include "advisor/link_advisor.h"
#include "stats/sample_deriver.h"
#include "stats/stats_series.h"

#include "kcp/tunnel/tunnel_snapshot.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

namespace app
{

// The link advisor for a headless tunnel (kcpdesk-cli --advise): samples the tunnel once a
// second and logs the suggestions whenever they change, one line each, and once when nothing
// is left to suggest. The same rules and numbers as the GUI's Advice panel.
class AdviceLogger : public QObject
{
    Q_OBJECT

public:
    using SnapshotSource = std::function<kcp::tunnel::TunnelSnapshot()>;

    // config: the tunnel's settings as running (mode preset applied).
    AdviceLogger(SnapshotSource source, const kcp::tunnel::KcptunConfig& config,
                 QObject* parent = nullptr);

    void start(int sampleIntervalMs = 1000);
    const QList<Advice>& current() const { return m_current; }

signals:
    // Also logged with qInfo(); for tests and embedders.
    void adviceChanged(const QList<app::Advice>& advice);

private:
    void sample();

    SnapshotSource m_source;
    kcp::tunnel::KcptunConfig m_config;
    LinkAdvisor m_advisor;
    SampleDeriver m_deriver;
    StatsSeries m_series{120};
    QElapsedTimer m_clock;
    QTimer m_timer;
    QList<Advice> m_current;
};

} // namespace app
