// Windows as kcp-go's flush and Input handle them: the sending window min(snd_wnd, rmt_wnd)
// (and cwnd with congestion control), zero-window probing (WASK/WINS), the spontaneous WINS when
// the receive queue drains from full, and the ACK filter. Then the selective window, ours.
#include "kcp_test_util.h"

#include <QtTest>

using namespace kcp;
using namespace kcptest;

class TestKcpWindow : public QObject
{
    Q_OBJECT

private slots:
    void sendingWindowIsMinOfSndAndRemote();
    void inflightBoundedOverLossyLink_data();
    void inflightBoundedOverLossyLink();
    void congestionWindowFromZero();
    void congestionWindowAfterTimeoutAndFastRetransmit();
    void zeroWindowProbeSchedule();
    void waskAnsweredByWins();
    void winsWhenQueueDrainsFromFull();
    void ackFilterSkipsAcksCoveredByUna();
    void remoteWindowOnlyFromRegularPackets();
    void selectiveWindowSendsPastALoss_data();
    void selectiveWindowSendsPastALoss();
    void selectiveWindowOverLossyLink();
    void heldWindowReopensByAQuarter_data();
    void heldWindowReopensByAQuarter();
};

namespace
{


void queueSegments(Kcp& k, int count)
{
    for (int i = 0; i < count; ++i)
        QCOMPARE(k.send(pattern(100)), 0);
}

// Stream mode, nodelay 0 / 20 ms / resend 2 / nc 1 at both ends; a sends with sndWnd, b receives
// with rcvWnd; 10 % of the datagrams each way are dropped, the same ones every run.
void makeLossy(Link& link, int sndWnd, int rcvWnd, bool selectiveWindow)
{
    for (Kcp* k : {&link.a(), &link.b()})
    {
        k->setNoDelay({0, 20, 2, 1});
        k->setStreamMode(true);
        k->setSelectiveWindow(selectiveWindow);
    }
    link.a().setWindowSize(sndWnd, 32);
    link.b().setWindowSize(32, rcvWnd);
    link.drop = [rng = std::uint32_t{5}](int, const Bytes&) mutable
    {
        rng = rng * 1103515245u + 12345u;
        return (rng >> 16) % 100 < 10;
    };
}

} // namespace

// nc = 1: segments enter the window only while snd_nxt < snd_una + min(snd_wnd, rmt_wnd).
void TestKcpWindow::sendingWindowIsMinOfSndAndRemote()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 2, 1});
    c.kcp.setWindowSize(8, 32);
    queueSegments(c.kcp, 20);
    c.kcp.flush(0, false);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0, 1, 2, 3, 4, 5, 6, 7}));
    QCOMPARE(c.kcp.inflight(), 8u);
    QCOMPARE(c.kcp.sndQueueSize(), 12);
    QCOMPARE(c.kcp.waitSnd(), 20);

    // The peer acks 0..1 (una 2) and has room for 3: the window is 2 + 3 = 5 < snd_nxt 8.
    QCOMPARE(c.kcp.input(segment(1, Ack, 1, 0, 2, 3), true, false, 30), 0);
    QCOMPARE(c.kcp.remoteWnd(), 3);
    QCOMPARE(c.kcp.sndUna(), 2u);
    QVERIFY(pushSns(c.takeSegments()).empty()); // the slide flushed, but nothing fits
    // una 8, room 3: sn 8..10.
    QCOMPARE(c.kcp.input(segment(1, Ack, 7, 0, 8, 3), true, false, 40), 0);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{8, 9, 10}));
    QCOMPARE(c.kcp.inflight(), 3u);
    // Room 0: acked up to 11, still nothing new goes out.
    QCOMPARE(c.kcp.input(segment(1, Ack, 10, 0, 11, 0), true, false, 50), 0);
    QCOMPARE(c.kcp.inflight(), 0u);
    QVERIFY(pushSns(c.takeSegments()).empty());
    c.kcp.flush(60, false);
    QVERIFY(pushSns(c.takeSegments()).empty());
    QCOMPARE(c.kcp.sndQueueSize(), 9);
}

