// The GF(2^8) kernels behind ReedSolomon (GFNI on 512-bit and 256-bit vectors, ISA-L) against a
// scalar reference and against each other: every coefficient, lengths that are not multiples of
// the vector size, many (ds, ps) shapes, incremental encoding, and no byte written outside the
// region asked for. On a CPU without GFNI every engine runs ISA-L and the comparisons are trivial
// but still pass; the log says which kernels ran.

#include "kcp/reed_solomon.h"

#include <QtTest>

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>
#include <string>

namespace
{

using Bytes = std::vector<std::uint8_t>;

constexpr kcp::GfEngine Engines[] = {kcp::GfEngine::Best, kcp::GfEngine::Gfni256,
                                     kcp::GfEngine::Isal};

const char* engineName(kcp::GfEngine engine)
{
    switch (engine)
    {
    case kcp::GfEngine::Best:
        return "best";
    case kcp::GfEngine::Gfni256:
        return "gfni256";
    case kcp::GfEngine::Isal:
        break;
    }
    return "isal";
}

// Reference multiply in GF(2^8) reduced by x^8 + x^4 + x^3 + x^2 + 1 (0x11d, klauspost's and
// ISA-L's field), written independently of the library.
std::uint8_t gfMul(std::uint8_t a, std::uint8_t b)
{
    std::uint8_t product = 0;
    for (int bit = 0; bit < 8; ++bit)
    {
        if (b & (1u << bit))
            product ^= a;
        const bool carry = (a & 0x80) != 0;
        a = static_cast<std::uint8_t>(a << 1);
        if (carry)
            a ^= 0x1d;
    }
    return product;
}

// gfMul as a table, for the bulk reference computations (a 128 x 128 code is 16384 products
// per byte position).
const std::vector<std::uint8_t>& mulTable()
{
    static const std::vector<std::uint8_t> table = []
    {
        std::vector<std::uint8_t> t(256 * 256);
        for (int a = 0; a < 256; ++a)
            for (int b = 0; b < 256; ++b)
                t[a * 256 + b] = gfMul(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b));
        return t;
    }();
    return table;
}

Bytes randomBytes(std::size_t length, std::mt19937& rng)
{
    Bytes bytes(length);
    for (std::uint8_t& byte : bytes)
        byte = static_cast<std::uint8_t>(rng());
    return bytes;
}

// A region of `length` bytes at a chosen misalignment inside a buffer whose every other byte is
// a known guard pattern, so that a kernel writing one byte too many is caught.
class Guarded
{
public:
    static constexpr std::size_t Guard = 160; // more than two 64-byte vectors either side

    Guarded(std::size_t length, std::size_t misalign)
        : m_length(length), m_offset(Guard + misalign), m_storage(Guard + misalign + length + Guard)
    {
        for (std::size_t i = 0; i < m_storage.size(); ++i)
            m_storage[i] = guardByte(i);
    }

    std::uint8_t* data() { return m_storage.data() + m_offset; }
    Bytes region() const
    {
        return Bytes(m_storage.begin() + static_cast<std::ptrdiff_t>(m_offset),
                     m_storage.begin() + static_cast<std::ptrdiff_t>(m_offset + m_length));
    }
    void fill(const Bytes& bytes) { std::copy(bytes.begin(), bytes.end(), data()); }
    bool guardsIntact() const
    {
        for (std::size_t i = 0; i < m_storage.size(); ++i)
        {
            if (i >= m_offset && i < m_offset + m_length)
                continue;
            if (m_storage[i] != guardByte(i))
                return false;
        }
        return true;
    }

private:
    static std::uint8_t guardByte(std::size_t i) { return static_cast<std::uint8_t>(0xa5 ^ i); }

    std::size_t m_length;
    std::size_t m_offset;
    Bytes m_storage;
};

// Lengths around every vector boundary, plus packet sizes.
const std::vector<std::size_t>& oddLengths()
{
    static const std::vector<std::size_t> lengths = {
        1,  2,  3,   15,  16,  17,  31,  32,  33,  47,   63,   64,   65,   95,
        96, 97, 127, 128, 129, 191, 255, 256, 257, 1000, 1350, 1494, 1499, 1500};
    return lengths;
}

