// kcp-go Input's parsing rules and error codes, the repeat/in-segment counters, robustness
// against arbitrary bytes, and 32-bit wrap of ms timestamps.
#include "kcp_test_util.h"

#include <QtTest>

#include <random>

using namespace kcp;
using namespace kcptest;

class TestKcpInput : public QObject
{
    Q_OBJECT

private slots:
    void shortDatagram();
    void badConvStopsTheDatagram();
    void badCmd();
    void truncatedPayload();
    void trailingBytesIgnored();
    void duplicateAndOutOfWindowPushCountAsRepeat();
    void recoveredDuplicatesAreNotCounted();
    void outOfOrderReassembly();
    void ackNoDelayFlushesAcksAtOnce();
    void windowSlideFlushesAtOnce();
    void randomGarbageNeverBreaksState();
    void oversizedPushFromPeer();
    void fragmentCount255Wraps();
    void timeWrapDuringTransfer();
    void rtoAcrossTimeWrap();
};

void TestKcpInput::shortDatagram()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    const Bytes d(23, 0);
    QCOMPARE(k.input(d, true, false, 0), -1);
    QCOMPARE(k.input({}, true, false, 0), -1);
    QCOMPARE(k.counters().inErrors, std::uint64_t(2));
    QCOMPARE(k.counters().inSegs, std::uint64_t(0));
}

// A foreign conv aborts the datagram with -1; segments before it were applied, but kcp-go adds
// InSegs only at the end, so none are counted.
void TestKcpInput::badConvStopsTheDatagram()
{
    CapturingKcp c(0x1000);
    Bytes d;
    appendSegment(d, 0x1000, Push, 0, 5, 0, 32, pattern(8));
    appendSegment(d, 0x1001, Push, 1, 5, 0, 32, pattern(8));
    appendSegment(d, 0x1000, Push, 2, 5, 0, 32, pattern(8));
    QCOMPARE(c.kcp.input(d, true, true, 10), -1);
    QCOMPARE(c.kcp.counters().inErrors, std::uint64_t(1));
    QCOMPARE(c.kcp.counters().inSegs, std::uint64_t(0));
    QCOMPARE(c.kcp.rcvQueueSize(), 1); // sn 0 was taken
    QCOMPARE(c.kcp.rcvNxt(), 1u);
    QVERIFY(c.bodies.empty()); // the ackNoDelay flush was skipped too
    c.kcp.flush(11, true);
    const std::vector<Seg> acks = c.takeSegments();
    QCOMPARE(acks.size(), std::size_t(1));
    QCOMPARE(acks[0].h.sn, 0u);

    // Entirely foreign: nothing happens but the error count.
    QCOMPARE(c.kcp.input(segment(0x2000, Push, 1, 5, 0, 32, pattern(8)), true, false, 12), -1);
    QCOMPARE(c.kcp.counters().inErrors, std::uint64_t(2));
    QCOMPARE(c.kcp.rcvNxt(), 1u);
}

void TestKcpInput::badCmd()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    for (std::uint8_t cmd :
         {std::uint8_t(0), std::uint8_t(80), std::uint8_t(85), std::uint8_t(255)})
    {
        const Bytes d = segment(1, cmd, 0, 0, 0, 7);
        QCOMPARE(k.input(d, true, false, 0), -3);
    }
    QCOMPARE(k.counters().inErrors, std::uint64_t(4));
    QCOMPARE(k.remoteWnd(), 32); // rejected before the window is taken
}

void TestKcpInput::truncatedPayload()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    Bytes d = segment(1, Push, 0, 0, 0, 32, pattern(10));
    d.pop_back();
    QCOMPARE(k.input(d, true, false, 0), -2);
    // A length check comes before the cmd check: a bad cmd with a bad length is -2.
    Bytes e = segment(1, 99, 0, 0, 0, 32, pattern(10));
    e.resize(e.size() - 5);
    QCOMPARE(k.input(e, true, false, 0), -2);
    QCOMPARE(k.counters().inErrors, std::uint64_t(2));
    QCOMPARE(k.rcvQueueSize(), 0);
}

void TestKcpInput::trailingBytesIgnored()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    Bytes d = segment(1, Push, 0, 0, 0, 32, pattern(10));
    d.insert(d.end(), 23, 0xEE); // less than a header: ignored
    QCOMPARE(k.input(d, true, false, 0), 0);
    QCOMPARE(k.counters().inSegs, std::uint64_t(1));
    QCOMPARE(k.counters().inErrors, std::uint64_t(0));
    QCOMPARE(k.peekSize(), 10);
}

