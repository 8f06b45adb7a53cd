// Retransmission as kcp-go's flush does it: fast retransmit (fastack >= resend), early
// retransmit, RTO with kcp-go's back-off, the fastack ts check, dead link, the counters, and the
// wait flush() returns. Times are exact; expected values are derived in the comments.
#include "kcp_test_util.h"

#include <QtTest>

using namespace kcp;
using namespace kcptest;

class TestKcpRetransmit : public QObject
{
    Q_OBJECT

private slots:
    void fastRetransmitThenRtoBackoff();
    void earlyRetransmitOnlyWithoutNewSegments();
    void earlyRetransmitWithFastResendOff();
    void fastackIgnoresAcksOlderThanTheTransmission();
    void rtoBackoff_data();
    void rtoBackoff();
    void flushReturnsWaitUntilNextResend();
    void deadLinkAtTwentyTransmissions();
    void lostSegmentRecoveredByFastRetransmit();
    void lostLastSegmentRecoveredByRto();
    void lostSegmentRecoveredByEarlyRetransmit();
};

namespace
{


// Sends `count` 100-byte messages (one segment each) and flushes them at t.
void sendSegments(CapturingKcp& c, int count, Millis t)
{
    for (int i = 0; i < count; ++i)
        QCOMPARE(c.kcp.send(pattern(100)), 0);
    c.kcp.flush(t, false);
}

} // namespace

// Four segments at t=0 (rx_rto 200: no RTT sample yet, so resend at 200). ACKs for sn 1 and 2
// (echoing ts 0) arrive at t=50: sn 0 collects fastack 2 = resend -> fast retransmit at the next
// flush, with rto = the new rx_rto: rtt 50 -> srtt 50, rttvar 25, rto = 50 + max(10, 100) = 150.
// At t=200 sn 0 (50 + 150) and sn 3 (0 + 200) both time out; kcp-go backs off by rx_rto (150),
// not by the segment's own rto: sn 0 -> rto 300, again at 500; sn 3 -> rto 350, again at 550.
void TestKcpRetransmit::fastRetransmitThenRtoBackoff()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 2, 1});
    sendSegments(c, 4, 0);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0, 1, 2, 3}));

    Bytes acks;
    appendSegment(acks, 1, Ack, 1, 0, 0, 32);
    appendSegment(acks, 1, Ack, 2, 0, 0, 32);
    QCOMPARE(c.kcp.input(acks, true, false, 50), 0);
    QVERIFY(c.bodies.empty()); // una did not move: no flush from input
    QCOMPARE(c.kcp.srtt(), 50);
    QCOMPARE(c.kcp.rttVar(), 25);
    QCOMPARE(c.kcp.rto(), 150);

    QCOMPARE(c.kcp.flush(50, false), 10u);
    std::vector<Seg> segs = c.takeSegments();
    QCOMPARE(pushSns(segs), (Sns{0}));
    QCOMPARE(segs[0].h.ts, 50u); // re-stamped on every transmission
    QCOMPARE(c.kcp.counters().fastRetransSegs, std::uint64_t(1));
    QCOMPARE(c.kcp.counters().earlyRetransSegs, std::uint64_t(0));
    QCOMPARE(c.kcp.counters().lostSegs, std::uint64_t(0));
    QCOMPARE(c.kcp.counters().retransSegs, std::uint64_t(1));

    QCOMPARE(c.kcp.flush(199, false), 1u); // both due at 200
    QVERIFY(c.bodies.empty());
    QCOMPARE(c.kcp.flush(200, false), 10u);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0, 3}));
    QCOMPARE(c.kcp.counters().lostSegs, std::uint64_t(2));

    c.kcp.flush(499, false);
    QVERIFY(c.bodies.empty());
    c.kcp.flush(500, false);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0}));
    c.kcp.flush(549, false);
    QVERIFY(c.bodies.empty());
    c.kcp.flush(550, false);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{3}));
    QCOMPARE(c.kcp.counters().lostSegs, std::uint64_t(4));
    QCOMPARE(c.kcp.counters().retransSegs, std::uint64_t(5));
    QCOMPARE(c.kcp.maxXmit(), 4u); // sn 0: at 0, 50, 200, 500
}

