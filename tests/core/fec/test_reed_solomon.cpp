// Reed-Solomon against klauspost/reedsolomon's output (tests/vectors/rs_parity.json) and
// reconstruction of every recoverable loss pattern.

#include "kcp/reed_solomon.h"

#include "support/vectors.h"

#include <QtTest>

#include <algorithm>
#include <bit>
#include <numeric>
#include <random>
#include <stdexcept>

using namespace testsupport;

namespace
{

using Bytes = std::vector<std::uint8_t>;

std::vector<Bytes> hexList(const QJsonArray& array)
{
    std::vector<Bytes> out;
    for (const QJsonValue& value : array)
        out.push_back(fromHex(value.toString()));
    return out;
}

std::vector<Bytes> randomShards(int count, std::size_t length, std::mt19937& rng)
{
    std::vector<Bytes> shards(static_cast<std::size_t>(count), Bytes(length));
    for (Bytes& shard : shards)
        for (std::uint8_t& byte : shard)
            byte = static_cast<std::uint8_t>(rng());
    return shards;
}

// Encodes random data, drops the shards flagged in lost, reconstructs, and checks that every
// data shard is back (and that lost parity was left alone).
void roundTrip(kcp::ReedSolomon& codec, const std::vector<bool>& lost, std::size_t length,
               std::mt19937& rng)
{
    const int ds = codec.dataShards();
    const int ps = codec.parityShards();
    const std::vector<Bytes> original = randomShards(ds, length, rng);
    std::vector<Bytes> shards = original;
    shards.resize(static_cast<std::size_t>(ds + ps), Bytes(length));
    std::vector<const std::uint8_t*> data;
    std::vector<std::uint8_t*> parity;
    for (int i = 0; i < ds; ++i)
        data.push_back(shards[i].data());
    for (int p = 0; p < ps; ++p)
        parity.push_back(shards[ds + p].data());
    codec.encode(data.data(), parity.data(), length);

    std::unique_ptr<bool[]> present(new bool[ds + ps]);
    std::vector<std::uint8_t*> pointers;
    const Bytes garbage(length, 0xa5);
    for (int i = 0; i < ds + ps; ++i)
    {
        present[i] = !lost[i];
        if (lost[i])
            shards[i] = garbage;
        pointers.push_back(shards[i].data());
    }
    QVERIFY(codec.reconstructData(pointers.data(), present.get(), length));
    for (int i = 0; i < ds; ++i)
        QCOMPARE(shards[i], original[i]);
    for (int p = 0; p < ps; ++p)
        if (lost[ds + p])
            QCOMPARE(shards[ds + p], garbage);
}

} // namespace

class TestReedSolomon : public QObject
{
    Q_OBJECT

private slots:
    void parityMatrixMatchesKlauspost_data();
    void parityMatrixMatchesKlauspost();
    void parityMatchesKlauspost_data();
    void parityMatchesKlauspost();
    void reconstructsEveryPattern_data();
    void reconstructsEveryPattern();
    void reconstructsSampledPatterns_data();
    void reconstructsSampledPatterns();
    void vectorShardsReconstruct();
    void tooFewShardsFails();
    void decodeTablesAreCached();
    void cacheEvictionStaysCorrect();
    void rejectsBadGeometry();
};

void TestReedSolomon::parityMatrixMatchesKlauspost_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    QTest::addColumn<QJsonArray>("rows");
    const QJsonObject vectors = loadVectors(QStringLiteral("rs_parity.json"));
    QCOMPARE(vectors.value("field_polynomial").toString(), QStringLiteral("0x11d"));
    const QJsonArray configs = vectors.value("configs").toArray();
    QCOMPARE(configs.size(), 4);
    for (const QJsonValue& value : configs)
    {
        const QJsonObject config = value.toObject();
        const int ds = config.value("datashard").toInt();
        const int ps = config.value("parityshard").toInt();
        QTest::addRow("%d_%d", ds, ps)
            << ds << ps << config.value("parity_matrix_rows_hex").toArray();
    }
}

void TestReedSolomon::parityMatrixMatchesKlauspost()
{
    QFETCH(int, ds);
    QFETCH(int, ps);
    QFETCH(QJsonArray, rows);
    kcp::ReedSolomon codec(ds, ps);
    QCOMPARE(codec.dataShards(), ds);
    QCOMPARE(codec.parityShards(), ps);
    const std::vector<Bytes> expected = hexList(rows);
    QCOMPARE(int(expected.size()), ps);
    QCOMPARE(codec.parityRows(), expected);
}