// RepeatSegs: a PUSH that is below rcv_nxt, already buffered, or beyond rcv_nxt + rcv_wnd.
// The first two are still acknowledged; the last is dropped without an ACK.
void TestKcpInput::duplicateAndOutOfWindowPushCountAsRepeat()
{
    CapturingKcp c(1);
    c.kcp.setWindowSize(32, 8);
    QCOMPARE(c.kcp.input(segment(1, Push, 0, 1, 0, 32, pattern(4)), true, false, 0), 0);
    QCOMPARE(c.kcp.input(segment(1, Push, 2, 1, 0, 32, pattern(4)), true, false, 0), 0);
    QCOMPARE(c.kcp.counters().repeatSegs, std::uint64_t(0));
    QCOMPARE(c.kcp.input(segment(1, Push, 0, 2, 0, 32, pattern(4)), true, false, 0), 0); // < una
    QCOMPARE(c.kcp.input(segment(1, Push, 2, 2, 0, 32, pattern(4)), true, false, 0), 0); // buffered
    QCOMPARE(c.kcp.counters().repeatSegs, std::uint64_t(2));
    QCOMPARE(c.kcp.rcvBufSize(), 1);
    // rcv_nxt 1 + rcv_wnd 8 = 9: sn 9 is outside, sn 8 inside.
    QCOMPARE(c.kcp.input(segment(1, Push, 9, 3, 0, 32, pattern(4)), true, false, 0), 0);
    QCOMPARE(c.kcp.counters().repeatSegs, std::uint64_t(3));
    QCOMPARE(c.kcp.input(segment(1, Push, 8, 3, 0, 32, pattern(4)), true, false, 0), 0);
    QCOMPARE(c.kcp.counters().repeatSegs, std::uint64_t(3));
    QCOMPARE(c.kcp.rcvBufSize(), 2);
    QCOMPARE(c.kcp.counters().inSegs, std::uint64_t(6));

    c.kcp.flush(1, true);
    Sns acked;
    for (const Seg& s : c.takeSegments())
        acked.push_back(s.h.sn);
    // 0 (twice) is below rcv_nxt 1 and not last: filtered. 9 never got an ACK.
    QCOMPARE(acked, (Sns{2, 2, 8}));
}

void TestKcpInput::recoveredDuplicatesAreNotCounted()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    const Bytes d = segment(1, Push, 0, 1, 0, 32, pattern(4));
    QCOMPARE(k.input(d, true, false, 0), 0);
    QCOMPARE(k.input(d, false, false, 0), 0); // FEC recovered a copy: not a repeat
    QCOMPARE(k.counters().repeatSegs, std::uint64_t(0));
    QCOMPARE(k.input(d, true, false, 0), 0);
    QCOMPARE(k.counters().repeatSegs, std::uint64_t(1));
    QCOMPARE(k.rcvQueueSize(), 1);
}

void TestKcpInput::outOfOrderReassembly()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    k.setStreamMode(true);
    // Arrival order 5 3 0 4 1 2 7 6: readable grows only with the in-order prefix.
    const std::uint32_t order[] = {5, 3, 0, 4, 1, 2, 7, 6};
    const int readableAfter[] = {0, 0, 1, 1, 2, 6, 6, 8};
    for (int i = 0; i < 8; ++i)
    {
        const std::uint32_t sn = order[i];
        QCOMPARE(k.input(segment(1, Push, sn, 0, 0, 32, pattern(10, sn * 10)), true, false, 0), 0);
        QCOMPARE(k.rcvQueueSize(), readableAfter[i]);
        QCOMPARE(k.rcvQueueSize() + k.rcvBufSize(), i + 1);
    }
    std::vector<std::uint8_t> all;
    std::vector<std::uint8_t> buf(10);
    while (k.recv(buf) == 10)
        all.insert(all.end(), buf.begin(), buf.end());
    QVERIFY(all == pattern(80));
}

// ackNoDelay: Input itself writes the ACKs (an ack-only flush) when no slide flushed already.
void TestKcpInput::ackNoDelayFlushesAcksAtOnce()
{
    CapturingKcp c(1);
    QCOMPARE(c.kcp.input(segment(1, Push, 0, 42, 0, 32, pattern(4)), true, false, 50), 0);
    QVERIFY(c.bodies.empty());
    QCOMPARE(c.kcp.input(segment(1, Push, 1, 43, 0, 32, pattern(4)), true, true, 51), 0);
    const std::vector<Seg> segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(1)); // ACK 0 filtered (below rcv_nxt 2), ACK 1 last
    QCOMPARE(segs[0].h.cmd, Ack);
    QCOMPARE(segs[0].h.sn, 1u);
    QCOMPARE(segs[0].h.ts, 43u);
    QCOMPARE(segs[0].h.una, 2u);
    // Nothing pending: no flush.
    QCOMPARE(c.kcp.input(segment(1, Wins, 0, 0, 0, 32), true, true, 52), 0);
    QVERIFY(c.bodies.empty());
}