// One ACK for sn 3 gives sn 0..2 fastack 1 (< resend 2). kcp-go resends them at once anyway if
// this flush moves no new segment into flight (early retransmit), but not if it does.
void TestKcpRetransmit::earlyRetransmitOnlyWithoutNewSegments()
{
    for (const bool newData : {false, true})
    {
        CapturingKcp c(1);
        c.kcp.setNoDelay({0, 10, 2, 1});
        sendSegments(c, 4, 0);
        c.clear();
        QCOMPARE(c.kcp.input(segment(1, Ack, 3, 0, 0, 32), true, false, 40), 0);
        if (newData)
            QCOMPARE(c.kcp.send(pattern(100)), 0);
        c.kcp.flush(40, false);
        const std::vector<Seg> segs = c.takeSegments();
        if (newData)
        {
            QCOMPARE(pushSns(segs), (Sns{4}));
            QCOMPARE(c.kcp.counters().earlyRetransSegs, std::uint64_t(0));
            QCOMPARE(c.kcp.counters().retransSegs, std::uint64_t(0));
            // The next flush has nothing new, so now they go.
            c.kcp.flush(41, false);
            QCOMPARE(pushSns(c.takeSegments()), (Sns{0, 1, 2}));
        }
        else
        {
            QCOMPARE(pushSns(segs), (Sns{0, 1, 2}));
        }
        QCOMPARE(c.kcp.counters().earlyRetransSegs, std::uint64_t(3));
        QCOMPARE(c.kcp.counters().fastRetransSegs, std::uint64_t(0));
        QCOMPARE(c.kcp.counters().retransSegs, std::uint64_t(3));
    }
}

// resend 0 turns fast retransmit off (threshold 0xFFFFFFFF) but not early retransmit.
void TestKcpRetransmit::earlyRetransmitWithFastResendOff()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 0, 1});
    sendSegments(c, 3, 0);
    c.clear();
    Bytes acks;
    for (int i = 0; i < 5; ++i) // five duplicate ACKs for sn 2: fastack 5 on sn 0 and 1
        appendSegment(acks, 1, Ack, 2, 0, 0, 32);
    QCOMPARE(c.kcp.input(acks, true, false, 30), 0);
    c.kcp.flush(30, false);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0, 1}));
    QCOMPARE(c.kcp.counters().fastRetransSegs, std::uint64_t(0));
    QCOMPARE(c.kcp.counters().earlyRetransSegs, std::uint64_t(2));
}

// parse_fastack counts an ACK only for segments sent no later than the acknowledged one: sn 0,
// re-sent at t=200, is not "skipped" by an ACK of sn 1 that echoes ts 100.
void TestKcpRetransmit::fastackIgnoresAcksOlderThanTheTransmission()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 1, 1}); // resend 1: a single fastack would trigger
    sendSegments(c, 1, 0);           // sn 0, ts 0, resend at 200
    sendSegments(c, 1, 100);         // sn 1, ts 100
    c.kcp.flush(200, false);         // sn 0 times out: ts 200
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0, 1, 0}));

    QCOMPARE(c.kcp.input(segment(1, Ack, 1, 100, 0, 32), true, false, 250), 0);
    c.kcp.flush(250, false);
    QVERIFY(c.takeSegments().empty());
    QCOMPARE(c.kcp.counters().fastRetransSegs + c.kcp.counters().earlyRetransSegs,
             std::uint64_t(0));
    // The same ACK echoing ts 200 does count.
    QCOMPARE(c.kcp.input(segment(1, Ack, 1, 200, 0, 32), true, false, 260), 0);
    c.kcp.flush(260, false);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0}));
    QCOMPARE(c.kcp.counters().fastRetransSegs, std::uint64_t(1));
}

