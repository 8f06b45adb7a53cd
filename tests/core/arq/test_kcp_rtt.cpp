// kcp-go update_ack (wire-compat.md 1.5): the RTT estimator and the RTO clamp, worked by hand.
#include "kcp_test_util.h"

#include <QtTest>

using namespace kcp;
using namespace kcptest;

class TestKcpRtt : public QObject
{
    Q_OBJECT

private slots:
    void estimatorSequence();
    void clampNoDelayAndNormal_data();
    void clampNoDelayAndNormal();
    void clampAtRtoMax();
    void zeroSampleCountsAsNoSample();
    void lastAckOfDatagramIsTheSample();
    void futureTimestampAndRecoveredDataAreIgnored();
    void sampleAcrossClockWrap();
};

namespace
{

// One datagram carrying one ACK whose echoed ts makes the sample exactly `rtt` at `now`. The
// sn is outside the send window, so only the RTT machinery sees it.
void feedSample(Kcp& k, std::int32_t rtt, Millis now, bool regular = true)
{
    const Bytes ack = segment(k.conv(), Ack, 12345, now - Millis(rtt), 0, 32);
    QCOMPARE(k.input(ack, regular, false, now), 0);
}

} // namespace

// interval 10, nodelay 0 (min RTO 100). Each row applies
//   first:  srtt = rtt, rttvar = rtt >> 1
//   later:  delta = rtt - srtt; srtt += delta >> 3; d = |delta|;
//           rttvar += (d - rttvar) >> (rtt < srtt - rttvar ? 5 : 2)
//   rto = clamp(srtt + max(interval, rttvar << 2), minrto, 60000)
// with arithmetic shifts (round toward minus infinity).
void TestKcpRtt::estimatorSequence()
{
    Kcp k(7, [](std::uint8_t*, std::size_t) {});
    k.setNoDelay({0, 10, 0, 1});
    QCOMPARE(k.srtt(), 0);
    QCOMPARE(k.rttVar(), 0);
    QCOMPARE(k.rto(), 200); // IKCP_RTO_DEF until the first sample

    struct Row
    {
        std::int32_t rtt, srtt, rttvar, rto;
    };
    const Row rows[] = {
        // 100: first sample -> 100, 50; rto 100 + 200 = 300
        {100, 100, 50, 300},
        // 120: delta 20, srtt 100 + 2 = 102; 120 >= 102 - 50 -> rttvar 50 + (-30 >> 2 = -8) = 42;
        //      rto 102 + 168 = 270
        {120, 102, 42, 270},
        // 80: delta -22, srtt 102 + (-22 >> 3 = -3) = 99; 80 >= 99 - 42 -> 42 + (-20 >> 2) = 37;
        //     rto 99 + 148 = 247
        {80, 99, 37, 247},
        // 300: delta 201, srtt 99 + 25 = 124; rttvar 37 + (164 >> 2) = 78; rto 124 + 312 = 436
        {300, 124, 78, 436},
        // 20: delta -104, srtt 124 - 13 = 111; 20 < 111 - 78 = 33: low sample, 1/32 weight:
        //     rttvar 78 + (26 >> 5 = 0) = 78; rto 111 + 312 = 423
        {20, 111, 78, 423},
        // 10: delta -101, srtt 111 + (-101 >> 3 = -13) = 98; 10 < 98 - 78 = 20: 1/32 weight,
        //     rttvar 78 + (23 >> 5) = 78; rto 98 + 312 = 410
        {10, 98, 78, 410},
        // 98: delta 0, srtt 98; 98 >= 20 -> rttvar 78 + (-78 >> 2 = -20) = 58; rto 98 + 232 = 330
        {98, 98, 58, 330},
        // 0: delta -98, srtt 98 - 13 = 85 (-98 >> 3 = -12.25 -> -13); 0 < 85 - 58 = 27:
        //    rttvar 58 + (40 >> 5 = 1) = 59; rto 85 + 236 = 321
        {0, 85, 59, 321},
    };
    Millis now = 5000;
    for (const Row& row : rows)
    {
        feedSample(k, row.rtt, now);
        QCOMPARE(k.srtt(), row.srtt);
        QCOMPARE(k.rttVar(), row.rttvar);
        QCOMPARE(k.rto(), row.rto);
        now += 1000;
    }
}

