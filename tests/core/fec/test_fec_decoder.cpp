// FecDecoder: kcp-go 5.6.1 recovery semantics (wire-compat.md 2.3), the geometry safety rule
// (gotcha 6), limits, expiry, seqid wrap and hostile input.

#include "kcp/fec.h"

#include "fec_test_support.h"

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <new>
#include <numeric>
#include <set>

using namespace fectest;
using Kind = kcp::FecDecoder::Result::Kind;

// Counts heap allocations so the steady-state test can prove the packet path does not allocate.
static std::atomic<std::uint64_t> g_allocations{0};

void* operator new(std::size_t size)
{
    ++g_allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}

// The nothrow forms too (std::stable_partition's temporary buffer uses them): left to the
// runtime, ASan's nothrow new would hand out blocks that the free() above then releases, which
// it reports as an alloc-dealloc mismatch.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept
{
    ++g_allocations;
    return std::malloc(size == 0 ? 1 : size);
}

void operator delete(void* p, const std::nothrow_t&) noexcept
{
    std::free(p);
}

void operator delete(void* p) noexcept
{
    std::free(p);
}

void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace
{

// What the receiver's KCP would get: regular data and recovered data, in arrival order.
struct Receiver
{
    Receiver(int ds, int ps, std::size_t maxPacketSize = 1500,
             kcp::GfEngine engine = kcp::GfEngine::Best)
        : decoder(ds, ps, maxPacketSize, engine)
    {
    }

    kcp::FecDecoder::Result feed(const Bytes& packet, kcp::Millis now = 0)
    {
        const kcp::FecDecoder::Result result = decoder.input(packet, now);
        if (result.kind == Kind::Data)
            regular.emplace_back(result.kcp.begin(), result.kcp.end());
        for (const std::span<const std::uint8_t> r : result.recovered)
            recovered.emplace_back(r.begin(), r.end());
        return result;
    }

    const kcp::FecDecoderCounters& counters() const { return decoder.counters(); }

    kcp::FecDecoder decoder;
    std::vector<Bytes> regular;
    std::vector<Bytes> recovered;
};

// Every recovered payload must be one the sender really sent: never garbage.
bool allGenuine(const std::vector<Bytes>& recovered, const std::vector<Sent>& sent)
{
    std::set<Bytes> genuine;
    for (const Sent& s : sent)
        if (s.data)
            genuine.insert(s.kcp);
    return std::all_of(recovered.begin(), recovered.end(),
                       [&](const Bytes& r) { return genuine.count(r) == 1; });
}

std::vector<Sent> oneGroup(int ds, int ps, std::uint32_t seed, std::size_t minLength = 24,
                           std::size_t maxLength = 1392)
{
    Sender sender(ds, ps);
    std::mt19937 rng(seed);
    return sendPayloads(sender, ds, rng, minLength, maxLength);
}

} // namespace

class TestFecDecoder : public QObject
{
    Q_OBJECT

private slots:
    void dataShardsPassStraightThrough();
    void recoversDroppedDataInAnyOrder_data();
    void recoversDroppedDataInAnyOrder();
    void recoversFromCapturedKcptunStream();
    void tooManyLostRecoversNothing();
    void duplicatesAreDroppedAndCounted();
    void lateShardsDoNotReopenAGroup();
    void reorderAcrossGroups();
    void mismatchedGeometryNeverRecovers_data();
    void mismatchedGeometryNeverRecovers();
    void consistentLookingGroupOfWrongGeometry();
    void quarantineEndsAfterCleanTraffic();
    void expiryByTime();
    void rxLimitEvictsOldestAndCountsShortShards();
    void seqidWrapAtPaws_data();
    void seqidWrapAtPaws();
    void malformedPackets();
    void sizeFieldShorterThanPacket();
    void oversizedPacketIsDeliveredNotKept();
    void rebuiltShardWithBadSizeCountsError();
    void steadyStateDoesNotAllocate();
};