// Parity by the scalar reference from the codec's own parity rows.
std::vector<Bytes> referenceParity(const kcp::ReedSolomon& codec, const std::vector<Bytes>& data,
                                   std::size_t length)
{
    std::vector<Bytes> parity;
    const std::vector<std::uint8_t>& table = mulTable();
    for (const std::vector<std::uint8_t>& row : codec.parityRows())
    {
        Bytes out(length, 0);
        for (std::size_t s = 0; s < data.size(); ++s)
        {
            const std::uint8_t* products = table.data() + row[s] * 256;
            for (std::size_t i = 0; i < length; ++i)
                out[i] ^= products[data[s][i]];
        }
        parity.push_back(out);
    }
    return parity;
}

std::vector<Bytes> encodeWith(kcp::ReedSolomon& codec, const std::vector<Bytes>& data,
                              std::size_t length, bool* guardsIntact)
{
    const int ps = codec.parityShards();
    std::vector<const std::uint8_t*> sources;
    for (const Bytes& shard : data)
        sources.push_back(shard.data());
    std::vector<Guarded> parity;
    std::vector<std::uint8_t*> targets;
    for (int p = 0; p < ps; ++p)
        parity.emplace_back(length, static_cast<std::size_t>(p * 7) % 64);
    for (Guarded& g : parity)
        targets.push_back(g.data());
    codec.encode(sources.data(), targets.data(), length);
    std::vector<Bytes> out;
    *guardsIntact = true;
    for (const Guarded& g : parity)
    {
        out.push_back(g.region());
        *guardsIntact = *guardsIntact && g.guardsIntact();
    }
    return out;
}

} // namespace

class TestGfKernels : public QObject
{
    Q_OBJECT

private slots:
    void reportsImplementation();
    void everyCoefficientMatchesReference_data();
    void everyCoefficientMatchesReference();
    void encodeMatchesReferenceOnEveryEngine_data();
    void encodeMatchesReferenceOnEveryEngine();
    void encodeUpdateMatchesPaddedEncode_data();
    void encodeUpdateMatchesPaddedEncode();
    void encodeUpdateRejectsBadIndex();
    void reconstructMatchesOnEveryEngine_data();
    void reconstructMatchesOnEveryEngine();
};

void TestGfKernels::reportsImplementation()
{
    const std::string best(kcp::ReedSolomon(10, 3).implementation());
    const std::string capped(kcp::ReedSolomon(10, 3, kcp::GfEngine::Gfni256).implementation());
    const std::string isal(kcp::ReedSolomon(10, 3, kcp::GfEngine::Isal).implementation());
    qInfo("kernels on this CPU: best=%s gfni256=%s isal=%s", best.c_str(), capped.c_str(),
          isal.c_str());
    QCOMPARE(isal, std::string("isa-l"));
    QVERIFY(capped == "gfni256" || capped == "isa-l");
    QVERIFY(best == "gfni512" || best == capped);
    QCOMPARE(std::string(kcp::ReedSolomon(10, 3, kcp::GfEngine::Best).implementation()), best);
}

void TestGfKernels::everyCoefficientMatchesReference_data()
{
    QTest::addColumn<int>("engine");
    for (kcp::GfEngine engine : Engines)
        QTest::newRow(engineName(engine)) << static_cast<int>(engine);
}

