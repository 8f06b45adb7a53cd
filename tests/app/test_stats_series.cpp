// StatsSeries keeps exactly the newest `capacity` samples in order; SampleDeriver turns
// cumulative counters into per-second rates, measures path loss only where FEC carried
// sequence numbers, and never reports a negative or huge rate when a session's counts leave the
// sum.

#include "stats/sample_deriver.h"
#include "stats/sample_headline.h"
#include "stats/stats_series.h"

#include <QtTest>

using namespace app;

namespace
{

StatsSample sampleAt(double t)
{
    StatsSample s;
    s.elapsedS = t;
    s.srttMs = t * 10;
    return s;
}

} // namespace

class TestStatsSeries : public QObject
{
    Q_OBJECT

private slots:
    void keepsNewestInOrder();
    void capacityOneAndClear();
    void derivesRatesPerSecond();
    void lossNeedsFecSequenceNumbers();
    void shrinkingCountersGiveZeroNotWraparound();
    void emulatedLossFromLinkCounters();
    void headlineSaysRttRatesLossAndWire();
};

void TestStatsSeries::keepsNewestInOrder()
{
    StatsSeries series(5);
    QVERIFY(series.isEmpty());
    for (int i = 1; i <= 3; ++i)
        series.append(sampleAt(i));
    QCOMPARE(series.size(), 3);
    QCOMPARE(series.at(0).elapsedS, 1.0);
    QCOMPARE(series.latest().elapsedS, 3.0);
    for (int i = 4; i <= 12; ++i)
        series.append(sampleAt(i));
    QCOMPARE(series.size(), 5);
    QCOMPARE(series.capacity(), 5);
    QCOMPARE(series.totalAppended(), qint64(12));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(series.at(i).elapsedS, double(8 + i));
    const QVector<StatsSample> copy = series.toVector();
    QCOMPARE(copy.size(), 5);
    QCOMPARE(copy.first().srttMs, 80.0);
    QCOMPARE(copy.last().srttMs, 120.0);

    // since(n): from the n-th sample appended (0-based) on; dropped ones are gone.
    QCOMPARE(series.since(9).size(), 3); // samples 10, 11, 12 (appended as 9, 10, 11)
    QCOMPARE(series.since(9).first().elapsedS, 10.0);
    QCOMPARE(series.since(0).size(), 5);    // 1..7 were dropped
    QCOMPARE(series.since(12).size(), 0);   // nothing appended yet
    QCOMPARE(series.since(-3).size(), 5);
}

void TestStatsSeries::capacityOneAndClear()
{
    StatsSeries one(0); // clamped to 1
    QCOMPARE(one.capacity(), 1);
    one.append(sampleAt(1));
    one.append(sampleAt(2));
    QCOMPARE(one.size(), 1);
    QCOMPARE(one.latest().elapsedS, 2.0);
    one.clear();
    QVERIFY(one.isEmpty());
    one.append(sampleAt(3));
    QCOMPARE(one.at(0).elapsedS, 3.0);

    StatsSeries hour;
    QCOMPARE(hour.capacity(), StatsSeries::DefaultCapacity);
    for (int i = 0; i < StatsSeries::DefaultCapacity + 100; ++i)
        hour.append(sampleAt(i));
    QCOMPARE(hour.size(), StatsSeries::DefaultCapacity);
    QCOMPARE(hour.at(0).elapsedS, 100.0);
}