void TestFecDecoder::dataShardsPassStraightThrough()
{
    const std::vector<Sent> sent = oneGroup(3, 2, 1);
    Receiver rx(3, 2);
    for (const Sent& s : sent)
    {
        const kcp::FecDecoder::Result result = rx.feed(s.packet);
        QCOMPARE(result.kind, s.data ? Kind::Data : Kind::Parity);
        QVERIFY(result.recovered.empty());
        if (s.data)
            QCOMPARE(Bytes(result.kcp.begin(), result.kcp.end()), s.kcp);
    }
    QCOMPARE(rx.counters().parityShards, std::uint64_t{2});
    QCOMPARE(rx.counters().reconstructed, std::uint64_t{0});
    QCOMPARE(rx.counters().pathReceived, std::uint64_t{5});
}

void TestFecDecoder::recoversDroppedDataInAnyOrder_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    QTest::addColumn<QString>("order");
    QTest::addColumn<int>("engine");
    for (kcp::GfEngine engine : AllEngines)
    {
        for (const auto& [ds, ps] : {std::pair{3, 2}, std::pair{10, 3}, std::pair{1, 1},
                                     std::pair{20, 10}, std::pair{2, 5}})
        {
            for (const char* order : {"in_order", "reversed", "parity_first", "shuffled"})
                QTest::addRow("%d_%d_%s_%s", ds, ps, order, engineName(engine))
                    << ds << ps << QString::fromLatin1(order) << static_cast<int>(engine);
        }
    }
}

void TestFecDecoder::recoversDroppedDataInAnyOrder()
{
    // Every loss pattern of up to ps data shards (all of them for small codes, a sample for
    // large ones), with parity loss thrown in where the budget allows.
    QFETCH(int, ds);
    QFETCH(int, ps);
    QFETCH(QString, order);
    QFETCH(int, engine);
    const int n = ds + ps;
    std::mt19937 rng(static_cast<std::uint32_t>(n * 1000 + order.size()));
    int scenarios = 0;
    for (int trial = 0; trial < 200; ++trial)
    {
        const std::vector<Sent> sent = oneGroup(ds, ps, static_cast<std::uint32_t>(trial), 0, 600);
        // Choose which shards are lost: k data shards plus some parity, k + parity <= ps.
        std::vector<int> dataIndex(static_cast<std::size_t>(ds));
        std::iota(dataIndex.begin(), dataIndex.end(), 0);
        std::shuffle(dataIndex.begin(), dataIndex.end(), rng);
        const int k = 1 + trial % std::min(ds, ps);
        std::vector<bool> lost(static_cast<std::size_t>(n));
        for (int i = 0; i < k; ++i)
            lost[dataIndex[i]] = true;
        const int parityLost = static_cast<int>(rng() % static_cast<unsigned>(ps - k + 1));
        for (int p = 0; p < parityLost; ++p)
            lost[ds + p] = true;

        std::vector<int> feedOrder;
        for (int i = 0; i < n; ++i)
            if (!lost[i])
                feedOrder.push_back(i);
        if (order == "reversed")
            std::reverse(feedOrder.begin(), feedOrder.end());
        else if (order == "parity_first")
            std::stable_partition(feedOrder.begin(), feedOrder.end(),
                                  [&](int i) { return i >= ds; });
        else if (order == "shuffled")
            std::shuffle(feedOrder.begin(), feedOrder.end(), rng);

        Receiver rx(ds, ps, 1500, static_cast<kcp::GfEngine>(engine));
        // When recovery happens, every data shard not yet delivered must come back, exactly.
        std::set<int> delivered;
        bool recoveredOnce = false;
        for (int i : feedOrder)
        {
            const kcp::FecDecoder::Result result = rx.feed(sent[i].packet);
            if (sent[i].data)
            {
                QCOMPARE(result.kind, Kind::Data);
                delivered.insert(i);
            }
            if (!result.recovered.empty())
            {
                QVERIFY(!recoveredOnce);
                recoveredOnce = true;
                std::size_t next = 0;
                for (int d = 0; d < ds; ++d)
                {
                    if (delivered.count(d))
                        continue;
                    QVERIFY(next < result.recovered.size());
                    const std::span<const std::uint8_t> r = result.recovered[next++];
                    QCOMPARE(Bytes(r.begin(), r.end()), sent[d].kcp);
                    delivered.insert(d);
                }
                QCOMPARE(next, result.recovered.size());
            }
        }
        QVERIFY(recoveredOnce);
        QCOMPARE(int(delivered.size()), ds);
        QCOMPARE(rx.counters().errors, std::uint64_t{0});
        QCOMPARE(rx.counters().geometryMismatch, std::uint64_t{0});
        QVERIFY(rx.counters().reconstructed >= std::uint64_t(k));
        if (QTest::currentTestFailed())
        {
            qWarning("trial %d", trial);
            return;
        }
        ++scenarios;
    }
    QCOMPARE(scenarios, 200);
}