void TestGfKernels::everyCoefficientMatchesReference()
{
    // Each coefficient is its own 8x8 bit matrix in the GFNI kernels: check all 256, written
    // and accumulated, over lengths that end mid-vector and at misaligned addresses.
    QFETCH(int, engine);
    std::mt19937 rng(static_cast<std::uint32_t>(engine + 1));
    for (int c = 0; c < 256; ++c)
    {
        const auto coefficient = static_cast<std::uint8_t>(c);
        for (std::size_t length : oddLengths())
        {
            const Bytes input = randomBytes(length, rng);
            const Bytes before = randomBytes(length, rng);
            Bytes product(length);
            for (std::size_t i = 0; i < length; ++i)
                product[i] = gfMul(coefficient, input[i]);

            for (bool accumulate : {false, true})
            {
                Guarded in(length, static_cast<std::size_t>(c) % 64);
                in.fill(input);
                Guarded out(length, static_cast<std::size_t>(c * 5 + 3) % 64);
                out.fill(before);
                kcp::gfMultiplyRegion(static_cast<kcp::GfEngine>(engine), coefficient, in.data(),
                                      out.data(), length, accumulate);
                Bytes expected = product;
                if (accumulate)
                    for (std::size_t i = 0; i < length; ++i)
                        expected[i] ^= before[i];
                if (out.region() != expected || !out.guardsIntact() || in.region() != input)
                {
                    QFAIL(qPrintable(QStringLiteral("c=%1 length=%2 accumulate=%3")
                                         .arg(c)
                                         .arg(length)
                                         .arg(accumulate)));
                }
            }
        }
    }
}

void TestGfKernels::encodeMatchesReferenceOnEveryEngine_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    for (const auto& [ds, ps] :
         {std::pair{1, 1}, std::pair{1, 2}, std::pair{2, 1}, std::pair{3, 2}, std::pair{4, 4},
          std::pair{5, 7}, std::pair{10, 3}, std::pair{17, 9}, std::pair{20, 10}, std::pair{30, 2},
          std::pair{1, 255}, std::pair{255, 1}, std::pair{128, 128}})
        QTest::addRow("%d_%d", ds, ps) << ds << ps;
}

void TestGfKernels::encodeMatchesReferenceOnEveryEngine()
{
    // ISA-L, GFNI-512 and GFNI-256 parity must be identical, and equal to the scalar reference
    // computed from the klauspost parity rows, for every length, with nothing written past it.
    QFETCH(int, ds);
    QFETCH(int, ps);
    std::mt19937 rng(static_cast<std::uint32_t>(ds * 1000 + ps));
    const bool large = ds * ps > 400;
    // Built once: a 255-shard codec takes a while to build (its matrix is inverted by hand).
    std::vector<std::unique_ptr<kcp::ReedSolomon>> codecs;
    for (kcp::GfEngine engine : Engines)
        codecs.push_back(std::make_unique<kcp::ReedSolomon>(ds, ps, engine));
    for (std::size_t length : oddLengths())
    {
        if (large && length % 97 != 0 && length != 1 && length != 65 && length != 1499)
            continue; // the big shapes only sample lengths, to keep the test quick
        std::vector<Bytes> data;
        for (int s = 0; s < ds; ++s)
            data.push_back(randomBytes(length, rng));
        const std::vector<Bytes> expected = referenceParity(*codecs.back(), data, length);
        for (std::size_t e = 0; e < codecs.size(); ++e)
        {
            bool guardsIntact = false;
            const std::vector<Bytes> parity = encodeWith(*codecs[e], data, length, &guardsIntact);
            if (parity != expected || !guardsIntact)
                QFAIL(qPrintable(QStringLiteral("engine=%1 length=%2 guards=%3")
                                     .arg(engineName(Engines[e]))
                                     .arg(length)
                                     .arg(guardsIntact)));
        }
    }
}

void TestGfKernels::encodeUpdateMatchesPaddedEncode_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    for (kcp::GfEngine engine : Engines)
    {
        for (const auto& [ds, ps] :
             {std::pair{1, 1}, std::pair{2, 2}, std::pair{3, 2}, std::pair{10, 3}, std::pair{10, 4},
              std::pair{6, 5}, std::pair{20, 10}, std::pair{7, 11}, std::pair{255, 1},
              std::pair{254, 2}, std::pair{1, 200}, std::pair{2, 200}})
            QTest::addRow("%s_%d_%d", engineName(engine), ds, ps)
                << static_cast<int>(engine) << ds << ps;
    }
}