void TestReedSolomon::parityMatchesKlauspost_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    QTest::addColumn<QJsonObject>("testCase");
    const QJsonArray configs =
        loadVectors(QStringLiteral("rs_parity.json")).value("configs").toArray();
    int cases = 0;
    for (const QJsonValue& value : configs)
    {
        const QJsonObject config = value.toObject();
        const int ds = config.value("datashard").toInt();
        const int ps = config.value("parityshard").toInt();
        for (const QJsonValue& c : config.value("cases").toArray())
        {
            const QJsonObject testCase = c.toObject();
            QTest::addRow("%d_%d_size%d", ds, ps, testCase.value("shard_size").toInt())
                << ds << ps << testCase;
            ++cases;
        }
    }
    QCOMPARE(cases, 16); // 4 configs x sizes 1, 13, 64, 1350
}

void TestReedSolomon::parityMatchesKlauspost()
{
    QFETCH(int, ds);
    QFETCH(int, ps);
    QFETCH(QJsonObject, testCase);
    const auto size = static_cast<std::size_t>(testCase.value("shard_size").toInt());
    const std::vector<Bytes> data = hexList(testCase.value("data_shards_hex").toArray());
    const std::vector<Bytes> expected = hexList(testCase.value("parity_shards_hex").toArray());
    QCOMPARE(int(data.size()), ds);
    QCOMPARE(int(expected.size()), ps);

    kcp::ReedSolomon codec(ds, ps);
    std::vector<const std::uint8_t*> dataPointers;
    for (const Bytes& shard : data)
    {
        QCOMPARE(shard.size(), size);
        dataPointers.push_back(shard.data());
    }
    std::vector<Bytes> parity(static_cast<std::size_t>(ps), Bytes(size, 0xee));
    std::vector<std::uint8_t*> parityPointers;
    for (Bytes& shard : parity)
        parityPointers.push_back(shard.data());
    codec.encode(dataPointers.data(), parityPointers.data(), size);
    for (int p = 0; p < ps; ++p)
        QCOMPARE(toHex(parity[p]), toHex(expected[p]));
}

void TestReedSolomon::reconstructsEveryPattern_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    QTest::newRow("1_1") << 1 << 1;
    QTest::newRow("2_1") << 2 << 1;
    QTest::newRow("3_2") << 3 << 2;
    QTest::newRow("4_4") << 4 << 4;
}

void TestReedSolomon::reconstructsEveryPattern()
{
    QFETCH(int, ds);
    QFETCH(int, ps);
    const int n = ds + ps;
    kcp::ReedSolomon codec(ds, ps);
    std::mt19937 rng(42);
    int patterns = 0;
    for (unsigned mask = 0; mask < (1u << n); ++mask)
    {
        if (std::popcount(mask) > ps)
            continue;
        std::vector<bool> lost(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i)
            lost[i] = (mask >> i & 1) != 0;
        for (std::size_t length :
             {std::size_t{1}, std::size_t{13}, std::size_t{64}, std::size_t{1350}})
        {
            roundTrip(codec, lost, length, rng);
            if (QTest::currentTestFailed())
            {
                qWarning("loss mask %#x, length %zu", mask, length);
                return;
            }
        }
        ++patterns;
    }
    QVERIFY(patterns > n);
}

void TestReedSolomon::reconstructsSampledPatterns_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    QTest::newRow("10_3") << 10 << 3;
    QTest::newRow("20_10") << 20 << 10;
    QTest::newRow("128_128") << 128 << 128;
    QTest::newRow("255_1") << 255 << 1;
}

void TestReedSolomon::reconstructsSampledPatterns()
{
    QFETCH(int, ds);
    QFETCH(int, ps);
    const int n = ds + ps;
    kcp::ReedSolomon codec(ds, ps);
    std::mt19937 rng(7);
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int trial = 0; trial < 60; ++trial)
    {
        // Lose exactly k shards, k cycling through 1..ps, favouring data shards.
        const int k = 1 + trial % ps;
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.begin() + ds, rng);
        std::shuffle(order.begin(), order.end(), rng);
        std::vector<bool> lost(static_cast<std::size_t>(n));
        for (int i = 0; i < k; ++i)
            lost[order[i]] = true;
        roundTrip(codec, lost, trial % 2 ? 1350 : 31, rng);
        if (QTest::currentTestFailed())
            return;
    }
    // Exactly ps data shards lost, the worst case.
    std::vector<bool> lost(static_cast<std::size_t>(n));
    for (int i = 0; i < std::min(ps, ds); ++i)
        lost[i * ds / std::min(ps, ds)] = true;
    roundTrip(codec, lost, 1350, rng);
}