void TestFecDecoder::recoversFromCapturedKcptunStream()
{
    // The real kcptun c2s stream (10/3): drop three data shards of the first group and get
    // exactly kcptun's KCP bytes back.
    const std::vector<CapturedStream> streams = capturedStreams();
    const auto it = std::find_if(streams.begin(), streams.end(),
                                 [](const CapturedStream& s)
                                 { return s.name == QStringLiteral("kcptun_capture_c2s"); });
    QVERIFY(it != streams.end());
    const CapturedStream& stream = *it;
    Receiver rx(stream.ds, stream.ps);
    const std::set<std::uint32_t> dropped = {0, 5, 8};
    for (const Bytes& packet : stream.packets)
        if (!dropped.count(seqidOf(packet)))
            rx.feed(packet);
    QCOMPARE(rx.recovered.size(), std::size_t{3});
    std::size_t i = 0;
    for (std::uint32_t seqid : dropped)
    {
        const Bytes& original = stream.packets[seqid];
        QCOMPARE(testsupport::toHex(rx.recovered[i++]),
                 testsupport::toHex(Bytes(original.begin() + 8, original.end())));
    }
    QCOMPARE(rx.counters().reconstructed, std::uint64_t{3});
    QCOMPARE(rx.counters().errors, std::uint64_t{0});
}

void TestFecDecoder::tooManyLostRecoversNothing()
{
    const std::vector<Sent> sent = oneGroup(3, 2, 5);
    Receiver rx(3, 2);
    // Lose 2 data and 1 parity: 2 shards < ds = 3.
    rx.feed(sent[1].packet);
    rx.feed(sent[4].packet);
    QVERIFY(rx.recovered.empty());
    // ps + 1 = 4 data shards lost: 9 shards < ds = 10, even with all parity.
    const std::vector<Sent> group = oneGroup(10, 3, 6);
    Receiver rx2(10, 3);
    for (int i = 4; i < 13; ++i) // data 0..3 lost (4 > ps)
        rx2.feed(group[i].packet);
    QVERIFY(rx2.recovered.empty());
    QCOMPARE(rx2.counters().reconstructed, std::uint64_t{0});
}

void TestFecDecoder::duplicatesAreDroppedAndCounted()
{
    const std::vector<Sent> sent = oneGroup(3, 2, 7);
    Receiver rx(3, 2);
    // Data 0 and 1 lost. A duplicated parity must not count as a second shard.
    rx.feed(sent[2].packet);
    rx.feed(sent[3].packet);
    rx.feed(sent[3].packet);
    QVERIFY(rx.recovered.empty());
    QCOMPARE(rx.counters().duplicates, std::uint64_t{1});
    // A duplicated data shard still reaches KCP (kcp-go does the same; KCP drops repeats).
    const kcp::FecDecoder::Result again = rx.feed(sent[2].packet);
    QCOMPARE(again.kind, Kind::Data);
    QCOMPARE(rx.counters().duplicates, std::uint64_t{2});
    rx.feed(sent[4].packet);
    QCOMPARE(rx.recovered.size(), std::size_t{2});
    QCOMPARE(rx.recovered[0], sent[0].kcp);
    QCOMPARE(rx.recovered[1], sent[1].kcp);
    QCOMPARE(rx.counters().pathReceived, std::uint64_t{3});
}