// Over a lossy link, with a slow reader so the advertised window moves, the sender never has
// more than min(snd_wnd, rmt_wnd) segments in flight: whichever is smaller binds.
void TestKcpWindow::inflightBoundedOverLossyLink_data()
{
    QTest::addColumn<int>("sndWnd");
    QTest::addColumn<int>("rcvWnd");
    QTest::newRow("receiver binds") << 24 << 16;
    QTest::newRow("sender binds") << 8 << 32;
}

void TestKcpWindow::inflightBoundedOverLossyLink()
{
    QFETCH(int, sndWnd);
    QFETCH(int, rcvWnd);
    const int bound = std::min(sndWnd, rcvWnd);
    Link link(0x99, 15);
    makeLossy(link, sndWnd, rcvWnd, false);
    std::vector<std::uint8_t> buf(1 << 16);
    std::uint64_t received = 0;
    std::uint64_t written = 0;
    std::uint32_t maxInflight = 0;
    Kcp& a = link.a();
    for (Millis t = 0; t < 30000; ++t)
    {
        link.step(t);
        // The very first flight goes out against kcp-go's initial rmt_wnd 32, before the
        // peer has advertised anything; count from when that is long gone.
        const bool settled = t > 1000;
        if (settled)
            maxInflight = std::max(maxInflight, a.inflight());
        if (t % 5 == 0) // a slow reader: at most one segment every 5 ms
        {
            const int n = link.b().recv(buf);
            if (n > 0)
                received += std::uint64_t(n);
        }
        while (written < 4000000 && link.writable(0))
        {
            link.write(0, pattern(4000, written), t);
            written += 4000;
            if (settled)
                maxInflight = std::max(maxInflight, a.inflight());
        }
        link.transmit(t);
        if (t > 100) // once the peer has spoken, its window is what it advertises
            QVERIFY(a.remoteWnd() <= rcvWnd);
    }
    QVERIFY(received > 1000000);
    QCOMPARE(maxInflight, std::uint32_t(bound)); // reached, never exceeded
}

// nc = 0: cwnd starts at 0 (kcp-go NewKCP never sets it), so the first flush sends nothing and
// raises it to 1. Then slow start below ssthresh 2, and byte-counted growth above.
void TestKcpWindow::congestionWindowFromZero()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 0, 0});
    QCOMPARE(c.kcp.mss(), 1376);
    queueSegments(c.kcp, 20);
    QCOMPARE(c.kcp.cwnd(), 0);
    QCOMPARE(c.kcp.ssthresh(), 2);
    c.kcp.flush(0, false);
    QVERIFY(c.takeSegments().empty());
    QCOMPARE(c.kcp.cwnd(), 1); // incr = mss

    c.kcp.flush(10, false);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0}));

    // una 1: slow start, cwnd 2, incr 2 * 1376 = 2752. The slide flushes: sn 1, 2.
    QCOMPARE(c.kcp.input(segment(1, Ack, 0, 10, 1, 32), true, false, 30), 0);
    QCOMPARE(c.kcp.cwnd(), 2);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{1, 2}));

    // una 3: cwnd 2 is not below ssthresh 2: incr += 1376*1376/2752 + 1376/16 = 688 + 86
    // -> 3526 < 3 * 1376 = 4128, cwnd stays 2: sn 3, 4.
    QCOMPARE(c.kcp.input(segment(1, Ack, 2, 30, 3, 32), true, false, 50), 0);
    QCOMPARE(c.kcp.cwnd(), 2);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{3, 4}));

    // una 5: incr += 1893376 / 3526 (= 536) + 86 -> 4148 >= 4128: cwnd = ceil(4148 / 1376) = 4.
    QCOMPARE(c.kcp.input(segment(1, Ack, 4, 50, 5, 32), true, false, 70), 0);
    QCOMPARE(c.kcp.cwnd(), 4);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{5, 6, 7, 8}));

    // The peer's room shrinks to 3: cwnd only grows while below rmt_wnd, so it stays 4, but the
    // window used is min(cwnd, rmt_wnd) = 3. una 6 + 3 = 9 = snd_nxt: nothing new.
    QCOMPARE(c.kcp.input(segment(1, Ack, 5, 70, 6, 3), true, false, 90), 0);
    QCOMPARE(c.kcp.cwnd(), 4);
    QVERIFY(pushSns(c.takeSegments()).empty());
    QCOMPARE(c.kcp.input(segment(1, Ack, 8, 70, 9, 3), true, false, 110), 0);
    QCOMPARE(c.kcp.cwnd(), 4);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{9, 10, 11}));
}

