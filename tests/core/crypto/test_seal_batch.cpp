#include "kcp/packet_crypto.h"
#include "kcp/random_source.h"

#include <QtTest>

#include <array>
#include <cstring>
#include <random>
#include <span>
#include <vector>

// PacketCrypto::sealBatch and BlockCrypt::encryptBatch promise the bytes of one-by-one seal() and
// encrypt(); the AES kernels get there by a different route (interleaved CFB chains with lanes
// refilled as buffers end), so every name and engine is checked on random batches against the
// one-by-one path, which the vector tests pin to kcp-go.

Q_DECLARE_METATYPE(kcp::CipherEngine)

namespace
{

constexpr std::size_t kMaxDatagram = 1500;
constexpr std::size_t kWidestBatch = 8; // the AES kernel's lane count
constexpr std::array<kcp::CipherEngine, 3> kEngines = {
    kcp::CipherEngine::Best, kcp::CipherEngine::Avx2, kcp::CipherEngine::Portable};

const char* engineName(kcp::CipherEngine engine)
{
    switch (engine)
    {
    case kcp::CipherEngine::Best:
        return "best";
    case kcp::CipherEngine::Avx2:
        return "avx2";
    case kcp::CipherEngine::Portable:
        return "portable";
    }
    return "?";
}

kcp::SessionKey testKey()
{
    kcp::SessionKey key{};
    for (std::size_t i = 0; i < key.size(); ++i)
        key[i] = static_cast<std::uint8_t>(0x5a ^ (i * 37));
    return key;
}

std::array<std::uint8_t, 32> seed(std::uint8_t value)
{
    std::array<std::uint8_t, 32> s{};
    s.fill(value);
    return s;
}

// Body lengths as a session produces them: ACK-only flushes (one or a few 24-byte segments,
// maybe behind an 8-byte FEC header), full MTU datagrams, and anything in between, including the
// lengths around block boundaries.
std::size_t randomBodyLength(std::mt19937& rng, std::size_t maxBody)
{
    switch (rng() % 5)
    {
    case 0:
        return std::min<std::size_t>(maxBody, 24 * (1 + rng() % 3) + (rng() % 2) * 8);
    case 1:
        return maxBody;
    case 2:
        return std::min<std::size_t>(maxBody, rng() % 48);
    default:
        return rng() % (maxBody + 1);
    }
}

void addCryptRows(const std::vector<std::string>& names)
{
    QTest::addColumn<QString>("crypt");
    QTest::addColumn<kcp::CipherEngine>("engine");
    for (const std::string& name : names)
        for (const kcp::CipherEngine engine : kEngines)
            QTest::addRow("%s/%s", name.c_str(), engineName(engine))
                << QString::fromStdString(name) << engine;
}

} // namespace