void TestFecDecoder::lateShardsDoNotReopenAGroup()
{
    // (1,1): kcp-go re-opens the group when the parity arrives after its data and "recovers"
    // the data KCP already has. We do not.
    Sender sender(1, 1);
    std::mt19937 rng(8);
    const std::vector<Sent> sent = sendPayloads(sender, 50, rng);
    Receiver rx(1, 1);
    for (const Sent& s : sent)
        rx.feed(s.packet);
    QVERIFY(rx.recovered.empty());
    QCOMPARE(rx.counters().reconstructed, std::uint64_t{0});

    // A late data shard after its group was recovered comes through as data, nothing more.
    const std::vector<Sent> group = oneGroup(3, 2, 9);
    Receiver rx2(3, 2);
    rx2.feed(group[0].packet);
    rx2.feed(group[1].packet);
    rx2.feed(group[3].packet);
    QCOMPARE(rx2.recovered.size(), std::size_t{1});
    const kcp::FecDecoder::Result late = rx2.feed(group[2].packet);
    QCOMPARE(late.kind, Kind::Data);
    QVERIFY(late.recovered.empty());
    rx2.feed(group[4].packet);
    QCOMPARE(rx2.recovered.size(), std::size_t{1});
    QCOMPARE(rx2.counters().reconstructed, std::uint64_t{1});
}

void TestFecDecoder::reorderAcrossGroups()
{
    // 300 groups of (10,3), one or two data shards lost per group, the rest delivered with
    // shards displaced by up to 6 positions (crossing group boundaries).
    const int ds = 10;
    const int ps = 3;
    Sender sender(ds, ps);
    std::mt19937 rng(10);
    const std::vector<Sent> sent = sendPayloads(sender, 300 * ds, rng);
    std::vector<std::pair<double, int>> keyed;
    std::set<int> lost;
    for (int g = 0; g < 300; ++g)
    {
        lost.insert(g * 13 + int(rng() % 10));
        if (g % 2)
            lost.insert(g * 13 + int(rng() % 10));
    }
    for (int i = 0; i < int(sent.size()); ++i)
        if (!lost.count(i))
            keyed.emplace_back(i + std::uniform_real_distribution<double>(0, 6)(rng), i);
    std::sort(keyed.begin(), keyed.end());
    Receiver rx(ds, ps);
    for (const auto& [key, i] : keyed)
        rx.feed(sent[i].packet);

    std::multiset<Bytes> got(rx.regular.begin(), rx.regular.end());
    got.insert(rx.recovered.begin(), rx.recovered.end());
    for (const Sent& s : sent)
        if (s.data)
            QVERIFY(got.count(s.kcp) >= 1);
    QVERIFY(allGenuine(rx.recovered, sent));
    QVERIFY(rx.counters().reconstructed >= lost.size());
    QCOMPARE(rx.counters().errors, std::uint64_t{0});
    // Path loss: every lost slot except those still inside the 256-slot reorder window behind
    // the highest seqid (a late arrival there would still count as received).
    const int judgedEnd = int(sent.size()) - 256;
    const auto judgedLost =
        std::count_if(lost.begin(), lost.end(), [&](int i) { return i < judgedEnd; });
    QCOMPARE(rx.counters().pathLost, std::uint64_t(judgedLost));
    QCOMPARE(rx.counters().pathLostData, std::uint64_t(judgedLost)); // only data was lost
    QCOMPARE(rx.counters().pathReceived, std::uint64_t(keyed.size()));
}

void TestFecDecoder::mismatchedGeometryNeverRecovers_data()
{
    QTest::addColumn<int>("senderDs");
    QTest::addColumn<int>("senderPs");
    QTest::addColumn<int>("receiverDs");
    QTest::addColumn<int>("receiverPs");
    QTest::addColumn<int>("maxPayload");
    QTest::newRow("3_2_to_10_3") << 3 << 2 << 10 << 3 << 1300;
    QTest::newRow("10_3_to_3_2") << 10 << 3 << 3 << 2 << 1300;
    QTest::newRow("1_1_to_3_2") << 1 << 1 << 3 << 2 << 1300;
    QTest::newRow("3_2_to_1_1") << 3 << 2 << 1 << 1 << 1300;
    QTest::newRow("10_3_to_3_2_empty") << 10 << 3 << 3 << 2 << 0;
    QTest::newRow("3_2_to_10_3_empty") << 3 << 2 << 10 << 3 << 0;
    QTest::newRow("3_2_to_2_3") << 3 << 2 << 2 << 3 << 40;
}