void TestStatsSeries::derivesRatesPerSecond()
{
    SampleDeriver deriver;
    deriver.reset(10'000);
    LinkReading r;
    r.monotonicMs = 10'500; // half a second
    r.timestampMs = 1'700'000'000'000;
    r.counters.RetransSegs = 50;
    r.counters.LostSegs = 30;
    r.counters.FastRetransSegs = 15;
    r.counters.EarlyRetransSegs = 5;
    r.counters.BytesSent = 125'000; // 1 Mbit in 0.5 s
    r.counters.BytesReceived = 12'500;
    r.counters.OutBytes = 250'000;
    r.counters.FECRecovered = 4;
    r.counters.FECParityShards = 30;
    r.srttMs = 42;
    r.rtoMs = 200;
    r.inflight = 17;
    r.sessions = 2;
    StatsSample s = deriver.next(r);
    QCOMPARE(s.elapsedS, 0.5);
    QCOMPARE(s.intervalS, 0.5);
    QCOMPARE(s.timestampMs, r.timestampMs);
    QCOMPARE(s.retransPerS, 100.0);
    QCOMPARE(s.rtoRetransPerS, 60.0);
    QCOMPARE(s.fastRetransPerS, 30.0);
    QCOMPARE(s.earlyRetransPerS, 10.0);
    QCOMPARE(s.goodputOutBps, 2'000'000.0);
    QCOMPARE(s.goodputInBps, 200'000.0);
    QCOMPARE(s.wireOutBps, 4'000'000.0);
    QCOMPARE(s.fecRecoveredPerS, 8.0);
    QCOMPARE(s.fecParityPerS, 60.0);
    QCOMPARE(s.srttMs, 42.0);
    QCOMPARE(s.inflight, quint32(17));
    QCOMPARE(s.sessions, 2);

    // The next interval counts only what changed since.
    r.monotonicMs = 12'500; // 2 s later
    r.counters.RetransSegs = 60;
    r.counters.BytesSent = 375'000;
    s = deriver.next(r);
    QCOMPARE(s.elapsedS, 2.5);
    QCOMPARE(s.intervalS, 2.0); // rate x interval gives back the counts: 5/s x 2 s = 10
    QCOMPARE(s.retransPerS, 5.0);
    QCOMPARE(s.goodputOutBps, 1'000'000.0);
    QCOMPARE(s.fecRecoveredPerS, 0.0);

    // Two readings in the same ms must not divide by zero.
    s = deriver.next(r);
    QVERIFY(std::isfinite(s.retransPerS));
    QCOMPARE(s.retransPerS, 0.0);
}

void TestStatsSeries::lossNeedsFecSequenceNumbers()
{
    SampleDeriver deriver;
    deriver.reset(0);
    LinkReading r;
    r.monotonicMs = 1000;
    StatsSample s = deriver.next(r);
    QVERIFY(!s.hasLinkLoss); // FEC off or idle: nothing measured, not "0 % loss"
    r.monotonicMs = 2000;
    r.counters.PathReceived = 950;
    r.counters.PathLost = 50;
    s = deriver.next(r);
    QVERIFY(s.hasLinkLoss);
    QCOMPARE(s.linkLossPercent, 5.0);
    r.monotonicMs = 3000;
    r.counters.PathReceived = 1950; // 1000 more, none lost
    s = deriver.next(r);
    QVERIFY(s.hasLinkLoss);
    QCOMPARE(s.linkLossPercent, 0.0);
}

void TestStatsSeries::shrinkingCountersGiveZeroNotWraparound()
{
    SampleDeriver deriver;
    deriver.reset(0);
    LinkReading r;
    r.monotonicMs = 1000;
    r.counters.BytesSent = 1'000'000;
    r.counters.RetransSegs = 100;
    deriver.next(r);
    // One of two sessions closed: the sum drops.
    r.monotonicMs = 2000;
    r.counters.BytesSent = 400'000;
    r.counters.RetransSegs = 10;
    StatsSample s = deriver.next(r);
    QCOMPARE(s.goodputOutBps, 0.0);
    QCOMPARE(s.retransPerS, 0.0);
    // And the interval after that is measured from the new base.
    r.monotonicMs = 3000;
    r.counters.BytesSent = 500'000;
    s = deriver.next(r);
    QCOMPARE(s.goodputOutBps, 800'000.0);
}

void TestStatsSeries::emulatedLossFromLinkCounters()
{
    SampleDeriver deriver;
    deriver.reset(0);
    LinkReading r;
    r.monotonicMs = 1000;
    StatsSample s = deriver.next(r);
    QVERIFY(!s.hasEmulatedLoss); // not a lab reading
    r.hasEmulator = true;
    r.monotonicMs = 2000;
    r.emulatorOffered = 400;
    r.emulatorDropped = 40;
    s = deriver.next(r);
    QVERIFY(s.hasEmulatedLoss);
    QCOMPARE(s.emulatedLossPercent, 10.0);
}

void TestStatsSeries::headlineSaysRttRatesLossAndWire()
{
    QCOMPARE(bitRateText(840e3), QStringLiteral("840 kbit/s"));
    QCOMPARE(bitRateText(12.34e6), QStringLiteral("12.3 Mbit/s"));
    StatsSample s;
    QCOMPARE(sampleHeadline(s), QStringLiteral("no KCP session yet"));
    s.sessions = 2;
    s.srttMs = 41.6;
    s.goodputInBps = 12.34e6;
    s.goodputOutBps = 840e3;
    s.wireOutBps = 1.1e6;
    QCOMPARE(sampleHeadline(s),
             QStringLiteral("RTT 42 ms · ↓ 12.3 Mbit/s ↑ 840 kbit/s · wire ×1.31"));
    s.hasLinkLoss = true;
    s.linkLossPercent = 1.24;
    s.goodputOutBps = 100; // keepalives: no multiplier
    QCOMPARE(sampleHeadline(s),
             QStringLiteral("RTT 42 ms · ↓ 12.3 Mbit/s ↑ 0 kbit/s · loss 1.2 %"));
}

QTEST_APPLESS_MAIN(TestStatsSeries)
#include "test_stats_series.moc"
