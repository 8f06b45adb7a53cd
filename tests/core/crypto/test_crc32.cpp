#include "kcp/crc32.h"

#include "support/vectors.h"

#include <QtTest>

#include <cstring>
#include <random>

using namespace testsupport;

namespace
{

// Bit-at-a-time reference: reflected polynomial, init and xorout 0xFFFFFFFF.
std::uint32_t referenceCrc(std::uint32_t polynomial, const std::uint8_t* data, std::size_t n)
{
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i)
    {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ ((crc & 1) ? polynomial : 0);
    }
    return ~crc;
}

constexpr std::uint32_t kIeee = 0xEDB88320u;
constexpr std::uint32_t kCastagnoli = 0x82F63B78u;

const std::uint8_t* bytes(const char* text)
{
    return reinterpret_cast<const std::uint8_t*>(text);
}

} // namespace

class TestCrc32 : public QObject
{
    Q_OBJECT

private slots:
    void checkValues()
    {
        // The catalogue "check" values (CRC of ASCII "123456789").
        QCOMPARE(kcp::crc32Ieee(bytes("123456789"), 9), 0xCBF43926u);
        QCOMPARE(kcp::crc32c(bytes("123456789"), 9), 0xE3069283u);
        QCOMPARE(kcp::crc32Ieee(bytes("The quick brown fox jumps over the lazy dog"), 43),
                 0x414FA339u);
        QCOMPARE(kcp::crc32Ieee(nullptr, 0), 0u);
        QCOMPARE(kcp::crc32c(nullptr, 0), 0u);
    }

    void iscsiVectors()
    {
        // RFC 3720 B.4.
        std::uint8_t buffer[32];
        std::memset(buffer, 0, sizeof buffer);
        QCOMPARE(kcp::crc32c(buffer, sizeof buffer), 0x8A9136AAu);
        std::memset(buffer, 0xFF, sizeof buffer);
        QCOMPARE(kcp::crc32c(buffer, sizeof buffer), 0x62A8AB43u);
        for (int i = 0; i < 32; ++i)
            buffer[i] = std::uint8_t(i);
        QCOMPARE(kcp::crc32c(buffer, sizeof buffer), 0x46DD794Eu);
    }

    // ISA-L switches kernels by length and alignment; every length and offset must agree with the
    // bitwise definition.
    void matchesReferenceForAllShapes()
    {
        std::vector<std::uint8_t> data(1600 + 64);
        std::mt19937 rng(1234);
        for (auto& b : data)
            b = std::uint8_t(rng());
        for (std::size_t offset = 0; offset < 16; offset += 3)
            for (std::size_t n = 0; n <= 1600; n += (n < 300 ? 1 : 37))
            {
                const std::uint8_t* p = data.data() + offset;
                QCOMPARE(kcp::crc32Ieee(p, n), referenceCrc(kIeee, p, n));
                QCOMPARE(kcp::crc32c(p, n), referenceCrc(kCastagnoli, p, n));
            }
    }

    void kcpGoDatagramCrcs_data()
    {
        QTest::addColumn<QString>("payloadHex");
        QTest::addColumn<QString>("crcLeHex");
        const QJsonArray methods =
            loadVectors(QStringLiteral("kcp_crypt.json")).value(QLatin1String("methods")).toArray();
        QVERIFY(!methods.isEmpty());
        for (const QJsonValue& m : methods)
            for (const QJsonValue& p : m.toObject().value(QLatin1String("packets")).toArray())
            {
                const QJsonObject o = p.toObject();
                QTest::addRow("%s/%d",
                              qPrintable(m.toObject().value(QLatin1String("crypt")).toString()),
                              o.value(QLatin1String("length")).toInt())
                    << o.value(QLatin1String("payload_hex")).toString()
                    << o.value(QLatin1String("crc32_le_hex")).toString();
            }
    }

    void kcpGoDatagramCrcs()
    {
        QFETCH(QString, payloadHex);
        QFETCH(QString, crcLeHex);
        const std::vector<std::uint8_t> payload = fromHex(payloadHex);
        const std::uint32_t crc = kcp::crc32Ieee(payload.data(), payload.size());
        const std::uint8_t le[4] = {std::uint8_t(crc), std::uint8_t(crc >> 8),
                                    std::uint8_t(crc >> 16), std::uint8_t(crc >> 24)};
        QCOMPARE(toHex(le), crcLeHex);
    }
};

QTEST_APPLESS_MAIN(TestCrc32)
#include "test_crc32.moc"