void TestFecDecoder::mismatchedGeometryNeverRecovers()
{
    // kcptun measured: mismatched ds/ps under loss "recovers" garbage (wire-compat.md 2.3).
    // Drop every 7th datagram like the interop relay; nothing recovered may be garbage, and
    // data shards must still all reach KCP.
    QFETCH(int, senderDs);
    QFETCH(int, senderPs);
    QFETCH(int, receiverDs);
    QFETCH(int, receiverPs);
    QFETCH(int, maxPayload);
    Sender sender(senderDs, senderPs);
    std::mt19937 rng(12);
    const std::vector<Sent> sent =
        sendPayloads(sender, 3000, rng, 0, static_cast<std::size_t>(maxPayload));
    Receiver rx(receiverDs, receiverPs);
    std::size_t dataDelivered = 0;
    for (std::size_t i = 0; i < sent.size(); ++i)
    {
        if (i % 7 == 6)
            continue;
        const kcp::FecDecoder::Result result = rx.feed(sent[i].packet);
        if (sent[i].data)
        {
            QCOMPARE(result.kind, Kind::Data);
            ++dataDelivered;
        }
    }
    QCOMPARE(rx.regular.size(), dataDelivered);
    QVERIFY(rx.counters().geometryMismatch > 0);
    QVERIFY(allGenuine(rx.recovered, sent));
    QVERIFY(rx.recovered.empty());
    QCOMPARE(rx.counters().errors, std::uint64_t{0});
}

void TestFecDecoder::consistentLookingGroupOfWrongGeometry()
{
    // Peer 10/3, us 3/2: seqids 20..24 are data, data, data, parity, parity for both, but the
    // parity belongs to the peer's group 13..25. After the contradictions of earlier seqids,
    // that group must not be "recovered".
    Sender sender(10, 3);
    std::mt19937 rng(13);
    const std::vector<Sent> sent = sendPayloads(sender, 20, rng);
    Receiver rx(3, 2);
    for (std::uint32_t i = 0; i < 26; ++i)
        if (i != 21 && i != 5)
            rx.feed(sent[i].packet);
    QVERIFY(rx.counters().geometryMismatch > 0);
    QVERIFY(rx.recovered.empty());

    // Without any earlier contradiction seen, a decoder that only saw 20..24 cannot know; this is
    // why the whole decoder is quarantined instead of single groups.
    Receiver fresh(3, 2);
    for (std::uint32_t i = 20; i < 25; ++i)
        if (i != 21)
            fresh.feed(sent[i].packet);
    QCOMPARE(fresh.counters().geometryMismatch, std::uint64_t{0});
}

void TestFecDecoder::quarantineEndsAfterCleanTraffic()
{
    // One contradicting shard switches recovery off; it comes back only after
    // GeometryQuarantineSlots seqids of consistent traffic.
    Sender sender(3, 2);
    std::mt19937 rng(14);
    const int groups = int(kcp::FecDecoder::GeometryQuarantineSlots / 5) + 20;
    Receiver rx(3, 2);
    std::vector<Sent> sent;
    for (int g = 0; g < groups; ++g)
    {
        sent.clear();
        for (int d = 0; d < 3; ++d)
            sender.send(randomPayload(rng, 30, 60), sent);
        if (g == 1)
        {
            Bytes forged = sent[3].packet; // a "data" shard at a parity position
            forged[4] = 0xf1;
            forged[6] = 2;
            forged[7] = 0;
            rx.feed(forged);
        }
        const std::size_t before = rx.recovered.size();
        for (int i = 1; i < 5; ++i) // data shard 0 of every group lost
            if (!(g == 1 && i == 3))
                rx.feed(sent[i].packet);
        const bool recovered = rx.recovered.size() > before;
        if (g == 0)
            QVERIFY(recovered);
        else if (g >= 1 && g < 1000)
            QVERIFY(!recovered);
        else if (g == groups - 1)
            QVERIFY(recovered);
        if (recovered)
            QCOMPARE(rx.recovered.back(), sent[0].kcp);
    }
    QCOMPARE(rx.counters().geometryMismatch, std::uint64_t{1});
}

