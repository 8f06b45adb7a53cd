// Kcp end to end over the virtual link: bulk transfers in stream and message mode, with and
// without loss, and the send/recv/packetization rules of kcp-go's Send, Recv and flush.
#include "kcp_test_util.h"

#include <QtTest>

using namespace kcp;
using namespace kcptest;

class TestKcpTransfer : public QObject
{
    Q_OBJECT

private slots:
    void defaultsMatchKcpGo();
    void streamModeOneMegabyte();
    void messageModeOneMegabyte();
    void streamModeWithLoss();
    void streamModeAppendsToLastUnsentSegment();
    void messageModeFragments();
    void sendLimits();
    void recvBufferTooSmall();
    void mssAndDatagramLayout();
    void setMtuValidation();
    void acksPackIntoMtu();
    void itemExactlyFillingTheDatagramStaysIn();
};

namespace
{

constexpr std::size_t OneMegabyte = 1 << 20;

// Drives a one-way transfer in stream mode; returns the ms it took and checks the bytes.
struct StreamRun
{
    std::uint64_t received = 0;
    int errors = 0;
    Millis finishedAt = 0;
};

StreamRun runStream(Link& link, std::size_t total, Millis limit, std::uint32_t seed)
{
    StreamRun run;
    std::uint64_t written = 0;
    std::uint32_t rng = seed;
    std::vector<std::uint8_t> buf(1 << 16);
    for (Millis t = 0; t < limit; ++t)
    {
        link.step(t);
        for (;;)
        {
            const int n = link.b().recv(buf);
            if (n < 0)
                break;
            const Bytes expected = pattern(static_cast<std::size_t>(n), run.received);
            if (!std::equal(expected.begin(), expected.end(), buf.begin()))
                ++run.errors;
            run.received += static_cast<std::uint64_t>(n);
        }
        while (written < total && link.writable(0))
        {
            rng = rng * 1103515245u + 12345u;
            const std::size_t size = std::min<std::size_t>(1 + (rng >> 16) % 5000, total - written);
            link.write(0, pattern(size, written), t);
            written += size;
        }
        link.transmit(t);
        if (run.received == total)
        {
            run.finishedAt = t;
            break;
        }
    }
    return run;
}

} // namespace

// kcp-go NewKCP: windows 32/32, remote window 32, mtu 1400, interval 100, rto 200, ssthresh 2,
// and cwnd 0 (never initialised); message mode; min RTO 100 (nodelay 0).
void TestKcpTransfer::defaultsMatchKcpGo()
{
    Kcp k(0xdeadbeef, [](std::uint8_t*, std::size_t) {});
    QCOMPARE(k.conv(), 0xdeadbeefu);
    QCOMPARE(k.sndWnd(), 32);
    QCOMPARE(k.rcvWnd(), 32);
    QCOMPARE(k.remoteWnd(), 32);
    QCOMPARE(k.mtu(), 1400);
    QCOMPARE(k.mss(), 1376);
    QCOMPARE(k.reservedBytes(), 0);
    QCOMPARE(k.interval(), 100);
    QCOMPARE(k.rto(), 200);
    QCOMPARE(k.srtt(), 0);
    QCOMPARE(k.rttVar(), 0);
    QCOMPARE(k.cwnd(), 0);
    QCOMPARE(k.ssthresh(), 2);
    QCOMPARE(k.inflight(), 0u);
    QCOMPARE(k.sndNxt(), 0u); // sn starts at 0
    QCOMPARE(k.rcvNxt(), 0u);
    QCOMPARE(k.waitSnd(), 0);
    QCOMPARE(k.maxXmit(), 0u);
    QVERIFY(!k.deadLink());
    QCOMPARE(k.peekSize(), -1);
    // Message mode by default: two sends stay two segments.
    QCOMPARE(k.send(pattern(1)), 0);
    QCOMPARE(k.send(pattern(1)), 0);
    QCOMPARE(k.sndQueueSize(), 2);
    // setWindowSize(0 or less) keeps a value; rcv_wnd may go below 32 (ikcp.c would clamp).
    k.setWindowSize(0, 8);
    QCOMPARE(k.sndWnd(), 32);
    QCOMPARE(k.rcvWnd(), 8);
}