class TestSealBatch : public QObject
{
    Q_OBJECT

private slots:
    void sealBatchEqualsOneByOne_data() { addCryptRows(kcp::packetCryptNames()); }
    void sealBatchEqualsOneByOne()
    {
        QFETCH(QString, crypt);
        QFETCH(kcp::CipherEngine, engine);
        const kcp::SessionKey key = testKey();
        const auto single = kcp::makePacketCrypto(crypt.toStdString(), key, engine);
        const auto batched = kcp::makePacketCrypto(crypt.toStdString(), key, engine);
        const std::size_t maxBody = kMaxDatagram - single->overhead();
        kcp::ChaChaRandom singleRandom(seed(7));
        kcp::ChaChaRandom batchedRandom(seed(7));
        std::mt19937 rng(2026);

        // Every size 1..widest+3 several times over, then batches long enough to refill lanes
        // many times and to span sealBatch's internal chunks.
        std::vector<std::size_t> sizes;
        for (int round = 0; round < 12; ++round)
            for (std::size_t n = 1; n <= kWidestBatch + 3; ++n)
                sizes.push_back(n);
        sizes.insert(sizes.end(), {17, 33, 64});

        std::size_t checked = 0;
        for (const std::size_t count : sizes)
        {
            std::vector<std::vector<std::uint8_t>> expected(count), actual(count);
            std::vector<kcp::SealJob> jobs(count);
            std::vector<std::size_t> expectedLengths(count);
            for (std::size_t i = 0; i < count; ++i)
            {
                const std::size_t body = randomBodyLength(rng, maxBody);
                expected[i].assign(kMaxDatagram, 0);
                for (std::size_t b = 0; b < body; ++b)
                    expected[i][single->headerSize() + b] = static_cast<std::uint8_t>(rng());
                actual[i] = expected[i];
                expectedLengths[i] = single->seal(expected[i].data(), body, singleRandom);
                jobs[i] = kcp::SealJob{actual[i].data(), body};
            }
            batched->sealBatch(jobs, batchedRandom);
            for (std::size_t i = 0; i < count; ++i)
            {
                if (jobs[i].length != expectedLengths[i] || actual[i] != expected[i])
                    QFAIL(qPrintable(QStringLiteral("batch of %1: datagram %2 (body %3) differs "
                                                    "from one-by-one seal")
                                         .arg(count)
                                         .arg(i)
                                         .arg(jobs[i].bodyLength)));
                // And the peer accepts it: a batch that skipped the crc would still fail here.
                const auto opened = single->open(actual[i].data(), jobs[i].length);
                QVERIFY(opened.has_value());
                QCOMPARE(opened->size(), jobs[i].bodyLength);
                ++checked;
            }
        }
        QVERIFY(checked > 500);
    }

    // The bare ciphers on every short length (no header guarantees a whole block here), block
    // edges and long buffers, in batches that mix them.
    void encryptBatchEqualsOneByOne_data() { addCryptRows(kcp::kcptunCryptNames()); }
    void encryptBatchEqualsOneByOne()
    {
        QFETCH(QString, crypt);
        QFETCH(kcp::CipherEngine, engine);
        const auto cipher = kcp::makeBlockCrypt(crypt.toStdString(), testKey(), engine);
        std::mt19937 rng(99);
        const std::vector<std::size_t> edgeLengths = {0,  1,  7,  8,  9,  15, 16,   17,   31,
                                                      32, 33, 48, 63, 64, 65, 1349, 1350, 1500};
        for (int round = 0; round < 40; ++round)
        {
            const std::size_t count = 1 + rng() % (2 * kWidestBatch + 3);
            std::vector<std::vector<std::uint8_t>> expected(count), actual(count);
            std::vector<std::span<std::uint8_t>> buffers(count);
            for (std::size_t i = 0; i < count; ++i)
            {
                const std::size_t length = rng() % 2 ? edgeLengths[rng() % edgeLengths.size()]
                                                     : rng() % (kMaxDatagram + 1);
                expected[i].resize(length);
                for (std::uint8_t& b : expected[i])
                    b = static_cast<std::uint8_t>(rng());
                actual[i] = expected[i];
                cipher->encrypt(expected[i].data(), expected[i].size());
                buffers[i] = actual[i];
            }
            cipher->encryptBatch(buffers);
            for (std::size_t i = 0; i < count; ++i)
                if (actual[i] != expected[i])
                    QFAIL(qPrintable(QStringLiteral("round %1, batch of %2: buffer %3 (%4 bytes) "
                                                    "differs from one-by-one encrypt")
                                         .arg(round)
                                         .arg(count)
                                         .arg(i)
                                         .arg(expected[i].size())));
        }
    }

    void emptyBatchDrawsNothing()
    {
        const auto crypto = kcp::makePacketCrypto("aes", testKey());
        kcp::ChaChaRandom used(seed(3));
        kcp::ChaChaRandom untouched(seed(3));
        crypto->sealBatch({}, used);
        std::array<std::uint8_t, 16> a{}, b{};
        used.fill(a);
        untouched.fill(b);
        QCOMPARE(a, b);
    }
};

QTEST_APPLESS_MAIN(TestSealBatch)
#include "test_seal_batch.moc"