// Input runs a full flush when una removed segments from snd_buf: queued data moves at once.
void TestKcpInput::windowSlideFlushesAtOnce()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 0, 1});
    c.kcp.setWindowSize(2, 32);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(c.kcp.send(pattern(10)), 0);
    c.kcp.flush(0, false);
    QCOMPARE(c.takeSegments().size(), std::size_t(2));
    // An ACK of sn 1 alone does not slide (una 0): no flush.
    QCOMPARE(c.kcp.input(segment(1, Ack, 1, 0, 0, 32), true, false, 20), 0);
    QVERIFY(c.bodies.empty());
    // una 2 slides: sn 2, 3 go out from inside input.
    QCOMPARE(c.kcp.input(segment(1, Ack, 0, 0, 2, 32), true, false, 21), 0);
    const std::vector<Seg> segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(2));
    QCOMPARE(segs[0].h.sn, 2u);
    QCOMPARE(segs[0].h.ts, 21u);
    QCOMPARE(segs[1].h.sn, 3u);
}

// Random datagrams (half with the right conv so parsing goes deep, some with plausible
// headers) interleaved with sends, flushes and reads: no crash, no sanitizer report, and the
// instance still transfers correctly afterwards.
void TestKcpInput::randomGarbageNeverBreaksState()
{
    std::mt19937 rng(20261126);
    std::uint64_t emitted = 0;
    Kcp k(0xC0FFEE, [&](std::uint8_t*, std::size_t n) { emitted += n; });
    k.setNoDelay({1, 10, 2, 0});
    k.setWindowSize(64, 64);
    std::vector<std::uint8_t> readBuf(1 << 20);
    int accepted = 0;
    for (int i = 0; i < 100000; ++i)
    {
        const Millis now = static_cast<Millis>(i * 3);
        Bytes d(rng() % 1500);
        for (auto& b : d)
            b = static_cast<std::uint8_t>(rng());
        // Make some datagrams parse: right conv, a valid cmd, small len, near the windows.
        for (std::size_t at = 0; at + 24 <= d.size() && rng() % 2 == 0;)
        {
            SegmentHeader h;
            h.conv = 0xC0FFEE;
            h.cmd = static_cast<std::uint8_t>(81 + rng() % 4);
            h.frg = static_cast<std::uint8_t>(rng() % 3);
            h.wnd = static_cast<std::uint16_t>(rng() % 80);
            h.ts = now - rng() % 500;
            h.sn = k.rcvNxt() + rng() % 80 - 10;
            h.una = k.sndUna() + rng() % 40 - 5;
            h.len =
                static_cast<std::uint32_t>(std::min<std::size_t>(rng() % 200, d.size() - at - 24));
            encodeSegmentHeader(d.data() + at, h);
            at += 24 + h.len;
        }
        if (k.input(d, rng() % 4 != 0, rng() % 2 == 0, now) == 0)
            ++accepted;
        if (rng() % 3 == 0 && k.waitSnd() < 200)
        {
            Bytes payload(1 + rng() % 3000);
            k.send(payload);
        }
        if (rng() % 2 == 0)
            k.flush(now, rng() % 5 == 0);
        if (rng() % 2 == 0)
        {
            const int peek = k.peekSize();
            const int got = k.recv(readBuf);
            QCOMPARE(got, peek < 0 ? -1 : peek);
        }
        QVERIFY(k.rcvQueueSize() <= 64 + 255);
        QVERIFY(k.rto() >= 30 && k.rto() <= 60000);
    }
    QVERIFY(accepted > 1000);
    QVERIFY(emitted > 0);
    QVERIFY(k.counters().inErrors > 10000);
}

// A peer may send a PUSH longer than any mss we would use (kcp-go panics on > 1500 bytes);
// it must be received intact.
void TestKcpInput::oversizedPushFromPeer()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    const Bytes big = pattern(5000);
    QCOMPARE(k.input(segment(1, Push, 0, 0, 0, 32, big), true, false, 0), 0);
    QCOMPARE(k.peekSize(), 5000);
    std::vector<std::uint8_t> out(5000);
    QCOMPARE(k.recv(out), 5000);
    QVERIFY(out == big);
}