void TestKcpRtt::clampNoDelayAndNormal_data()
{
    QTest::addColumn<int>("nodelay");
    QTest::addColumn<int>("interval");
    QTest::addColumn<int>("expectedRto");
    // Steady 1 ms samples settle at srtt 1, rttvar 0, so the raw RTO is 1 + interval.
    QTest::newRow("normal: 11 -> min 100") << 0 << 10 << 100;
    QTest::newRow("nodelay: 11 -> min 30") << 1 << 10 << 30;
    QTest::newRow("nodelay: 41 above min 30") << 1 << 40 << 41;
    QTest::newRow("normal: 101 above min 100") << 0 << 100 << 101;
}

void TestKcpRtt::clampNoDelayAndNormal()
{
    QFETCH(int, nodelay);
    QFETCH(int, interval);
    QFETCH(int, expectedRto);
    Kcp k(7, [](std::uint8_t*, std::size_t) {});
    k.setNoDelay({nodelay, interval, 0, 1});
    Millis now = 100;
    for (int i = 0; i < 200; ++i, now += 10)
        feedSample(k, 1, now);
    QCOMPARE(k.srtt(), 1);
    QCOMPARE(k.rttVar(), 0);
    QCOMPARE(k.rto(), expectedRto);
}

void TestKcpRtt::clampAtRtoMax()
{
    Kcp k(7, [](std::uint8_t*, std::size_t) {});
    feedSample(k, 100000, 200000);
    QCOMPARE(k.srtt(), 100000);
    QCOMPARE(k.rttVar(), 50000);
    QCOMPARE(k.rto(), 60000); // IKCP_RTO_MAX
}

// srtt == 0 is kcp-go's "no sample yet": a 0 ms first sample leaves it 0 and the next sample
// is taken as a first one again.
void TestKcpRtt::zeroSampleCountsAsNoSample()
{
    Kcp k(7, [](std::uint8_t*, std::size_t) {});
    k.setNoDelay({0, 10, 0, 1});
    feedSample(k, 0, 1000);
    QCOMPARE(k.srtt(), 0);
    QCOMPARE(k.rttVar(), 0);
    QCOMPARE(k.rto(), 100); // 0 + max(10, 0) -> min RTO
    feedSample(k, 60, 2000);
    QCOMPARE(k.srtt(), 60);
    QCOMPARE(k.rttVar(), 30);
    QCOMPARE(k.rto(), 180);
}

// One sample per datagram, from the ts of its last ACK (not the oldest, not an average).
void TestKcpRtt::lastAckOfDatagramIsTheSample()
{
    Kcp k(7, [](std::uint8_t*, std::size_t) {});
    Bytes acks;
    appendSegment(acks, 7, Ack, 100, 900, 0, 32);            // would be 100 ms
    appendSegment(acks, 7, Ack, 101, 960, 0, 32);            // 40 ms: the one used
    appendSegment(acks, 7, Push, 0, 970, 0, 32, pattern(3)); // not an ACK: no effect on latest
    QCOMPARE(k.input(acks, true, false, 1000), 0);
    QCOMPARE(k.srtt(), 40);
    QCOMPARE(k.rttVar(), 20);
}

void TestKcpRtt::futureTimestampAndRecoveredDataAreIgnored()
{
    Kcp k(7, [](std::uint8_t*, std::size_t) {});
    feedSample(k, -5, 1000); // ts after now: kcp-go skips negative samples
    QCOMPARE(k.srtt(), 0);
    QCOMPARE(k.rto(), 200);
    feedSample(k, 50, 2000, false); // FEC-recovered: never a sample
    QCOMPARE(k.srtt(), 0);
    QCOMPARE(k.rto(), 200);
}

// ts and now are u32 ms that wrap; the sample is their wrap-safe difference.
void TestKcpRtt::sampleAcrossClockWrap()
{
    Kcp k(7, [](std::uint8_t*, std::size_t) {});
    const Bytes ack = segment(7, Ack, 1, 0xFFFFFFF0u, 0, 32);
    QCOMPARE(k.input(ack, true, false, 0x20), 0); // 0x10 before the wrap + 0x20 after
    QCOMPARE(k.srtt(), 0x30);
    QCOMPARE(k.rttVar(), 0x18);
}

QTEST_APPLESS_MAIN(TestKcpRtt)
#include "test_kcp_rtt.moc"