void TestFecDecoder::expiryByTime()
{
    // Shards older than 60 s are dropped (kcp-go fecExpire): strictly more than 60000 ms.
    for (const kcp::Millis base : {kcp::Millis{1000}, kcp::Millis{0xffffff00}})
    {
        for (const kcp::Millis delay : {kcp::Millis{60000}, kcp::Millis{60001}})
        {
            const std::vector<Sent> sent = oneGroup(3, 2, 15);
            Receiver rx(3, 2);
            rx.feed(sent[0].packet, base);
            rx.feed(sent[3].packet, base + delay);
            rx.feed(sent[4].packet, base + delay);
            QCOMPARE(rx.recovered.size(), delay > 60000 ? std::size_t{0} : std::size_t{2});
        }
    }
}

void TestFecDecoder::rxLimitEvictsOldestAndCountsShortShards()
{
    // Only data shard 0 of each (3,2) group arrives: groups never become usable, the decoder
    // keeps 3 * n = 15 shards and evicts the oldest, counting it as a short shard.
    Sender sender(3, 2);
    std::mt19937 rng(16);
    const std::vector<Sent> sent = sendPayloads(sender, 40 * 3, rng);
    Receiver rx(3, 2);
    for (int g = 0; g < 40; ++g)
        rx.feed(sent[g * 5].packet);
    QCOMPARE(rx.counters().shortShards, std::uint64_t{40 - 15});
    QCOMPARE(rx.regular.size(), std::size_t{40});

    // Evicted parity is not a short shard.
    Receiver parityOnly(3, 2);
    for (int g = 0; g < 40; ++g)
        parityOnly.feed(sent[g * 5 + 3].packet);
    QCOMPARE(parityOnly.counters().shortShards, std::uint64_t{0});

    // Data shards of complete groups are freed, not evicted.
    Receiver rx2(3, 2);
    for (const Sent& s : sent)
        rx2.feed(s.packet);
    QCOMPARE(rx2.counters().shortShards, std::uint64_t{0});
}

void TestFecDecoder::seqidWrapAtPaws_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    QTest::newRow("10_3") << 10 << 3;
    QTest::newRow("3_2") << 3 << 2;
    QTest::newRow("1_1") << 1 << 1;
}

void TestFecDecoder::seqidWrapAtPaws()
{
    QFETCH(int, ds);
    QFETCH(int, ps);
    const int n = ds + ps;
    Sender sender(ds, ps);
    const std::uint32_t paws = sender.encoder().paws();
    sender.encoder().setNextSeqid(paws - 4 * std::uint32_t(n));
    std::mt19937 rng(17);
    const std::vector<Sent> sent = sendPayloads(sender, 8 * ds, rng);
    Receiver rx(ds, ps);
    // Lose data shard (g % ds) of every group, on both sides of the wrap.
    std::set<std::size_t> lost;
    for (int g = 0; g < 8; ++g)
        lost.insert(std::size_t(g * n + g % ds));
    for (std::size_t i = 0; i < sent.size(); ++i)
        if (!lost.count(i))
            rx.feed(sent[i].packet);
    QCOMPARE(rx.recovered.size(), std::size_t{8});
    std::size_t r = 0;
    for (std::size_t i : lost)
        QCOMPARE(rx.recovered[r++], sent[i].kcp);
    QCOMPARE(rx.counters().geometryMismatch, std::uint64_t{0});
    QCOMPARE(rx.counters().duplicates, std::uint64_t{0});
    QCOMPARE(rx.counters().late, std::uint64_t{0});
    QCOMPARE(rx.counters().pathReceived, std::uint64_t(sent.size() - lost.size()));
}