void TestKcpWindow::congestionWindowAfterTimeoutAndFastRetransmit()
{
    // Timeout: ssthresh = (window used by that flush) / 2, at least 2; cwnd back to 1.
    {
        CapturingKcp c(1);
        c.kcp.setNoDelay({0, 10, 0, 0});
        c.kcp.setWindowSize(8, 32);
        queueSegments(c.kcp, 20);
        c.kcp.flush(0, false);                                                  // cwnd 0 -> 1
        c.kcp.flush(1, false);                                                  // sn 0
        QCOMPARE(c.kcp.input(segment(1, Ack, 0, 1, 1, 32), true, false, 2), 0); // cwnd 2
        c.clear();
        QCOMPARE(c.kcp.cwnd(), 2);
        // sn 1 and 2 were sent at t=2 by the slide flush with rx_rto 101 (sample 1 ms, interval
        // 10 -> 1 + max(10, 0) -> clamped to 100... srtt 1, rttvar 0: rto = max(100, 11)).
        QCOMPARE(c.kcp.rto(), 100);
        c.kcp.flush(101, false);
        QVERIFY(c.takeSegments().empty());
        c.kcp.flush(102, false); // both time out; window of this flush = min(8, 32, 2) = 2
        QCOMPARE(c.kcp.counters().lostSegs, std::uint64_t(2));
        QCOMPARE(c.kcp.ssthresh(), 2);
        QCOMPARE(c.kcp.cwnd(), 1);
    }
    // Fast retransmit (rate halving): ssthresh = inflight / 2, cwnd = ssthresh + resend.
    {
        CapturingKcp c(1);
        c.kcp.setNoDelay({0, 10, 2, 1}); // fill a 16-segment flight without cwnd first
        c.kcp.setWindowSize(16, 32);
        queueSegments(c.kcp, 16);
        c.kcp.flush(0, false);
        QCOMPARE(c.kcp.inflight(), 16u);
        c.kcp.setNoDelay({-1, -1, -1, 0}); // now congestion control on
        Bytes acks;
        appendSegment(acks, 1, Ack, 1, 0, 0, 32);
        appendSegment(acks, 1, Ack, 2, 0, 0, 32);
        QCOMPARE(c.kcp.input(acks, true, false, 20), 0);
        c.clear();
        c.kcp.flush(20, false);
        QCOMPARE(pushSns(c.takeSegments()), (Sns{0}));
        QCOMPARE(c.kcp.counters().fastRetransSegs, std::uint64_t(1));
        QCOMPARE(c.kcp.ssthresh(), 8); // inflight 16 / 2
        QCOMPARE(c.kcp.cwnd(), 10);    // 8 + resend 2
    }
}

// The peer advertises 0: the first flush that sees it arms the probe 7000 ms ahead; each WASK
// re-arms it 1.5x further (integer), capped at 120000 ms. Nothing new is sent meanwhile.
void TestKcpWindow::zeroWindowProbeSchedule()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 0, 1});
    QCOMPARE(c.kcp.input(segment(1, Wins, 0, 0, 0, 0), true, false, 0), 0);
    QCOMPARE(c.kcp.remoteWnd(), 0);
    QCOMPARE(c.kcp.send(pattern(10)), 0);

    // 7000, then +10500, +15750, +23625, +35437, +53155, +79732, +119598, +120000 (cap).
    const Sns expected = {7000, 17500, 33250, 56875, 92312, 145467, 225199, 344797, 464797};
    Sns probes;
    for (Millis t = 0; t <= 470000; ++t)
    {
        c.kcp.flush(t, false);
        for (const Seg& s : c.takeSegments())
        {
            QCOMPARE(s.h.cmd, Wask);
            QCOMPARE(s.h.wnd, std::uint16_t(32)); // our own free window
            QCOMPARE(s.h.len, 0u);
            QCOMPARE(s.h.sn, 0u); // leftovers of an ACK of this flush: none
            QCOMPARE(s.h.ts, 0u);
            probes.push_back(t);
        }
    }
    QCOMPARE(probes, expected);
    QCOMPARE(c.kcp.sndQueueSize(), 1); // nothing sent into a closed window

    // The window opens: probing stops, the data goes.
    QCOMPARE(c.kcp.input(segment(1, Wins, 0, 0, 0, 4), true, false, 470001), 0);
    c.kcp.flush(470002, false);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0}));
}