void TestKcpTransfer::streamModeOneMegabyte()
{
    Link link(0x1234, 20);
    for (Kcp* k : {&link.a(), &link.b()})
    {
        k->setStreamMode(true);
        k->setNoDelay({0, 30, 2, 1}); // kcptun --mode fast
        k->setWindowSize(128, 128);
    }
    const StreamRun run = runStream(link, OneMegabyte, 60000, 1);
    for (Millis t = run.finishedAt + 1; t < run.finishedAt + 200; ++t)
        link.step(t); // let the last ACKs arrive
    QCOMPARE(run.received, std::uint64_t(OneMegabyte));
    QCOMPARE(run.errors, 0);
    // No loss: every segment went out exactly once, and the stream used full segments except
    // where a write ended while the window had room.
    QCOMPARE(link.a().counters().retransSegs, std::uint64_t(0));
    QCOMPARE(link.b().counters().repeatSegs, std::uint64_t(0));
    QVERIFY(link.a().sndNxt() >= OneMegabyte / 1376);
    QCOMPARE(link.a().sndUna(), link.a().sndNxt()); // all acked ...
    QCOMPARE(link.b().rcvNxt(), link.a().sndNxt()); // ... and received in order
    QCOMPARE(link.inputErrors, 0);
    // 128-segment window, 40 ms round trip: about 4.4 MB/s, so well under a second.
    QVERIFY2(run.finishedAt < 1000, qPrintable(QString::number(run.finishedAt)));
}

void TestKcpTransfer::messageModeOneMegabyte()
{
    Link link(0x4321, 10);
    for (Kcp* k : {&link.a(), &link.b()})
    {
        k->setNoDelay({1, 10, 2, 1}); // fast3
        k->setWindowSize(64, 64);
    }
    const int mss = link.a().mss();
    QCOMPARE(mss, 1376);
    // Sizes around the fragment boundaries, and one of 40 fragments.
    const std::vector<std::size_t> sizes = {1,
                                            2,
                                            std::size_t(mss) - 1,
                                            std::size_t(mss),
                                            std::size_t(mss) + 1,
                                            3 * std::size_t(mss) + 7,
                                            40 * std::size_t(mss),
                                            12345};
    std::vector<std::size_t> plan;
    std::size_t planned = 0;
    for (std::size_t i = 0; planned < OneMegabyte; ++i)
    {
        plan.push_back(sizes[i % sizes.size()]);
        planned += plan.back();
    }

    std::size_t nextSend = 0;
    std::size_t nextRecv = 0;
    std::uint64_t sentBytes = 0;
    std::uint64_t recvBytes = 0;
    std::vector<std::uint8_t> buf(64 * 1376);
    Millis t = 0;
    for (; t < 60000 && nextRecv < plan.size(); ++t)
    {
        link.step(t);
        for (;;)
        {
            const int size = link.b().peekSize();
            if (size < 0)
                break;
            QCOMPARE(size, int(plan[nextRecv])); // message boundaries survive
            QCOMPARE(link.b().recv(buf), size);
            const Bytes expected = pattern(plan[nextRecv], recvBytes);
            QVERIFY(std::equal(expected.begin(), expected.end(), buf.begin()));
            recvBytes += plan[nextRecv];
            ++nextRecv;
        }
        // kcp-go Send takes a whole message at once in message mode.
        while (nextSend < plan.size() && link.writable(0))
        {
            QCOMPARE(link.a().send(pattern(plan[nextSend], sentBytes)), 0);
            sentBytes += plan[nextSend];
            ++nextSend;
            link.a().flush(t, false);
        }
        link.transmit(t);
    }
    QCOMPARE(nextRecv, plan.size());
    QCOMPARE(recvBytes, std::uint64_t(planned));
    QCOMPARE(link.a().counters().retransSegs, std::uint64_t(0));
}