void TestFecDecoder::malformedPackets()
{
    Receiver rx(3, 2);
    std::mt19937 rng(18);
    std::uint64_t expected = 0;
    for (std::size_t length = 0; length < 8; ++length)
    {
        for (int variant = 0; variant < 3; ++variant)
        {
            Bytes packet(length);
            for (std::uint8_t& b : packet)
                b = static_cast<std::uint8_t>(rng());
            if (length >= 6 && variant > 0)
            {
                packet[4] = variant == 1 ? 0xf1 : 0xf2;
                packet[5] = 0;
            }
            QCOMPARE(rx.feed(packet).kind, Kind::Malformed);
            QCOMPARE(rx.counters().malformed, ++expected);
        }
    }
    // The size field lies: below 2, or beyond the packet.
    for (const std::uint16_t size :
         {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{35}, std::uint16_t{0xffff}})
    {
        Bytes packet(40, 0x55);
        packet[0] = 1;
        packet[1] = packet[2] = packet[3] = 0;
        packet[4] = 0xf1;
        packet[5] = 0;
        packet[6] = static_cast<std::uint8_t>(size);
        packet[7] = static_cast<std::uint8_t>(size >> 8);
        const kcp::FecDecoder::Result result = rx.feed(packet);
        QCOMPARE(result.kind, Kind::Malformed);
        QVERIFY(result.kcp.empty());
        QCOMPARE(rx.counters().malformed, ++expected);
    }
    // Not an FEC type at all.
    Bytes kcpSegment(40, 0);
    kcpSegment[4] = 81;
    QCOMPARE(rx.feed(kcpSegment).kind, Kind::Malformed);
    // Minimal valid packets: an empty data shard and an 8-byte parity.
    const Bytes emptyData = {0, 0, 0, 0, 0xf1, 0, 2, 0};
    const kcp::FecDecoder::Result data = rx.feed(emptyData);
    QCOMPARE(data.kind, Kind::Data);
    QVERIFY(data.kcp.empty());
    const Bytes parity = {3, 0, 0, 0, 0xf2, 0, 0, 0};
    QCOMPARE(rx.feed(parity).kind, Kind::Parity);
    QVERIFY(rx.recovered.empty());
    QCOMPARE(rx.counters().geometryMismatch, std::uint64_t{0});

    // Random garbage with FEC types, many lengths: no crash, never anything recovered that
    // the size rules would not allow.
    for (int i = 0; i < 20000; ++i)
    {
        Bytes packet(rng() % 64);
        for (std::uint8_t& b : packet)
            b = static_cast<std::uint8_t>(rng());
        if (packet.size() >= 6)
        {
            packet[4] = rng() % 2 ? 0xf1 : 0xf2;
            packet[5] = 0;
            packet[1] = packet[2] = packet[3] = 0; // keep seqids close so groups form
        }
        const kcp::FecDecoder::Result result = rx.decoder.input(packet, 0);
        for (const std::span<const std::uint8_t> r : result.recovered)
            QVERIFY(r.size() <= 64);
    }
}

void TestFecDecoder::sizeFieldShorterThanPacket()
{
    // Trailing bytes beyond size are ignored (kcp-go itself ignores the field for data).
    Bytes packet = {0, 0, 0, 0, 0xf1, 0, 5, 0, 'a', 'b', 'c', 'x', 'y'};
    Receiver rx(3, 2);
    const kcp::FecDecoder::Result result = rx.feed(packet);
    QCOMPARE(result.kind, Kind::Data);
    QCOMPARE(Bytes(result.kcp.begin(), result.kcp.end()), (Bytes{'a', 'b', 'c'}));
}