// A WASK makes the next full flush send WINS; an ack-only flush does not.
void TestKcpWindow::waskAnsweredByWins()
{
    CapturingKcp c(1);
    Bytes d;
    appendSegment(d, 1, Push, 0, 77, 0, 32, pattern(5));
    appendSegment(d, 1, Wask, 0, 0, 0, 32);
    QCOMPARE(c.kcp.input(d, true, false, 100), 0);
    c.kcp.flush(100, true);
    std::vector<Seg> segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(1));
    QCOMPARE(segs[0].h.cmd, Ack);
    c.kcp.flush(101, false);
    segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(1));
    QCOMPARE(segs[0].h.cmd, Wins);
    QCOMPARE(segs[0].h.wnd, std::uint16_t(31)); // one segment waits in rcv_queue
    QCOMPARE(segs[0].h.una, 1u);
    QCOMPARE(segs[0].h.len, 0u);
    c.kcp.flush(102, false);
    QVERIFY(c.takeSegments().empty()); // answered once

    // In the same flush as an ACK, WINS repeats that ACK's sn and ts.
    Bytes d2;
    appendSegment(d2, 1, Push, 1, 88, 0, 32, pattern(5));
    appendSegment(d2, 1, Wask, 0, 0, 0, 32);
    QCOMPARE(c.kcp.input(d2, true, false, 110), 0);
    c.kcp.flush(110, false);
    segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(2));
    QCOMPARE(segs[0].h.cmd, Ack);
    QCOMPARE(segs[1].h.cmd, Wins);
    QCOMPARE(segs[1].h.sn, 1u);
    QCOMPARE(segs[1].h.ts, 88u);
    QCOMPARE(segs[1].h.wnd, std::uint16_t(30));
}

// kcp-go Recv: if rcv_queue was full (>= rcv_wnd) before the read and is not after, the next
// flush tells the peer (WINS) without being asked.
void TestKcpWindow::winsWhenQueueDrainsFromFull()
{
    CapturingKcp c(1);
    c.kcp.setWindowSize(32, 4);
    Bytes d;
    for (std::uint32_t sn = 0; sn < 3; ++sn)
        appendSegment(d, 1, Push, sn, 0, 0, 32, pattern(10));
    QCOMPARE(c.kcp.input(d, true, false, 0), 0);
    QCOMPARE(c.kcp.rcvQueueSize(), 3);
    std::vector<std::uint8_t> buf(100);
    QCOMPARE(c.kcp.recv(buf), 10); // 3 -> 2: was not full, no WINS
    c.kcp.flush(1, false);
    std::vector<Seg> segs = c.takeSegments();
    QCOMPARE(countCmd(segs, Wins), 0);
    QCOMPARE(segs.back().h.wnd, std::uint16_t(2));

    Bytes d2;
    for (std::uint32_t sn = 3; sn < 5; ++sn)
        appendSegment(d2, 1, Push, sn, 0, 0, 32, pattern(10));
    QCOMPARE(c.kcp.input(d2, true, false, 2), 0);
    QCOMPARE(c.kcp.rcvQueueSize(), 4); // full
    c.kcp.flush(2, false);
    segs = c.takeSegments();
    QCOMPARE(segs.back().h.wnd, std::uint16_t(0)); // the ACK says: window closed
    QCOMPARE(c.kcp.recv(buf), 10);
    c.kcp.flush(3, false);
    segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(1));
    QCOMPARE(segs[0].h.cmd, Wins);
    QCOMPARE(segs[0].h.wnd, std::uint16_t(1));
    QCOMPARE(segs[0].h.una, 5u);
}