void TestKcpRetransmit::rtoBackoff_data()
{
    QTest::addColumn<int>("nodelay");
    QTest::addColumn<Sns>("times");
    // rx_rto stays 200 (no ACK). nodelay 0: rto 200, 400, 600, 800 -> 0, 200, 600, 1200, 2000.
    QTest::newRow("nodelay0") << 0 << Sns{0, 200, 600, 1200, 2000};
    // nodelay 1: grows by rx_rto / 2 = 100: 200, 300, 400, 500 -> 0, 200, 500, 900, 1400.
    QTest::newRow("nodelay1") << 1 << Sns{0, 200, 500, 900, 1400};
}

void TestKcpRetransmit::rtoBackoff()
{
    QFETCH(int, nodelay);
    QFETCH(Sns, times);
    CapturingKcp c(1);
    c.kcp.setNoDelay({nodelay, 10, 0, 1});
    QCOMPARE(c.kcp.send(pattern(10)), 0);
    Sns sent;
    for (Millis t = 0; t <= times.back(); ++t)
    {
        c.kcp.flush(t, false);
        if (!c.takeSegments().empty())
            sent.push_back(t);
    }
    QCOMPARE(sent, times);
    QCOMPARE(c.kcp.counters().lostSegs, std::uint64_t(times.size() - 1));
    QCOMPARE(c.kcp.maxXmit(), std::uint32_t(times.size()));
}

// sess.go update() sleeps for what flush returns: the interval, or less when a resend is due
// sooner. Driving a Kcp purely by that value must hit the resend times exactly.
void TestKcpRetransmit::flushReturnsWaitUntilNextResend()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 70, 0, 1});
    QCOMPARE(c.kcp.flush(0, false), 70u); // nothing in flight: the interval
    QCOMPARE(c.kcp.send(pattern(10)), 0);
    Millis t = 1000;
    std::vector<std::pair<Millis, std::uint32_t>> calls;
    Sns sentAt;
    while (t < 2300)
    {
        const std::uint32_t wait = c.kcp.flush(t, false);
        calls.emplace_back(t, wait);
        if (!c.takeSegments().empty())
            sentAt.push_back(t);
        t += wait;
    }
    // Resends at 1000 + 200, + 400 more: 1200, 1600, then rto 600 -> 2200.
    QCOMPARE(sentAt, (Sns{1000, 1200, 1600, 2200}));
    const std::vector<std::pair<Millis, std::uint32_t>> expected = {
        {1000, 70}, {1070, 70}, {1140, 60}, {1200, 70}, {1270, 70}, {1340, 70}, {1410, 70},
        {1480, 70}, {1550, 50}, {1600, 70}, {1670, 70}, {1740, 70}, {1810, 70}, {1880, 70},
        {1950, 70}, {2020, 70}, {2090, 70}, {2160, 40}, {2200, 70}, {2270, 70}};
    QCOMPARE(calls, expected);
    QCOMPARE(c.kcp.flush(t, true), 70u); // ackOnly: always the interval
}

// state goes to "dead" when a segment reaches 20 transmissions (kcp-go only records it).
void TestKcpRetransmit::deadLinkAtTwentyTransmissions()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({1, 10, 0, 1});
    QCOMPARE(c.kcp.send(pattern(10)), 0);
    Millis t = 0;
    int transmissions = 0;
    while (transmissions < 20)
    {
        QVERIFY(!c.kcp.deadLink());
        const std::uint32_t wait = c.kcp.flush(t, false);
        if (!c.takeSegments().empty())
        {
            ++transmissions;
            QCOMPARE(c.kcp.maxXmit(), std::uint32_t(transmissions));
        }
        t += wait;
    }
    QVERIFY(c.kcp.deadLink());
    QCOMPARE(c.kcp.counters().lostSegs, std::uint64_t(19));
    // nodelay: rto_k = 200 + 100 k, so the 20th transmission is at sum_{k=0}^{18} rto_k.
    QCOMPARE(t - 10, Millis(19 * 200 + 100 * (18 * 19 / 2)));
    // Nothing else changes: kcp-go 5.6.1 keeps retransmitting.
    const std::uint32_t wait = c.kcp.flush(t + 5000, false);
    QVERIFY(wait > 0);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0}));
}