void TestGfKernels::encodeUpdateMatchesPaddedEncode()
{
    // FecEncoder's use: shards of different lengths fed one at a time or in pairs, in any order,
    // each with accumulated = the longest fed before it. The result must equal encode() over the
    // shards zero-padded to the longest, the accumulators' stale bytes (garbage here) must never
    // leak in, and nothing at or past the longest length may be written.
    QFETCH(int, engine);
    QFETCH(int, ds);
    QFETCH(int, ps);
    const auto gfEngine = static_cast<kcp::GfEngine>(engine);
    kcp::ReedSolomon codec(ds, ps, gfEngine);
    kcp::ReedSolomon reference(ds, ps, kcp::GfEngine::Isal);
    std::mt19937 rng(static_cast<std::uint32_t>(engine * 7919 + ds * 31 + ps));
    constexpr std::size_t Capacity = 1600;
    const int rounds = ds * ps > 300 ? 6 : 40;
    for (int round = 0; round < rounds; ++round)
    {
        // Mostly random lengths; some rounds all equal, some strictly growing or shrinking.
        std::vector<std::size_t> lengths(static_cast<std::size_t>(ds));
        for (int s = 0; s < ds; ++s)
        {
            switch (round % 4)
            {
            case 0:
                lengths[s] = 1 + rng() % 1500;
                break;
            case 1:
                lengths[s] = 1350;
                break;
            case 2:
                lengths[s] = 1 + static_cast<std::size_t>(s) * 1499 / std::max(1, ds - 1);
                break;
            default:
                lengths[s] = 1500 - static_cast<std::size_t>(s) * 1499 / std::max(1, ds - 1);
                break;
            }
        }
        std::vector<int> order(static_cast<std::size_t>(ds));
        std::iota(order.begin(), order.end(), 0);
        if (round % 2 == 1)
            std::shuffle(order.begin(), order.end(), rng);

        const std::size_t longest = *std::max_element(lengths.begin(), lengths.end());
        std::vector<Bytes> shards;
        std::vector<Bytes> padded;
        for (int s = 0; s < ds; ++s)
        {
            shards.push_back(randomBytes(lengths[s], rng));
            padded.push_back(shards.back());
            padded.back().resize(longest, 0);
        }

        // Accumulators full of garbage, as a reused FecEncoder's are.
        const Bytes garbage = randomBytes(Capacity, rng);
        std::vector<Bytes> parity(static_cast<std::size_t>(ps), garbage);
        std::vector<std::uint8_t*> targets;
        for (Bytes& p : parity)
            targets.push_back(p.data());
        // One shard per call; batches of 1..3 through the span form (the paired kernel); or
        // FecEncoder's pattern, pairs (2k, 2k + 1) in index order.
        const int mode = round % 3;
        if (mode == 2)
            std::iota(order.begin(), order.end(), 0);
        std::size_t accumulated = 0;
        const bool batched = mode != 0;
        for (std::size_t next = 0; next < order.size();)
        {
            const std::size_t count =
                mode == 0
                    ? 1
                    : std::min<std::size_t>(mode == 2 ? 2 : 1 + rng() % 3, order.size() - next);
            std::vector<kcp::ReedSolomon::DataShard> batch;
            for (std::size_t k = next; k < next + count; ++k)
            {
                const int s = order[k];
                batch.push_back({s, shards[s].data(), lengths[s]});
            }
            if (batched)
                codec.encodeUpdate(batch, targets.data(), accumulated);
            else
                codec.encodeUpdate(batch[0].index, batch[0].data, batch[0].length, targets.data(),
                                   accumulated);
            for (const kcp::ReedSolomon::DataShard& shard : batch)
                accumulated = std::max(accumulated, shard.length);
            next += count;
        }

        std::vector<Bytes> expected(static_cast<std::size_t>(ps), Bytes(longest));
        std::vector<const std::uint8_t*> sources;
        for (const Bytes& shard : padded)
            sources.push_back(shard.data());
        std::vector<std::uint8_t*> expectedTargets;
        for (Bytes& e : expected)
            expectedTargets.push_back(e.data());
        reference.encode(sources.data(), expectedTargets.data(), longest);

        for (int p = 0; p < ps; ++p)
        {
            const Bytes head(parity[p].begin(), parity[p].begin() + longest);
            const Bytes tail(parity[p].begin() + longest, parity[p].end());
            const Bytes garbageTail(garbage.begin() + longest, garbage.end());
            if (head != expected[p] || tail != garbageTail)
                QFAIL(qPrintable(QStringLiteral("round %1 parity %2 longest %3 (tail kept: %4)")
                                     .arg(round)
                                     .arg(p)
                                     .arg(longest)
                                     .arg(tail == garbageTail)));
        }
    }
}