// An ACK whose sn is below rcv_nxt at flush time is covered by una and skipped, except the last
// in the list.
void TestKcpWindow::ackFilterSkipsAcksCoveredByUna()
{
    CapturingKcp c(1);
    // In order: acks for 0, 1, 2 pending, rcv_nxt 3 -> only the last (sn 2) is written.
    Bytes d;
    for (std::uint32_t sn = 0; sn < 3; ++sn)
        appendSegment(d, 1, Push, sn, 100 + sn, 0, 32, pattern(1));
    QCOMPARE(c.kcp.input(d, true, false, 200), 0);
    c.kcp.flush(200, true);
    std::vector<Seg> segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(1));
    QCOMPARE(segs[0].h.sn, 2u);
    QCOMPARE(segs[0].h.ts, 102u);
    QCOMPARE(segs[0].h.una, 3u);

    // Out of order: 4, 5 arrive (rcv_nxt stays 3), then 3 in a later datagram. At flush time
    // rcv_nxt is 6, so 4 and 5 are covered; 3 is last and kept.
    Bytes d1;
    appendSegment(d1, 1, Push, 4, 104, 0, 32, pattern(1));
    appendSegment(d1, 1, Push, 5, 105, 0, 32, pattern(1));
    QCOMPARE(c.kcp.input(d1, true, false, 210), 0);
    QCOMPARE(c.kcp.input(segment(1, Push, 3, 103, 0, 32, pattern(1)), true, false, 211), 0);
    c.kcp.flush(211, false);
    segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(1));
    QCOMPARE(segs[0].h.sn, 3u);
    QCOMPARE(segs[0].h.una, 6u);

    // Without the gap being filled, acks at or above rcv_nxt all go out.
    Bytes d2;
    appendSegment(d2, 1, Push, 7, 107, 0, 32, pattern(1));
    appendSegment(d2, 1, Push, 8, 108, 0, 32, pattern(1));
    appendSegment(d2, 1, Push, 2, 102, 0, 32, pattern(1)); // a duplicate below una
    appendSegment(d2, 1, Push, 9, 109, 0, 32, pattern(1));
    QCOMPARE(c.kcp.input(d2, true, false, 220), 0);
    c.kcp.flush(220, true);
    segs = c.takeSegments();
    QCOMPARE(pushSns(segs).size(), std::size_t(0));
    Sns acked;
    for (const Seg& s : segs)
        acked.push_back(s.h.sn);
    QCOMPARE(acked, (Sns{7, 8, 9})); // 2 skipped: below rcv_nxt 6 and not last
}

// FEC-recovered input (regular = false) never changes rmt_wnd: it may be old.
void TestKcpWindow::remoteWindowOnlyFromRegularPackets()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    QCOMPARE(k.remoteWnd(), 32);
    QCOMPARE(k.input(segment(1, Wins, 0, 0, 0, 100), false, false, 0), 0);
    QCOMPARE(k.remoteWnd(), 32);
    QCOMPARE(k.input(segment(1, Wins, 0, 0, 0, 100), true, false, 0), 0);
    QCOMPARE(k.remoteWnd(), 100);
}

// Sn 0 is lost and the peer acks 1..7. kcp-go's window (snd_una + snd_wnd) is still full, so
// only the fast retransmission goes out. The selective window counts the 7 acked segments out:
// 7 new ones follow at once. The span snd_una..snd_nxt stays within the peer's advertised room.
void TestKcpWindow::selectiveWindowSendsPastALoss_data()
{
    QTest::addColumn<bool>("selective");
    QTest::newRow("kcp-go window") << false;
    QTest::newRow("selective window") << true;
}