void TestKcpTransfer::streamModeWithLoss()
{
    Link link(0x77, 25);
    for (Kcp* k : {&link.a(), &link.b()})
    {
        k->setStreamMode(true);
        k->setNoDelay({0, 30, 2, 1});
        k->setWindowSize(128, 128);
    }
    std::uint32_t rng = 99;
    std::uint64_t dropped = 0;
    link.drop = [&](int, const Bytes&)
    {
        rng = rng * 1103515245u + 12345u;
        const bool lose = (rng >> 16) % 100 < 15; // 15 % both ways
        dropped += lose;
        return lose;
    };
    const StreamRun run = runStream(link, OneMegabyte, 120000, 7);
    QCOMPARE(run.received, std::uint64_t(OneMegabyte));
    QCOMPARE(run.errors, 0);
    QVERIFY(dropped > 100);
    const KcpCounters& c = link.a().counters();
    QVERIFY(c.fastRetransSegs > 0);
    QVERIFY(c.lostSegs > 0);
    QCOMPARE(c.retransSegs, c.lostSegs + c.fastRetransSegs + c.earlyRetransSegs);
    // Lost ACKs make the sender repeat segments the receiver already has.
    QVERIFY(link.b().counters().repeatSegs > 0);
}

// kcp-go Send in stream mode: new bytes top up the last segment that has no sn yet, so small
// writes become full segments; frg is always 0.
void TestKcpTransfer::streamModeAppendsToLastUnsentSegment()
{
    CapturingKcp c(9);
    c.kcp.setStreamMode(true);
    c.kcp.setNoDelay({0, 10, 0, 1});
    const int mss = c.kcp.mss();
    QCOMPARE(c.kcp.send(pattern(10)), 0);
    QCOMPARE(c.kcp.send(pattern(20, 10)), 0);
    QCOMPARE(c.kcp.sndQueueSize(), 1);
    QCOMPARE(c.kcp.send(pattern(std::size_t(mss), 30)), 0); // fills the first, spills 30 bytes
    QCOMPARE(c.kcp.sndQueueSize(), 2);

    c.kcp.flush(0, false);
    std::vector<Seg> segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(2));
    QCOMPARE(segs[0].h.len, std::uint32_t(mss));
    QCOMPARE(segs[1].h.len, 30u);
    QCOMPARE(segs[0].h.frg, std::uint8_t(0));
    QCOMPARE(segs[1].h.frg, std::uint8_t(0));
    QVERIFY(segs[0].data == pattern(std::size_t(mss)));
    QVERIFY(segs[1].data == pattern(30, std::size_t(mss)));

    // Once a segment has an sn (left the queue) it is never appended to.
    QCOMPARE(c.kcp.send(pattern(5)), 0);
    QCOMPARE(c.kcp.sndQueueSize(), 1);
    QCOMPARE(c.kcp.sndBufSize(), 2);
}

// kcp-go Send in message mode: frg counts down to 0; the receiver only sees the message when
// all fragments are there.
void TestKcpTransfer::messageModeFragments()
{
    CapturingKcp sender(5);
    CapturingKcp receiver(5);
    const int mss = sender.kcp.mss();
    const Bytes message = pattern(3 * std::size_t(mss) + 10);
    QCOMPARE(sender.kcp.send(message), 0);
    QCOMPARE(sender.kcp.sndQueueSize(), 4);
    sender.kcp.setNoDelay({-1, -1, -1, 1}); // no cwnd: the first flush may send
    sender.kcp.flush(0, false);
    QCOMPARE(sender.bodies.size(), std::size_t(4)); // each segment fills a 1400-byte datagram
    const std::vector<Seg> segs = sender.allSegments();
    QCOMPARE(segs.size(), std::size_t(4));
    for (int i = 0; i < 4; ++i)
    {
        QCOMPARE(segs[i].h.sn, std::uint32_t(i));
        QCOMPARE(segs[i].h.frg, std::uint8_t(3 - i));
    }
    QCOMPARE(segs[3].h.len, 10u);

    // Deliver fragments 0, 1, 3 first: nothing readable until 2 arrives.
    for (int i : {0, 1, 3})
        QCOMPARE(receiver.kcp.input(sender.bodies[i], true, false, 5), 0);
    QCOMPARE(receiver.kcp.peekSize(), -1);
    Bytes out(message.size());
    QCOMPARE(receiver.kcp.recv(out), -1);
    QCOMPARE(receiver.kcp.input(sender.bodies[2], true, false, 6), 0);
    QCOMPARE(receiver.kcp.peekSize(), int(message.size()));
    QCOMPARE(receiver.kcp.recv(out), int(message.size()));
    QVERIFY(out == message);
    QCOMPARE(receiver.kcp.peekSize(), -1);
}