void TestFecDecoder::oversizedPacketIsDeliveredNotKept()
{
    Sender sender(3, 2, 1500);
    std::vector<Sent> sent;
    sender.send(Bytes(300, 1), sent);
    sender.send(Bytes(50, 2), sent);
    sender.send(Bytes(50, 3), sent);
    Receiver rx(3, 2, 200);
    QCOMPARE(rx.feed(sent[0].packet).kind, Kind::Data);
    QCOMPARE(rx.regular[0], Bytes(300, 1));
    QCOMPARE(rx.counters().oversized, std::uint64_t{1});
    rx.feed(sent[2].packet);
    QCOMPARE(rx.feed(sent[3].packet).kind, Kind::Parity); // parity is 308 bytes: not kept
    QCOMPARE(rx.counters().oversized, std::uint64_t{2});
    QVERIFY(rx.recovered.empty());
}

void TestFecDecoder::rebuiltShardWithBadSizeCountsError()
{
    // A consistent-looking group whose parity was tampered with: the rebuilt size field is
    // outside [2, shard length], so it counts as an FEC error (kcp-go FECErrs) and nothing is
    // returned. Row 0 of (3,2) is 01 01 01 (plain XOR), so the rebuilt size of data shard 0 is
    // size(1) ^ size(2) ^ parity[0..1] = 22 ^ 22 ^ parity: whatever we put in the parity.
    for (const std::uint16_t rebuiltSize : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{23},
                                            std::uint16_t{0xffff}, std::uint16_t{22}})
    {
        const std::vector<Sent> sent = oneGroup(3, 2, 19, 20, 20);
        Receiver rx(3, 2);
        Bytes parity = sent[3].packet;
        const std::uint16_t original = static_cast<std::uint16_t>(parity[6] | parity[7] << 8);
        const std::uint16_t mask = static_cast<std::uint16_t>(original ^ rebuiltSize);
        parity[6] ^= static_cast<std::uint8_t>(mask);
        parity[7] ^= static_cast<std::uint8_t>(mask >> 8);
        rx.feed(sent[1].packet);
        rx.feed(sent[2].packet);
        rx.feed(parity);
        const bool valid = rebuiltSize == 22;
        QCOMPARE(rx.recovered.size(), std::size_t{valid ? 1u : 0u});
        QCOMPARE(rx.counters().errors, std::uint64_t{valid ? 0u : 1u});
        QCOMPARE(rx.counters().reconstructed, std::uint64_t{valid ? 1u : 0u});
        if (valid)
            QCOMPARE(rx.recovered[0], sent[0].kcp);
    }
}

void TestFecDecoder::steadyStateDoesNotAllocate()
{
    const int ds = 10;
    const int ps = 3;
    for (kcp::GfEngine engine : AllEngines)
    {
        Sender sender(ds, ps, 1400, engine);
        std::mt19937 rng(20);
        const std::vector<Sent> sent = sendPayloads(sender, 2000 * ds, rng, 24, 1380);
        std::vector<const Bytes*> packets;
        for (std::size_t i = 0; i < sent.size(); ++i)
            if (i % 7 != 3 && i % 11 != 5)
                packets.push_back(&sent[i].packet);

        kcp::FecDecoder decoder(ds, ps, 1400, engine);
        std::uint64_t recovered = 0;
        const std::size_t warmup = packets.size() / 4;
        std::uint64_t allocations = 0;
        for (std::size_t i = 0; i < packets.size(); ++i)
        {
            if (i == warmup)
                allocations = g_allocations.load();
            recovered += decoder.input(*packets[i], kcp::Millis(i)).recovered.size();
        }
        allocations = g_allocations.load() - allocations;
        QCOMPARE(allocations, std::uint64_t{0});
        QVERIFY(recovered > 1000);

        // The encoder too.
        kcp::FecEncoder encoder(ds, ps, 1400, engine);
        Bytes packet(1400);
        std::vector<Bytes> parity(ps, Bytes(1400));
        std::vector<std::uint8_t*> out;
        for (Bytes& p : parity)
            out.push_back(p.data());
        const std::uint64_t before = g_allocations.load();
        for (int i = 0; i < 10000; ++i)
            if (encoder.encode(packet.data(), 100 + std::size_t(i % 1200)))
                encoder.emitParity(out.data());
        QCOMPARE(g_allocations.load() - before, std::uint64_t{0});
    }
}

QTEST_APPLESS_MAIN(TestFecDecoder)
#include "test_fec_decoder.moc"
