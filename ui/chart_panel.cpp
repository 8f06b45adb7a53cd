#include "ui/chart_panel.h"

#include "stats/series_glossary.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QPen>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <functional>

namespace ui
{

namespace
{

using Getter = std::function<std::optional<double>(const app::StatsSample&)>;

// The points of one quantity within [from, +inf) seconds; samples without a measurement (link
// loss with FEC off) are left out rather than drawn as zero. An hour of 1 s samples is more
// points than a chart is pixels wide and costs a redraw each second: beyond ChartPanel::MaxPoints
// consecutive samples are averaged into one point (a rate's mean over the bucket is still the
// rate over that time).
QList<QPointF> points(const app::StatsSeries* series, double from, const Getter& get)
{
    QList<QPointF> out;
    if (!series)
        return out;
    int first = 0;
    while (first < series->size() && series->at(first).elapsedS < from)
        ++first;
    const int count = series->size() - first;
    const int bucket = std::max(1, (count + ChartPanel::MaxPoints - 1) / ChartPanel::MaxPoints);
    for (int start = first; start < series->size(); start += bucket)
    {
        double x = 0, y = 0;
        int present = 0;
        for (int i = start; i < std::min(series->size(), start + bucket); ++i)
        {
            const app::StatsSample& s = series->at(i);
            if (const auto value = get(s))
            {
                x += s.elapsedS;
                y += *value;
                ++present;
            }
        }
        if (present > 0)
            out.append(QPointF(x / present, y / present));
    }
    return out;
}

double maxY(std::initializer_list<const QLineSeries*> lines)
{
    double top = 0;
    for (const QLineSeries* line : lines)
        for (const QPointF& p : line->points())
            top = std::max(top, p.y());
    return top;
}

// A tidy axis: top 1, 2, 2.5 or 5 times a power of ten above the largest value (+10 %
// headroom), split into intervals that land on round numbers.
void setNiceRange(QValueAxis* axis, double value, double floor)
{
    value = std::max(value * 1.1, floor);
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    double top = 10 * magnitude;
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (step * magnitude >= value)
        {
            top = step * magnitude;
            break;
        }
    const bool twos = std::abs(top / magnitude - 2.0) < 1e-9;
    axis->setRange(0, top);
    axis->setTickCount(twos ? 5 : 6);
}

} // namespace

ChartPanel::ChartPanel(QWidget* parent) : QWidget(parent)
{
    m_rtt = makePlot(tr("Round trip"), tr("ms"));
    m_srtt = addLine(m_rtt, tr("SRTT"), QStringLiteral("srtt"), QColor(0x1f, 0x77, 0xb4));
    m_rttVar = addLine(m_rtt, tr("RTTVAR"), QStringLiteral("rttvar"), QColor(0x9e, 0x9e, 0x9e));
    m_rto = addLine(m_rtt, tr("RTO"), QStringLiteral("rto"), QColor(0xd6, 0x27, 0x28));

    m_retrans = makePlot(tr("Retransmissions"), tr("segments/s"));
    m_retransSeries = addLine(m_retrans, tr("retransmitted"), QStringLiteral("retrans"),
                              QColor(0xff, 0x7f, 0x0e));
    m_retransCompare = addLine(m_retrans, QString(), QStringLiteral("retransCompare"),
                               QColor(0x7f, 0x3f, 0x07), true);

    m_loss = makePlot(tr("Loss and FEC recovery"), tr("loss %"));
    m_loss.y2 = new QValueAxis(this);
    m_loss.y2->setTitleText(tr("recovered/s"));
    m_loss.y2->setLabelFormat(QStringLiteral("%.0f"));
    m_loss.chart->addAxis(m_loss.y2, Qt::AlignRight);
    m_linkLoss =
        addLine(m_loss, tr("path loss %"), QStringLiteral("linkLoss"), QColor(0xd6, 0x27, 0x28));
    m_emulatedLoss = addLine(m_loss, tr("emulated loss %"), QStringLiteral("emulatedLoss"),
                             QColor(0x94, 0x67, 0xbd), true);
    m_fecRecovered = addLine(m_loss, tr("FEC recovered/s"), QStringLiteral("fecRecovered"),
                             QColor(0x2c, 0xa0, 0x2c), false, true);

    m_throughput = makePlot(tr("Throughput"), tr("Mbit/s"));
    m_goodputIn = addLine(m_throughput, tr("goodput in"), QStringLiteral("goodputIn"),
                          QColor(0x1f, 0x77, 0xb4));
    m_goodputOut = addLine(m_throughput, tr("goodput out"), QStringLiteral("goodputOut"),
                           QColor(0x2c, 0xa0, 0x2c));
    m_wireOut = addLine(m_throughput, tr("wire out"), QStringLiteral("wireOut"),
                        QColor(0x9e, 0x9e, 0x9e), true);
    m_goodputCompare = addLine(m_throughput, QString(), QStringLiteral("goodputCompare"),
                               QColor(0x17, 0x3f, 0x5f), true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* top = new QHBoxLayout;
    top->addStretch(1);
    m_window = new QComboBox(this);
    m_window->setObjectName(QStringLiteral("window"));
    for (const int seconds : {60, 300, 900, 3600})
        m_window->addItem(seconds == 60    ? tr("last minute")
                          : seconds < 3600 ? tr("last %1 minutes").arg(seconds / 60)
                                           : tr("last hour"),
                          seconds);
    auto* windowLabel = new QLabel(tr("&Show:"), this);
    windowLabel->setBuddy(m_window);
    top->addWidget(windowLabel);
    top->addWidget(m_window);
    layout->addLayout(top);
    connect(m_window, &QComboBox::currentIndexChanged, this,
            [this] { setWindowSeconds(m_window->currentData().toInt()); });
    auto* grid = new QGridLayout;
    grid->setSpacing(2);
    layout->addLayout(grid, 1);
    grid->addWidget(m_rtt.view, 0, 0);
    grid->addWidget(m_retrans.view, 0, 1);
    grid->addWidget(m_loss.view, 1, 0);
    grid->addWidget(m_throughput.view, 1, 1);
    updateLabels();
    refresh();
}

ChartPanel::Plot ChartPanel::makePlot(const QString& title, const QString& yTitle)
{
    Plot plot;
    plot.chart = new QChart;
    plot.chart->setTitle(title);
    plot.chart->setMargins(QMargins(4, 4, 4, 4));
    plot.chart->legend()->setAlignment(Qt::AlignBottom);
    plot.chart->setAnimationOptions(QChart::NoAnimation);
    plot.x = new QValueAxis;
    plot.x->setTitleText(tr("seconds"));
    plot.x->setLabelFormat(QStringLiteral("%.0f"));
    plot.y = new QValueAxis;
    plot.y->setTitleText(yTitle);
    plot.y->setLabelFormat(QStringLiteral("%.4g"));
    plot.chart->addAxis(plot.x, Qt::AlignBottom);
    plot.chart->addAxis(plot.y, Qt::AlignLeft);
    plot.view = new QChartView(plot.chart, this);
    plot.view->setRenderHint(QPainter::Antialiasing);
    plot.view->setMinimumSize(260, 200);
    return plot;
}

QLineSeries* ChartPanel::addLine(Plot& plot, const QString& name, const QString& objectName,
                                 const QColor& color, bool dashed, bool rightAxis)
{
    auto* line = new QLineSeries;
    line->setName(name);
    line->setObjectName(objectName);
    QPen pen(color);
    pen.setWidthF(1.8);
    if (dashed)
        pen.setStyle(Qt::DashLine);
    line->setPen(pen);
    plot.chart->addSeries(line);
    line->attachAxis(plot.x);
    line->attachAxis(rightAxis ? plot.y2 : plot.y);
    return line;
}

void ChartPanel::setSource(const app::StatsSeries* series, const QString& label)
{
    m_source = series;
    m_sourceLabel = label;
    updateLabels();
    refresh();
}

void ChartPanel::setComparison(const app::StatsSeries* series, const QString& label)
{
    m_comparison = series;
    m_comparisonLabel = label;
    updateLabels();
    refresh();
}

void ChartPanel::setWindowSeconds(int seconds)
{
    m_windowSeconds = std::max(10, seconds);
    const int index = m_window->findData(m_windowSeconds);
    if (index >= 0 && index != m_window->currentIndex())
        m_window->setCurrentIndex(index);
    refresh();
}

void ChartPanel::updateLabels()
{
    const bool comparing = m_comparison != nullptr;
    m_retransSeries->setName(comparing ? m_sourceLabel : tr("retransmitted"));
    m_retransCompare->setName(m_comparisonLabel);
    m_goodputCompare->setName(tr("in, %1").arg(m_comparisonLabel));
    // A legend entry for a line that is never drawn only confuses.
    for (QLineSeries* line : {m_retransCompare, m_goodputCompare})
        line->setVisible(comparing);
    // Each chart explains its lines, with the kcptun counters behind them.
    for (Plot* plot : {&m_rtt, &m_retrans, &m_loss, &m_throughput})
    {
        QString tip;
        for (QAbstractSeries* series : plot->chart->series())
        {
            const QString text = app::seriesGlossary(series->objectName());
            if (!series->isVisible() || text.isEmpty() || series->name().isEmpty())
                continue;
            tip += QStringLiteral("<p><b>%1</b>: %2</p>")
                       .arg(series->name().toHtmlEscaped(), text.toHtmlEscaped());
        }
        plot->view->setToolTip(tip);
    }
}

int ChartPanel::plottedPoints() const
{
    return int(m_srtt->count());
}

QLineSeries* ChartPanel::line(const QString& objectName) const
{
    for (const Plot* plot : {&m_rtt, &m_retrans, &m_loss, &m_throughput})
        for (QAbstractSeries* series : plot->chart->series())
            if (series->objectName() == objectName)
                return qobject_cast<QLineSeries*>(series);
    return nullptr;
}

void ChartPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void ChartPanel::refresh()
{
    if (!isVisible())
    {
        m_stale = true;
        return;
    }
    m_stale = false;
    const double last = m_source && !m_source->isEmpty() ? m_source->latest().elapsedS : 0.0;
    const double lastCompare =
        m_comparison && !m_comparison->isEmpty() ? m_comparison->latest().elapsedS : 0.0;
    const double right = std::max({double(m_windowSeconds), last, lastCompare});
    const double left = right - m_windowSeconds;
    auto value = [](double app::StatsSample::*field, double scale = 1.0)
    {
        return [field, scale](const app::StatsSample& s) -> std::optional<double>
        { return s.*field * scale; };
    };

    m_srtt->replace(points(m_source, left, value(&app::StatsSample::srttMs)));
    m_rttVar->replace(points(m_source, left, value(&app::StatsSample::rttVarMs)));
    m_rto->replace(points(m_source, left, value(&app::StatsSample::rtoMs)));
    m_retransSeries->replace(points(m_source, left, value(&app::StatsSample::retransPerS)));
    m_retransCompare->replace(points(m_comparison, left, value(&app::StatsSample::retransPerS)));
    m_linkLoss->replace(points(m_source, left,
                               [](const app::StatsSample& s) {
                                   return s.hasLinkLoss ? std::optional<double>(s.linkLossPercent)
                                                        : std::nullopt;
                               }));
    m_emulatedLoss->replace(points(m_source, left,
                                   [](const app::StatsSample& s) {
                                       return s.hasEmulatedLoss
                                                  ? std::optional<double>(s.emulatedLossPercent)
                                                  : std::nullopt;
                                   }));
    m_fecRecovered->replace(points(m_source, left, value(&app::StatsSample::fecRecoveredPerS)));
    m_goodputIn->replace(points(m_source, left, value(&app::StatsSample::goodputInBps, 1e-6)));
    m_goodputOut->replace(points(m_source, left, value(&app::StatsSample::goodputOutBps, 1e-6)));
    m_wireOut->replace(points(m_source, left, value(&app::StatsSample::wireOutBps, 1e-6)));
    m_goodputCompare->replace(
        points(m_comparison, left, value(&app::StatsSample::goodputInBps, 1e-6)));

    for (Plot* plot : {&m_rtt, &m_retrans, &m_loss, &m_throughput})
        plot->x->setRange(std::max(0.0, left), right);
    setNiceRange(m_rtt.y, maxY({m_srtt, m_rttVar, m_rto}), 10);
    setNiceRange(m_retrans.y, maxY({m_retransSeries, m_retransCompare}), 10);
    setNiceRange(m_loss.y, maxY({m_linkLoss, m_emulatedLoss}), 5);
    setNiceRange(m_loss.y2, maxY({m_fecRecovered}), 10);
    setNiceRange(m_throughput.y, maxY({m_goodputIn, m_goodputOut, m_wireOut, m_goodputCompare}), 1);
}

} // namespace ui