void TestKcpTransfer::sendLimits()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    const std::size_t mss = static_cast<std::size_t>(k.mss());
    QCOMPARE(k.send({}), -1);
    // 255 fragments is the most frg can count; one byte more is refused (kcp-go returns -2).
    QCOMPARE(k.send(pattern(255 * mss + 1)), -2);
    QCOMPARE(k.sndQueueSize(), 0);
    QCOMPARE(k.send(pattern(255 * mss)), 0);
    QCOMPARE(k.sndQueueSize(), 255);
    QCOMPARE(k.waitSnd(), 255);
}

void TestKcpTransfer::recvBufferTooSmall()
{
    CapturingKcp sender(3);
    CapturingKcp receiver(3);
    sender.kcp.setNoDelay({-1, -1, -1, 1});
    QCOMPARE(sender.kcp.send(pattern(100)), 0);
    sender.kcp.flush(0, false);
    QCOMPARE(receiver.kcp.input(sender.bodies.at(0), true, false, 1), 0);
    QCOMPARE(receiver.kcp.peekSize(), 100);
    std::vector<std::uint8_t> small(99);
    QCOMPARE(receiver.kcp.recv(small), -2);   // kcp-go Recv: buffer shorter than PeekSize
    QCOMPARE(receiver.kcp.rcvQueueSize(), 1); // nothing consumed
    std::vector<std::uint8_t> exact(100);
    QCOMPARE(receiver.kcp.recv(exact), 100);
    QVERIFY(exact == pattern(100));
    QCOMPARE(receiver.kcp.recv(exact), -1);
}

// wire-compat.md 1.3: mss = mtu - 24 - reserved; the datagram handed to the output holds the
// reserved bytes in front and never exceeds mtu.
void TestKcpTransfer::mssAndDatagramLayout()
{
    CapturingKcp c(0xb53ced79);
    QCOMPARE(c.kcp.mtu(), 1400);
    QCOMPARE(c.kcp.mss(), 1376);
    QCOMPARE(c.kcp.reservedBytes(), 0);
    QVERIFY(c.kcp.setMtu(1350, 28)); // kcptun: mtu 1350, crypto 20 + FEC 8
    QCOMPARE(c.kcp.mss(), 1298);
    QCOMPARE(c.kcp.reservedBytes(), 28);
    c.kcp.setNoDelay({0, 30, 2, 1});
    c.kcp.setStreamMode(true);
    QCOMPARE(c.kcp.send(pattern(2 * 1298 + 100)), 0);
    c.kcp.flush(622, false);
    QCOMPARE(c.full.size(), std::size_t(3));
    // Two full datagrams (28 + 24 + 1298 = 1350 exactly: emitted only when the next item would
    // pass mtu), then the remainder.
    QCOMPARE(c.full[0].size(), std::size_t(1350));
    QCOMPARE(c.full[1].size(), std::size_t(1350));
    QCOMPARE(c.full[2].size(), std::size_t(28 + 24 + 100));
    const std::vector<Seg> segs = c.allSegments();
    QCOMPARE(segs.size(), std::size_t(3));
    QCOMPARE(segs[0].h.conv, 0xb53ced79u);
    QCOMPARE(segs[0].h.cmd, Push);
    QCOMPARE(segs[0].h.wnd, std::uint16_t(32));
    QCOMPARE(segs[0].h.ts, 622u);
    QCOMPARE(segs[2].h.sn, 2u);
    QCOMPARE(segs[2].h.una, 0u);
}