void TestKcpWindow::selectiveWindowSendsPastALoss()
{
    QFETCH(bool, selective);
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 2, 1});
    c.kcp.setWindowSize(8, 32);
    c.kcp.setSelectiveWindow(selective);
    queueSegments(c.kcp, 30);
    c.kcp.flush(0, false);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0, 1, 2, 3, 4, 5, 6, 7}));

    Bytes acks;
    for (std::uint32_t sn = 1; sn <= 7; ++sn)
        appendSegment(acks, 1, Ack, sn, 0, 0, 32);
    QCOMPARE(c.kcp.input(acks, true, false, 30), 0);
    c.kcp.flush(30, false);
    QCOMPARE(c.kcp.sndUna(), 0u);
    QCOMPARE(c.kcp.unackedSegments(), selective ? 8 : 1);
    if (!selective)
    {
        QCOMPARE(pushSns(c.takeSegments()), (Sns{0})); // the fast retransmission only
        QCOMPARE(c.kcp.inflight(), 8u);
        return;
    }
    QCOMPARE(pushSns(c.takeSegments()), (Sns{0, 8, 9, 10, 11, 12, 13, 14}));
    QCOMPARE(c.kcp.inflight(), 15u);

    // 8..14 acked too, but the peer has room for 12 past una 0: snd_nxt 15 is beyond, so nothing
    // new even though only sn 0 is unacked.
    acks.clear();
    for (std::uint32_t sn = 8; sn <= 14; ++sn)
        appendSegment(acks, 1, Ack, sn, 30, 0, 12);
    QCOMPARE(c.kcp.input(acks, true, false, 60), 0);
    c.kcp.flush(60, false);
    QCOMPARE(c.kcp.unackedSegments(), 1);
    for (const std::uint32_t sn : pushSns(c.takeSegments()))
        QCOMPARE(sn, 0u);

    // Sn 0 arrives (una 15), room 32: a full snd_wnd of new segments, 15..22.
    QCOMPARE(c.kcp.input(segment(1, Ack, 0, 30, 15, 32), true, false, 90), 0);
    c.kcp.flush(90, false);
    QCOMPARE(pushSns(c.takeSegments()), (Sns{15, 16, 17, 18, 19, 20, 21, 22}));
    QCOMPARE(c.kcp.unackedSegments(), 8);
    QCOMPARE(c.kcp.sndQueueSize(), 7);
}

// Window hysteresis: a selective-window sender whose window (64, above a thin flight's 32) was
// filled sends nothing new for the first ACKs, only once a quarter of it (16) is free, then all
// of it at once. Not held: kcp-go's window, a flight no bigger than a thin one, or a span bound
// by the peer's window with a hole in it (behind a bottleneck, holding the small steps una makes
// as holes are repaired idled the link).
void TestKcpWindow::heldWindowReopensByAQuarter_data()
{
    QTest::addColumn<bool>("selective");
    QTest::addColumn<int>("sndWnd");
    QTest::addColumn<int>("peerWnd");
    QTest::addColumn<bool>("hole");
    QTest::addColumn<bool>("held");
    QTest::newRow("snd_wnd binds") << true << 64 << 1024 << false << true;
    QTest::newRow("snd_wnd binds, a hole") << true << 64 << 1024 << true << true;
    QTest::newRow("peer window binds") << true << 64 << 64 << false << true;
    QTest::newRow("peer window binds, a hole") << true << 64 << 64 << true << false;
    QTest::newRow("kcp-go window") << false << 64 << 1024 << false << false;
    QTest::newRow("thin-sized window") << true << 32 << 1024 << false << false;
}