namespace
{

// A sends 20 full segments at t=0 over a 20 ms link and `lose` decides which first
// transmissions (by sn) vanish. Records A's PUSH transmissions as (time, sn).
struct LossRun
{
    std::vector<std::pair<Millis, std::uint32_t>> pushes;
    KcpCounters a;
    std::uint32_t bRcvNxt = 0;
};

LossRun runLoss(int resend, std::uint32_t lostSn)
{
    Link link(0xabc, 20);
    link.a().setNoDelay({0, 10, resend, 1});
    link.b().setNoDelay({0, 10, resend, 1});
    LossRun run;
    bool dropped = false;
    link.onTransmit = [&](int from, const Bytes& d, Millis now)
    {
        if (from == 0)
            for (const Seg& s : parse(d))
                if (s.h.cmd == Push)
                    run.pushes.emplace_back(now, s.h.sn);
    };
    link.drop = [&](int from, const Bytes& d)
    {
        if (from != 0 || dropped)
            return false;
        for (const Seg& s : parse(d))
            if (s.h.cmd == Push && s.h.sn == lostSn)
                return dropped = true;
        return false;
    };
    link.a().setStreamMode(true);
    link.write(0, pattern(20 * 1376), 0);
    for (Millis t = 0; t < 1000; ++t)
        link.step(t);
    run.a = link.a().counters();
    run.bRcvNxt = link.b().rcvNxt();
    return run;
}

} // namespace

// sn 5 lost: B's ACKs (sent by its timer at t=20, arriving at t=40) acknowledge 0..4 by una and
// 6..19 individually. una moves, so A's input flushes at once, and sn 5 has fastack 14 >= 2.
void TestKcpRetransmit::lostSegmentRecoveredByFastRetransmit()
{
    const LossRun run = runLoss(2, 5);
    QCOMPARE(run.pushes.size(), std::size_t(21));
    QCOMPARE(run.pushes.back(), (std::pair<Millis, std::uint32_t>{40, 5}));
    QCOMPARE(run.a.fastRetransSegs, std::uint64_t(1));
    QCOMPARE(run.a.earlyRetransSegs, std::uint64_t(0));
    QCOMPARE(run.a.lostSegs, std::uint64_t(0));
    QCOMPARE(run.a.retransSegs, std::uint64_t(1));
    QCOMPARE(run.bRcvNxt, 20u);
}

// sn 19 lost: no later segment, so no ACK can skip it; it waits for its RTO, set when it was
// sent at t=0 with the initial rx_rto 200.
void TestKcpRetransmit::lostLastSegmentRecoveredByRto()
{
    const LossRun run = runLoss(2, 19);
    QCOMPARE(run.pushes.size(), std::size_t(21));
    QCOMPARE(run.pushes.back(), (std::pair<Millis, std::uint32_t>{200, 19}));
    QCOMPARE(run.a.lostSegs, std::uint64_t(1));
    QCOMPARE(run.a.fastRetransSegs + run.a.earlyRetransSegs, std::uint64_t(0));
    QCOMPARE(run.bRcvNxt, 20u);
}

// With fast retransmit off (resend 0) the same loss of sn 5 is repaired by early retransmit in
// the flush that the sliding window triggers at t=40.
void TestKcpRetransmit::lostSegmentRecoveredByEarlyRetransmit()
{
    const LossRun run = runLoss(0, 5);
    QCOMPARE(run.pushes.back(), (std::pair<Millis, std::uint32_t>{40, 5}));
    QCOMPARE(run.a.earlyRetransSegs, std::uint64_t(1));
    QCOMPARE(run.a.fastRetransSegs, std::uint64_t(0));
    QCOMPARE(run.a.lostSegs, std::uint64_t(0));
}

QTEST_APPLESS_MAIN(TestKcpRetransmit)
#include "test_kcp_retransmit.moc"
