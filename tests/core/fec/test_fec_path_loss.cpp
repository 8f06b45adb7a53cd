// True path loss from FEC seqid gaps (FecDecoderCounters::path*): every seqid below the highest
// one seen was sent; a slot is lost once it falls a reorder window (max(256, 3n) slots) behind
// the highest without having arrived.

#include "kcp/fec.h"

#include "fec_test_support.h"

#include <QtTest>

#include <algorithm>

using namespace fectest;

namespace
{

std::uint64_t windowFor(int ds, int ps)
{
    return std::max<std::uint64_t>(256, 3 * std::uint64_t(ds + ps));
}

// count datagrams of the stream, small payloads (path accounting does not look at them).
std::vector<Sent> stream(int ds, int ps, std::size_t count, std::uint32_t startGroup = 0)
{
    Sender sender(ds, ps, 200);
    if (startGroup != 0)
        sender.encoder().setNextSeqid(startGroup);
    std::mt19937 rng(ds * 31 + ps);
    std::vector<Sent> out;
    while (out.size() < count)
        sender.send(randomPayload(rng, 1, 40), out);
    out.resize(count);
    return out;
}

} // namespace

class TestFecPathLoss : public QObject
{
    Q_OBJECT

private slots:
    void dropEverySeventh_data();
    void dropEverySeventh();
    void reorderingIsNotLoss_data();
    void reorderingIsNotLoss();
    void arrivalBehindWindowIsLostAndLate();
    void longGapCountsEverySkippedSlot();
    void firstArrivalNearStartCountsEarlierSlots();
    void joiningMidStreamCountsNothingBefore();
    void wrapAtPawsCountsExactly();
    void duplicatesAreNotReceivedTwice();
    void lostParityIsNotLostData();
};

void TestFecPathLoss::dropEverySeventh_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    QTest::newRow("10_3") << 10 << 3;
    QTest::newRow("3_2") << 3 << 2;
    QTest::newRow("100_100") << 100 << 100; // window 3n = 600 > 256
}

void TestFecPathLoss::dropEverySeventh()
{
    QFETCH(int, ds);
    QFETCH(int, ps);
    const std::size_t total = 10000;
    const std::vector<Sent> sent = stream(ds, ps, total);
    kcp::FecDecoder decoder(ds, ps, 200);
    for (std::size_t i = 0; i < total; ++i)
        if (i % 7 != 6)
            decoder.input(sent[i].packet, 0);

    // The last datagram (9999 % 7 = 3) arrived, so slots below 10000 - window are judged.
    const std::uint64_t judgedEnd = total - windowFor(ds, ps);
    std::uint64_t lost = 0;
    std::uint64_t lostData = 0;
    std::uint64_t dropped = 0;
    for (std::size_t i = 0; i < total; ++i)
    {
        if (i % 7 != 6)
            continue;
        ++dropped;
        if (i < judgedEnd)
        {
            ++lost;
            lostData += sent[i].data ? 1 : 0;
        }
    }
    const kcp::FecDecoderCounters& c = decoder.counters();
    QCOMPARE(c.pathReceived, total - dropped);
    QCOMPARE(c.pathLost, lost);
    QCOMPARE(c.pathLostData, lostData);
    QVERIFY(lostData > 0 && lostData < lost);
    QCOMPARE(c.late, std::uint64_t{0});
    QCOMPARE(c.duplicates, std::uint64_t{0});
}

void TestFecPathLoss::reorderingIsNotLoss_data()
{
    QTest::addColumn<int>("displacement");
    QTest::newRow("3") << 3;
    QTest::newRow("40") << 40;
    QTest::newRow("250") << 250; // just inside the 256-slot window
}

void TestFecPathLoss::reorderingIsNotLoss()
{
    QFETCH(int, displacement);
    const std::vector<Sent> sent = stream(10, 3, 5000);
    std::mt19937 rng(displacement);
    // Each datagram is delayed by up to `displacement` slots.
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t i = 0; i < sent.size(); ++i)
        order.emplace_back(double(i) + std::uniform_real_distribution<double>(0, displacement)(rng),
                           i);
    std::sort(order.begin(), order.end());
    int maxBehind = 0;
    std::size_t highest = 0;
    kcp::FecDecoder decoder(10, 3, 200);
    for (const auto& [key, i] : order)
    {
        highest = std::max(highest, i);
        maxBehind = std::max(maxBehind, int(highest - i));
        decoder.input(sent[i].packet, 0);
    }
    QVERIFY(maxBehind > displacement / 2); // the shuffle really reordered
    QCOMPARE(decoder.counters().pathLost, std::uint64_t{0});
    QCOMPARE(decoder.counters().pathReceived, std::uint64_t(sent.size()));
    QCOMPARE(decoder.counters().late, std::uint64_t{0});
}

void TestFecPathLoss::arrivalBehindWindowIsLostAndLate()
{
    const std::vector<Sent> sent = stream(10, 3, 1000);
    kcp::FecDecoder decoder(10, 3, 200);
    for (std::size_t i = 0; i < 400; ++i)
        if (i != 10 && i != 200)
            decoder.input(sent[i].packet, 0);
    // Highest is 399: slot 10 is 389 behind (judged lost), slot 200 is 199 behind (pending).
    QCOMPARE(decoder.counters().pathLost, std::uint64_t{1});
    decoder.input(sent[10].packet, 0);
    decoder.input(sent[200].packet, 0);
    QCOMPARE(decoder.counters().late, std::uint64_t{1});
    QCOMPARE(decoder.counters().pathLost, std::uint64_t{1});
    QCOMPARE(decoder.counters().pathReceived, std::uint64_t{399});
}

