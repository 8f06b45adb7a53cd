// ChartPanel over a series of known samples, offscreen: the time window the "Show:" box picks,
// and an hour of samples drawn as at most MaxPoints averaged points that keep the values.

#include "stats/stats_series.h"
#include "ui/chart_panel.h"

#include <QChartView>
#include <QComboBox>
#include <QLineSeries>
#include <QtTest>

class TestChartPanel : public QObject
{
    Q_OBJECT

private slots:
    void showBoxPicksTheWindow();
    void chartsExplainTheirLinesWithKcptunCounters();
};

void TestChartPanel::showBoxPicksTheWindow()
{
    app::StatsSeries series; // an hour of 1 s samples: SRTT = elapsed seconds, loss measured
    for (int second = 1; second <= 3600; ++second)
    {
        app::StatsSample s;
        s.elapsedS = second;
        s.srttMs = second;
        s.hasLinkLoss = second % 2 == 0; // every other sample has no measurement
        s.linkLossPercent = 5;
        series.append(s);
    }
    ui::ChartPanel panel;
    panel.resize(800, 600);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setSource(&series, "test");
    QCOMPARE(panel.windowSeconds(), 60);
    QCOMPARE(panel.plottedPoints(), 61); // 3540 s .. 3600 s
    QCOMPARE(panel.line("srtt")->at(0), QPointF(3540, 3540));

    auto* box = panel.findChild<QComboBox*>("window");
    QVERIFY(box);
    QCOMPARE(box->currentText(), QStringLiteral("last minute"));
    box->setCurrentIndex(box->findData(3600));
    QCOMPARE(panel.windowSeconds(), 3600);
    // 3600 samples in buckets of 6: 600 points, each the mean of its six.
    QCOMPARE(panel.plottedPoints(), ui::ChartPanel::MaxPoints);
    QCOMPARE(panel.line("srtt")->at(0), QPointF(3.5, 3.5));
    QCOMPARE(panel.line("srtt")->at(599), QPointF(3597.5, 3597.5));
    // Absent measurements are left out of a bucket's mean, not counted as zero.
    const QLineSeries* loss = panel.line("linkLoss");
    QCOMPARE(loss->count(), 600);
    for (const QPointF& p : loss->points())
        QCOMPARE(p.y(), 5.0);

    panel.setWindowSeconds(300); // and the other way: the box follows
    QCOMPARE(box->currentData().toInt(), 300);
    QCOMPARE(panel.plottedPoints(), 301);
}

void TestChartPanel::chartsExplainTheirLinesWithKcptunCounters()
{
    ui::ChartPanel panel;
    QStringList tips;
    for (const QChartView* view : panel.findChildren<QChartView*>())
        tips << view->toolTip();
    QCOMPARE(tips.size(), 4);
    const QString all = tips.join(QLatin1Char('\n'));
    // The counters kcptun's -snmplog prints, named where they feed a line (kcptun#293, #865).
    for (const char* counter : {"RetransSegs", "LostSegs", "FastRetransSegs", "FECRecovered",
                                "FECParityShards", "FECErrs", "BytesReceived", "OutBytes"})
        QVERIFY2(all.contains(QLatin1String(counter)), counter);
    for (const QString& tip : tips)
        QVERIFY2(tip.startsWith("<p><b>"), qPrintable(tip));
    // The comparison lines are hidden until there is a comparison: so is their explanation.
    QVERIFY(!all.contains("FEC off"));
    app::StatsSeries other;
    panel.setComparison(&other, "FEC off");
    QString withComparison;
    for (const QChartView* view : panel.findChildren<QChartView*>())
        withComparison += view->toolTip();
    QVERIFY(withComparison.contains("FEC off"));
}

QTEST_MAIN(TestChartPanel)
#include "test_chart_panel.moc"