void TestGfKernels::encodeUpdateRejectsBadIndex()
{
    kcp::ReedSolomon codec(3, 2);
    Bytes shard(10);
    Bytes p0(10), p1(10);
    std::uint8_t* parity[2] = {p0.data(), p1.data()};
    QVERIFY_THROWS_EXCEPTION(std::out_of_range,
                             codec.encodeUpdate(3, shard.data(), shard.size(), parity, 0));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range,
                             codec.encodeUpdate(-1, shard.data(), shard.size(), parity, 0));
    const kcp::ReedSolomon::DataShard batch[2] = {{0, shard.data(), shard.size()},
                                                  {5, shard.data(), shard.size()}};
    p0.assign(10, 0x77);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, codec.encodeUpdate(batch, parity, 0));
    QCOMPARE(p0, Bytes(10, 0x77)); // checked before anything is written
}

void TestGfKernels::reconstructMatchesOnEveryEngine_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    for (const auto& [ds, ps] :
         {std::pair{1, 1}, std::pair{2, 2}, std::pair{3, 2}, std::pair{10, 3}, std::pair{6, 9},
          std::pair{20, 10}, std::pair{255, 1}, std::pair{1, 255}, std::pair{100, 100}})
        QTest::addRow("%d_%d", ds, ps) << ds << ps;
}

void TestGfKernels::reconstructMatchesOnEveryEngine()
{
    // Random loss patterns (up to ps shards, at least one data shard) and odd lengths: every
    // engine must rebuild the exact data, and must not write past the shard length.
    QFETCH(int, ds);
    QFETCH(int, ps);
    const int n = ds + ps;
    std::mt19937 rng(static_cast<std::uint32_t>(ds * 131 + ps));
    const int trials = ds * ps > 300 ? 4 : 30;
    for (kcp::GfEngine engine : Engines)
    {
        kcp::ReedSolomon codec(ds, ps, engine);
        for (int trial = 0; trial < trials; ++trial)
        {
            const std::size_t length = oddLengths()[rng() % oddLengths().size()];
            std::vector<Bytes> data;
            for (int s = 0; s < ds; ++s)
                data.push_back(randomBytes(length, rng));
            const std::vector<Bytes> parity = referenceParity(codec, data, length);

            // One random data shard plus up to ps - 1 other shards are lost.
            std::vector<bool> present(static_cast<std::size_t>(n), true);
            const int firstLost = static_cast<int>(rng() % static_cast<unsigned>(ds));
            present[firstLost] = false;
            std::vector<int> others;
            for (int i = 0; i < n; ++i)
                if (i != firstLost)
                    others.push_back(i);
            std::shuffle(others.begin(), others.end(), rng);
            const int moreLost = static_cast<int>(rng() % static_cast<unsigned>(ps));
            for (int i = 0; i < moreLost; ++i)
                present[others[i]] = false;

            std::vector<Guarded> shards;
            for (int i = 0; i < n; ++i)
            {
                shards.emplace_back(length, static_cast<std::size_t>(i * 13) % 64);
                if (present[i])
                    shards.back().fill(i < ds ? data[i] : parity[i - ds]);
            }
            std::vector<std::uint8_t*> pointers;
            for (Guarded& g : shards)
                pointers.push_back(g.data());
            std::unique_ptr<bool[]> presentFlags(new bool[n]);
            for (int i = 0; i < n; ++i)
                presentFlags[i] = present[i];
            QVERIFY(codec.reconstructData(pointers.data(), presentFlags.get(), length));
            for (int s = 0; s < ds; ++s)
            {
                if (shards[s].region() != data[s] || !shards[s].guardsIntact())
                    QFAIL(qPrintable(QStringLiteral("engine=%1 trial=%2 shard=%3 length=%4")
                                         .arg(engineName(engine))
                                         .arg(trial)
                                         .arg(s)
                                         .arg(length)));
            }
        }
    }
}

QTEST_APPLESS_MAIN(TestGfKernels)
#include "test_gf_kernels.moc"