void TestReedSolomon::vectorShardsReconstruct()
{
    // klauspost's own parity must rebuild the data it came from.
    const QJsonArray configs =
        loadVectors(QStringLiteral("rs_parity.json")).value("configs").toArray();
    for (const QJsonValue& value : configs)
    {
        const QJsonObject config = value.toObject();
        const int ds = config.value("datashard").toInt();
        const int ps = config.value("parityshard").toInt();
        kcp::ReedSolomon codec(ds, ps);
        for (const QJsonValue& c : config.value("cases").toArray())
        {
            const QJsonObject testCase = c.toObject();
            const std::vector<Bytes> data = hexList(testCase.value("data_shards_hex").toArray());
            std::vector<Bytes> shards = data;
            for (const Bytes& parity : hexList(testCase.value("parity_shards_hex").toArray()))
                shards.push_back(parity);
            const std::size_t size = data[0].size();
            std::unique_ptr<bool[]> present(new bool[ds + ps]);
            std::vector<std::uint8_t*> pointers;
            for (int i = 0; i < ds + ps; ++i)
            {
                // Lose the last min(ps, ds) data shards.
                present[i] = !(i < ds && i >= ds - std::min(ps, ds));
                if (!present[i])
                    std::fill(shards[i].begin(), shards[i].end(), 0);
                pointers.push_back(shards[i].data());
            }
            QVERIFY(codec.reconstructData(pointers.data(), present.get(), size));
            for (int i = 0; i < ds; ++i)
                QCOMPARE(toHex(shards[i]), toHex(data[i]));
        }
    }
}

void TestReedSolomon::tooFewShardsFails()
{
    kcp::ReedSolomon codec(3, 2);
    std::vector<Bytes> shards(5, Bytes(8, 0));
    std::vector<std::uint8_t*> pointers;
    for (Bytes& shard : shards)
        pointers.push_back(shard.data());
    bool present[5] = {true, false, false, true, false};
    QVERIFY(!codec.reconstructData(pointers.data(), present, 8));
    bool allData[5] = {true, true, true, false, false};
    QVERIFY(codec.reconstructData(pointers.data(), allData, 8));
    QCOMPARE(codec.decodeTableBuilds(), std::uint64_t{0});
}

void TestReedSolomon::decodeTablesAreCached()
{
    kcp::ReedSolomon codec(10, 3);
    std::mt19937 rng(3);
    std::vector<bool> lost(13);
    lost[1] = lost[4] = lost[9] = true;
    roundTrip(codec, lost, 100, rng);
    QCOMPARE(codec.decodeTableBuilds(), std::uint64_t{1});
    for (int i = 0; i < 5; ++i)
        roundTrip(codec, lost, 1350, rng);
    QCOMPARE(codec.decodeTableBuilds(), std::uint64_t{1});
    std::vector<bool> other(13);
    other[0] = true;
    roundTrip(codec, other, 100, rng);
    QCOMPARE(codec.decodeTableBuilds(), std::uint64_t{2});
    roundTrip(codec, lost, 100, rng);
    QCOMPARE(codec.decodeTableBuilds(), std::uint64_t{2});
}

void TestReedSolomon::cacheEvictionStaysCorrect()
{
    // More distinct patterns than the cache holds, revisited: evicted tables are rebuilt, and a
    // stale table is never used for another pattern.
    kcp::ReedSolomon codec(10, 3);
    std::mt19937 rng(11);
    int patterns = 0;
    for (int round = 0; round < 2; ++round)
    {
        for (int a = 0; a < 10; ++a)
        {
            for (int b = a + 1; b < 10; ++b)
            {
                for (int c = b + 1; c < 13; ++c)
                {
                    std::vector<bool> lost(13);
                    lost[a] = lost[b] = lost[c] = true;
                    roundTrip(codec, lost, 17, rng);
                    if (QTest::currentTestFailed())
                        return;
                    ++patterns;
                }
            }
        }
    }
    QVERIFY(codec.decodeTableBuilds() > std::uint64_t(patterns / 2));
}

void TestReedSolomon::rejectsBadGeometry()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kcp::ReedSolomon(0, 1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kcp::ReedSolomon(1, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kcp::ReedSolomon(200, 57));
    kcp::ReedSolomon largest(200, 56);
    QCOMPARE(largest.parityRows().size(), std::size_t{56});
}

QTEST_APPLESS_MAIN(TestReedSolomon)
#include "test_reed_solomon.moc"