// kcp-go PeekSize computes frg + 1 as a uint8, so a (peer-made; our send never makes it) frg of
// 255 wraps to 0 and the "all fragments here" check passes at once. Reads must agree with kcp-go
// or the two ends' windows drift apart.
void TestKcpInput::fragmentCount255Wraps()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    QCOMPARE(k.input(segment(1, Push, 0, 0, 0, 32, pattern(7), 255), true, false, 0), 0);
    QCOMPARE(k.peekSize(), 7);
    QCOMPARE(k.input(segment(1, Push, 1, 0, 0, 32, pattern(5, 7), 0), true, false, 0), 0);
    QCOMPARE(k.peekSize(), 12); // up to the first frg 0
    std::vector<std::uint8_t> out(12);
    QCOMPARE(k.recv(out), 12);
    QVERIFY(out == pattern(12));
    // frg 254 really waits for 255 segments.
    QCOMPARE(k.input(segment(1, Push, 2, 0, 0, 32, pattern(3), 254), true, false, 0), 0);
    QCOMPARE(k.peekSize(), -1);
}

// kcp-go's clock is u32 ms and wraps: a transfer that starts just before the wrap must behave
// exactly like one that does not (same datagrams, same outcome).
void TestKcpInput::timeWrapDuringTransfer()
{
    auto run = [](Millis base)
    {
        Link link(0xAA, 30);
        for (Kcp* k : {&link.a(), &link.b()})
        {
            k->setNoDelay({1, 20, 2, 1});
            k->setStreamMode(true);
        }
        std::uint32_t rng = 3;
        link.drop = [&](int, const Bytes&)
        {
            rng = rng * 1103515245u + 12345u;
            return (rng >> 16) % 100 < 10;
        };
        std::vector<Bytes> wire;
        link.onTransmit = [&](int, const Bytes& d, Millis) { wire.push_back(d); };
        std::uint64_t written = 0;
        std::uint64_t received = 0;
        std::vector<std::uint8_t> buf(1 << 16);
        int errors = 0;
        for (Millis step = 0; step < 20000; ++step)
        {
            const Millis t = base + step;
            link.step(t);
            for (int n; (n = link.b().recv(buf)) > 0;)
            {
                const Bytes expected = pattern(std::size_t(n), received);
                errors += !std::equal(expected.begin(), expected.end(), buf.begin());
                received += std::uint64_t(n);
            }
            while (written < 300000 && link.writable(0))
            {
                link.write(0, pattern(3000, written), t);
                written += 3000;
            }
            link.transmit(t);
        }
        // Strip ts (bytes 8..11 of each segment): they differ by the base.
        for (Bytes& d : wire)
            for (std::size_t at = 0; at + 24 <= d.size();)
            {
                SegmentHeader h;
                decodeSegmentHeader(d.data() + at, h);
                if (h.cmd == Push || h.cmd == Ack)
                    h.ts -= base;
                encodeSegmentHeader(d.data() + at, h);
                at += 24 + h.len;
            }
        return std::make_tuple(received, errors, wire, link.a().counters().retransSegs,
                               link.a().srtt(), link.a().rto());
    };
    const auto plain = run(1000);
    const auto wrapped = run(0xFFFFFF00u); // wraps 256 ms in, mid-transfer
    QCOMPARE(std::get<0>(wrapped), std::uint64_t(300000));
    QCOMPARE(std::get<1>(wrapped), 0);
    QVERIFY(std::get<3>(wrapped) > 0); // retransmissions happened around the wrap
    QCOMPARE(std::get<0>(plain), std::get<0>(wrapped));
    QVERIFY(std::get<2>(plain) == std::get<2>(wrapped));
    QCOMPARE(std::get<3>(plain), std::get<3>(wrapped));
    QCOMPARE(std::get<4>(plain), std::get<4>(wrapped));
    QCOMPARE(std::get<5>(plain), std::get<5>(wrapped));
}

// A segment sent 100 ms before the wrap with rto 200 is due 100 ms after it.
void TestKcpInput::rtoAcrossTimeWrap()
{
    CapturingKcp c(1);
    c.kcp.setNoDelay({0, 10, 0, 1});
    QCOMPARE(c.kcp.send(pattern(10)), 0);
    const Millis sentAt = 0xFFFFFF9Cu; // -100
    c.kcp.flush(sentAt, false);
    QCOMPARE(c.takeSegments()[0].h.ts, sentAt);
    QCOMPARE(c.kcp.flush(0xFFFFFFFFu, false), 10u);
    QVERIFY(c.bodies.empty());
    QCOMPARE(c.kcp.flush(95, false), 5u); // the wait is wrap-safe too
    QVERIFY(c.bodies.empty());
    c.kcp.flush(100, false);
    const std::vector<Seg> segs = c.takeSegments();
    QCOMPARE(segs.size(), std::size_t(1));
    QCOMPARE(segs[0].h.ts, 100u);
    QCOMPARE(c.kcp.counters().lostSegs, std::uint64_t(1));
}

QTEST_APPLESS_MAIN(TestKcpInput)
#include "test_kcp_input.moc"
