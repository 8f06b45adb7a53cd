#pragma once

#include "stats/stats_series.h"

#include <QString>
#include <QWidget>

class QChart;
class QComboBox;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace ui
{

// Four live charts over a StatsSeries: round trip (SRTT, RTTVAR, RTO), retransmissions per
// second, loss and FEC recovery, and throughput. An optional comparison series (the lab's
// FEC-off run) is drawn dashed next to the main one. Shows the last windowSeconds() of the
// series; the series belong to the caller and must outlive their use here (or be cleared with
// setSource(nullptr)). Computes nothing but axis ranges: the numbers come from app.
class ChartPanel : public QWidget
{
    Q_OBJECT

public:
    // A line never has more points than this: longer windows average consecutive samples.
    static constexpr int MaxPoints = 600;

    explicit ChartPanel(QWidget* parent = nullptr);

    void setSource(const app::StatsSeries* series, const QString& label);
    void setComparison(const app::StatsSeries* series, const QString& label);
    // Re-reads the series (call when a sample was appended). Cheap: a few hundred points. While
    // the panel is hidden (another tab, minimised) it only notes that it is stale and catches
    // up when shown.
    void refresh();

    // The time shown (the "Show:" box offers 1, 5, 15 minutes and the hour the series keeps).
    int windowSeconds() const { return m_windowSeconds; }
    void setWindowSeconds(int seconds);
    // Points currently plotted by the main series of the round-trip chart (for tests/status).
    int plottedPoints() const;
    // A plotted line by its object name ("srtt", "rto", "retrans", "linkLoss", "goodputIn" ...).
    QLineSeries* line(const QString& objectName) const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Plot
    {
        QChart* chart = nullptr;
        QChartView* view = nullptr;
        QValueAxis* x = nullptr;
        QValueAxis* y = nullptr;
        QValueAxis* y2 = nullptr; // right-hand axis, if any
    };

    Plot makePlot(const QString& title, const QString& yTitle);
    QLineSeries* addLine(Plot& plot, const QString& name, const QString& objectName,
                         const QColor& color, bool dashed = false, bool rightAxis = false);
    void updateLabels();

    int m_windowSeconds = 60;
    QComboBox* m_window = nullptr;
    bool m_stale = false;
    const app::StatsSeries* m_source = nullptr;
    const app::StatsSeries* m_comparison = nullptr;
    QString m_sourceLabel;
    QString m_comparisonLabel;

    Plot m_rtt, m_retrans, m_loss, m_throughput;
    QLineSeries* m_srtt = nullptr;
    QLineSeries* m_rttVar = nullptr;
    QLineSeries* m_rto = nullptr;
    QLineSeries* m_retransSeries = nullptr;
    QLineSeries* m_retransCompare = nullptr;
    QLineSeries* m_linkLoss = nullptr;
    QLineSeries* m_emulatedLoss = nullptr;
    QLineSeries* m_fecRecovered = nullptr;
    QLineSeries* m_goodputIn = nullptr;
    QLineSeries* m_goodputOut = nullptr;
    QLineSeries* m_wireOut = nullptr;
    QLineSeries* m_goodputCompare = nullptr;
};

} // namespace ui