void TestKcpTransfer::setMtuValidation()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    QVERIFY(!k.setMtu(49, 0));
    QVERIFY(!k.setMtu(1501, 0)); // sess.go mtuLimit
    QVERIFY(!k.setMtu(1350, -1));
    QVERIFY(!k.setMtu(100, 76)); // would leave mss 0
    QCOMPARE(k.mss(), 1376);     // failed calls change nothing
    QVERIFY(k.setMtu(100, 75));
    QCOMPARE(k.mss(), 1);
    QVERIFY(k.setMtu(50, 0));
    QCOMPARE(k.mss(), 26);
    QVERIFY(k.setMtu(1500, 0));
    QCOMPARE(k.mss(), 1476);
}

// 60 pending ACKs with mtu 1350 / reserved 28: (1350 - 28) / 24 = 55 fit in one datagram.
void TestKcpTransfer::acksPackIntoMtu()
{
    CapturingKcp c(2);
    QVERIFY(c.kcp.setMtu(1350, 28));
    c.kcp.setWindowSize(32, 128);
    // sn 1..60 without sn 0, so rcv_nxt stays 0 and the ACK filter keeps all of them.
    Bytes datagram;
    for (std::uint32_t sn = 1; sn <= 60; ++sn)
        appendSegment(datagram, 2, Push, sn, 1000 + sn, 0, 32);
    QCOMPARE(c.kcp.input(datagram, true, false, 2000), 0);
    QCOMPARE(c.kcp.rcvBufSize(), 60);
    QCOMPARE(c.kcp.flush(2000, true), 100u); // ackOnly returns the interval
    QCOMPARE(c.full.size(), std::size_t(2));
    QCOMPARE(c.full[0].size(), std::size_t(28 + 55 * 24));
    QCOMPARE(c.full[1].size(), std::size_t(28 + 5 * 24));
    const std::vector<Seg> acks = c.allSegments();
    QCOMPARE(acks.size(), std::size_t(60));
    for (std::uint32_t i = 0; i < 60; ++i)
    {
        QCOMPARE(acks[i].h.cmd, Ack);
        QCOMPARE(acks[i].h.sn, i + 1);
        QCOMPARE(acks[i].h.ts, 1001 + i); // the PUSH's ts echoed
        QCOMPARE(acks[i].h.una, 0u);
        QCOMPARE(acks[i].h.wnd, std::uint16_t(128)); // nothing moved to rcv_queue yet
        QCOMPARE(acks[i].h.len, 0u);
    }
    QCOMPARE(c.kcp.counters().outSegs, std::uint64_t(60));
    QCOMPARE(c.kcp.counters().inSegs, std::uint64_t(60));
}

// kcp-go makeSpace emits only when size + space > mtu: an ACK (24) plus a PUSH of 24 + 1352
// bytes is exactly 1400 and shares one datagram; one byte more splits them.
void TestKcpTransfer::itemExactlyFillingTheDatagramStaysIn()
{
    for (const std::size_t payload : {std::size_t(1352), std::size_t(1353)})
    {
        CapturingKcp c(4);
        c.kcp.setNoDelay({0, 10, 0, 1});
        QCOMPARE(c.kcp.input(segment(4, Push, 0, 1, 0, 32, pattern(1)), true, false, 5), 0);
        QCOMPARE(c.kcp.send(pattern(payload)), 0);
        c.kcp.flush(5, false);
        if (payload == 1352)
        {
            QCOMPARE(c.full.size(), std::size_t(1));
            QCOMPARE(c.full[0].size(), std::size_t(1400));
        }
        else
        {
            QCOMPARE(c.full.size(), std::size_t(2));
            QCOMPARE(c.full[0].size(), std::size_t(24));
            QCOMPARE(c.full[1].size(), std::size_t(24 + 1353));
        }
    }
}

QTEST_APPLESS_MAIN(TestKcpTransfer)
#include "test_kcp_transfer.moc"