void TestFecPathLoss::longGapCountsEverySkippedSlot()
{
    // 0..99 arrive, then 5100..5199: slots 100..5099 were sent and lost, but only those that
    // are already behind the window (below 5200 - 256 = 4944) are counted yet.
    const int ds = 10;
    const int ps = 3;
    const std::vector<Sent> sent = stream(ds, ps, 5200);
    kcp::FecDecoder decoder(ds, ps, 200);
    for (std::size_t i = 0; i < 100; ++i)
        decoder.input(sent[i].packet, 0);
    for (std::size_t i = 5100; i < 5200; ++i)
        decoder.input(sent[i].packet, 0);
    std::uint64_t lostData = 0;
    for (std::size_t i = 100; i < 4944; ++i)
        lostData += sent[i].data ? 1 : 0;
    QCOMPARE(decoder.counters().pathLost, std::uint64_t{4844});
    QCOMPARE(decoder.counters().pathLostData, lostData);
    QCOMPARE(decoder.counters().pathReceived, std::uint64_t{200});
}

void TestFecPathLoss::firstArrivalNearStartCountsEarlierSlots()
{
    // The sender starts at seqid 0, so a first arrival at 5 means 0..4 were sent: they count
    // once they leave the window unless they show up.
    const std::vector<Sent> sent = stream(3, 2, 600);
    kcp::FecDecoder a(3, 2, 200);
    for (std::size_t i = 5; i < 600; ++i)
        a.input(sent[i].packet, 0);
    QCOMPARE(a.counters().pathLost, std::uint64_t{5});
    QCOMPARE(a.counters().pathLostData, std::uint64_t{3}); // 0..2 data, 3 and 4 parity

    kcp::FecDecoder b(3, 2, 200);
    for (std::size_t i = 5; i < 20; ++i)
        b.input(sent[i].packet, 0);
    for (std::size_t i = 0; i < 5; ++i)
        b.input(sent[i].packet, 0);
    for (std::size_t i = 20; i < 600; ++i)
        b.input(sent[i].packet, 0);
    QCOMPARE(b.counters().pathLost, std::uint64_t{0});
    QCOMPARE(b.counters().pathReceived, std::uint64_t{600});
}

void TestFecPathLoss::joiningMidStreamCountsNothingBefore()
{
    const std::vector<Sent> sent = stream(10, 3, 2000);
    kcp::FecDecoder decoder(10, 3, 200);
    for (std::size_t i = 1000; i < 2000; ++i)
        decoder.input(sent[i].packet, 0);
    QCOMPARE(decoder.counters().pathLost, std::uint64_t{0});
    QCOMPARE(decoder.counters().pathReceived, std::uint64_t{1000});
}

void TestFecPathLoss::wrapAtPawsCountsExactly()
{
    const int ds = 10;
    const int ps = 3;
    const std::uint32_t paws = kcp::FecEncoder(ds, ps, 200).paws();
    const std::uint32_t start = paws - 13 * 40; // 520 slots before the wrap
    const std::vector<Sent> sent = stream(ds, ps, 3000, start);
    QCOMPARE(seqidOf(sent[520].packet), 0u);
    kcp::FecDecoder decoder(ds, ps, 200);
    std::uint64_t lost = 0;
    std::uint64_t lostData = 0;
    for (std::size_t i = 0; i < sent.size(); ++i)
    {
        if (i % 5 == 2)
        {
            if (i < sent.size() - 256)
            {
                ++lost;
                lostData += sent[i].data ? 1 : 0;
            }
            continue;
        }
        decoder.input(sent[i].packet, 0);
    }
    QCOMPARE(decoder.counters().pathLost, lost);
    QCOMPARE(decoder.counters().pathLostData, lostData);
    QCOMPARE(decoder.counters().pathReceived, std::uint64_t(sent.size() - sent.size() / 5));
    QCOMPARE(decoder.counters().late, std::uint64_t{0});
    QCOMPARE(decoder.counters().geometryMismatch, std::uint64_t{0});
}

void TestFecPathLoss::duplicatesAreNotReceivedTwice()
{
    const std::vector<Sent> sent = stream(3, 2, 1000);
    kcp::FecDecoder decoder(3, 2, 200);
    for (std::size_t i = 0; i < sent.size(); ++i)
    {
        decoder.input(sent[i].packet, 0);
        if (i % 3 == 0)
            decoder.input(sent[i].packet, 0);
        if (i >= 5 && i % 10 == 0)
            decoder.input(sent[i - 5].packet, 0);
    }
    QCOMPARE(decoder.counters().pathReceived, std::uint64_t{1000});
    QCOMPARE(decoder.counters().pathLost, std::uint64_t{0});
    QCOMPARE(decoder.counters().duplicates, std::uint64_t{334 + 99});
}

void TestFecPathLoss::lostParityIsNotLostData()
{
    const std::vector<Sent> sent = stream(3, 2, 2000);
    kcp::FecDecoder decoder(3, 2, 200);
    std::uint64_t lost = 0;
    for (std::size_t i = 0; i < sent.size(); ++i)
    {
        if (!sent[i].data && i % 2 == 0)
        {
            lost += i < sent.size() - 256 ? 1 : 0;
            continue;
        }
        decoder.input(sent[i].packet, 0);
    }
    QVERIFY(lost > 100);
    QCOMPARE(decoder.counters().pathLost, lost);
    QCOMPARE(decoder.counters().pathLostData, std::uint64_t{0});
}

QTEST_APPLESS_MAIN(TestFecPathLoss)
#include "test_fec_path_loss.moc"