void TestKcpWindow::heldWindowReopensByAQuarter()
{
    QFETCH(bool, selective);
    QFETCH(int, sndWnd);
    QFETCH(int, peerWnd);
    QFETCH(bool, hole);
    QFETCH(bool, held);
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 2, 1});
    c.kcp.setWindowSize(sndWnd, 32);
    c.kcp.setSelectiveWindow(selective);
    // The peer's window first, from a window answer (una 0).
    QCOMPARE(c.kcp.input(segment(1, Wins, 0, 0, 0, std::uint16_t(peerWnd)), true, false, 0), 0);
    queueSegments(c.kcp, 400);
    c.kcp.flush(0, false);
    QCOMPARE(int(pushSns(c.takeSegments()).size()), sndWnd);

    // ACKs of sn from..to-1 (una to), and of sn to+1 when there is to be a hole at sn to.
    const auto ack = [&](std::uint32_t from, std::uint32_t to, bool withHole, kcp::Millis now) -> Sns
    {
        Bytes acks;
        for (std::uint32_t sn = from; sn < to; ++sn)
            appendSegment(acks, 1, Ack, sn, 0, to, std::uint16_t(peerWnd));
        if (withHole)
            appendSegment(acks, 1, Ack, to + 1, 0, to, std::uint16_t(peerWnd));
        if (c.kcp.input(acks, true, false, now) != 0)
            return {0xFFFFFFFFu};  // refused: no sn can match
        c.kcp.flush(now, false);
        Sns fresh;  // new segments only: a hole may also be retransmitted
        for (const std::uint32_t sn : pushSns(c.takeSegments()))
            if (sn >= std::uint32_t(sndWnd))
                fresh.push_back(sn);
        return fresh;
    };
    const std::uint32_t first = std::uint32_t(sndWnd);
    const Sns afterFour = ack(0, 4, hole, 20);
    if (!held)
    {
        QCOMPARE(afterFour, (Sns{first, first + 1, first + 2, first + 3}));
        return;
    }
    QVERIFY(afterFour.empty());
    if (hole)
        return;  // held by snd_wnd, hole or not
    QVERIFY(ack(4, 15, false, 21).empty());  // 15 free: still held
    const Sns reopened = ack(15, 16, false, 22);
    QCOMPARE(int(reopened.size()), 16);
    QCOMPARE(reopened.front(), first);
    QCOMPARE(reopened.back(), first + 15);
    QCOMPARE(c.kcp.unackedSegments(), sndWnd);
}

// A bulk transfer over 10 % loss, 2 x 15 ms, the reader keeping up. The selective window never
// has more than snd_wnd segments unacked nor spans more than the receiver's window, delivers the
// stream intact, and moves clearly more in the same time (1.47x here) than kcp-go's window,
// whose every loss holds the sender for a round trip.
void TestKcpWindow::selectiveWindowOverLossyLink()
{
    constexpr int sndWnd = 32;
    constexpr int rcvWnd = 128;
    std::uint64_t delivered[2] = {0, 0};
    for (const bool selective : {false, true})
    {
        Link link(0x99, 15);
        makeLossy(link, sndWnd, rcvWnd, selective);
        std::vector<std::uint8_t> buf(1 << 16);
        std::uint64_t received = 0;
        std::uint64_t written = 0;
        int maxUnacked = 0;
        Kcp& a = link.a();
        for (Millis t = 0; t < 20000; ++t)
        {
            link.step(t);
            for (int n = link.b().recv(buf); n > 0; n = link.b().recv(buf))
            {
                for (int i = 0; i < n; ++i)
                {
                    const std::uint64_t o = received + std::uint64_t(i); // pattern()'s byte o
                    if (buf[std::size_t(i)] != static_cast<std::uint8_t>(o * 7 + o / 1000))
                        QFAIL("stream corrupted");
                }
                received += std::uint64_t(n);
            }
            while (link.writable(0))
            {
                link.write(0, pattern(4000, written), t);
                written += 4000;
                maxUnacked = std::max(maxUnacked, a.unackedSegments());
                QVERIFY(a.inflight() <= std::uint32_t(rcvWnd));
            }
            link.transmit(t);
            maxUnacked = std::max(maxUnacked, a.unackedSegments());
            QVERIFY(a.inflight() <= std::uint32_t(rcvWnd));
        }
        if (selective)
            QCOMPARE(maxUnacked, sndWnd); // reached, never exceeded
        delivered[selective] = received;
    }
    qInfo("20 s at 10%% loss: kcp-go window %llu B, selective %llu B",
          static_cast<unsigned long long>(delivered[0]),
          static_cast<unsigned long long>(delivered[1]));
    QVERIFY(delivered[0] > 500000);
    QVERIFY2(delivered[1] > delivered[0] * 13 / 10, "the selective window should move 1.3x more");
}

QTEST_APPLESS_MAIN(TestKcpWindow)
#include "test_kcp_window.moc"

