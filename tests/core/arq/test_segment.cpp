// The 24-byte KCP segment header codec against hand-written bytes and the real kcptun capture.
#include "kcp/segment.h"
#include "support/vectors.h"

#include <QJsonArray>
#include <QtTest>

#include <array>

using namespace kcp;

class TestSegment : public QObject
{
    Q_OBJECT

private slots:
    void knownBytes();
    void roundTripExtremes();
    void captureSegments();
};

// wire-compat.md, worked example: the first KCP segment kcptun sent in the capture.
void TestSegment::knownBytes()
{
    const std::vector<std::uint8_t> expected =
        testsupport::fromHex(QStringLiteral("79ed3cb5510000026e020000000000000000000008000000"));
    SegmentHeader h;
    h.conv = 0xb53ced79;
    h.cmd = static_cast<std::uint8_t>(Command::Push);
    h.frg = 0;
    h.wnd = 512;
    h.ts = 622;
    h.sn = 0;
    h.una = 0;
    h.len = 8;

    std::array<std::uint8_t, SegmentHeaderSize + 1> out{};
    out.back() = 0xAA; // guard byte: the encoder writes exactly 24 bytes
    std::uint8_t* end = encodeSegmentHeader(out.data(), h);
    QCOMPARE(end - out.data(), std::ptrdiff_t(24));
    QCOMPARE(testsupport::toHex({out.data(), SegmentHeaderSize}), testsupport::toHex(expected));
    QCOMPARE(out.back(), std::uint8_t(0xAA));

    SegmentHeader d;
    const std::uint8_t* next = decodeSegmentHeader(expected.data(), d);
    QCOMPARE(next - expected.data(), std::ptrdiff_t(24));
    QCOMPARE(d.conv, 0xb53ced79u);
    QCOMPARE(d.cmd, std::uint8_t(81));
    QCOMPARE(d.frg, std::uint8_t(0));
    QCOMPARE(d.wnd, std::uint16_t(512));
    QCOMPARE(d.ts, 622u);
    QCOMPARE(d.sn, 0u);
    QCOMPARE(d.una, 0u);
    QCOMPARE(d.len, 8u);
}

// Every field at a distinct value with all bytes different, so a swapped or shifted field shows.
void TestSegment::roundTripExtremes()
{
    SegmentHeader h;
    h.conv = 0x04030201;
    h.cmd = 84;
    h.frg = 0xFF;
    h.wnd = 0xBBAA;
    h.ts = 0xFFFFFFFE;
    h.sn = 0x0D0C0B0A;
    h.una = 0x80000001;
    h.len = 0x11223344;
    std::array<std::uint8_t, SegmentHeaderSize> out{};
    encodeSegmentHeader(out.data(), h);
    QCOMPARE(testsupport::toHex(out),
             QStringLiteral("0102030454ffaabbfeffffff0a0b0c0d0100008044332211"));
    SegmentHeader d;
    decodeSegmentHeader(out.data(), d);
    QCOMPARE(d.conv, h.conv);
    QCOMPARE(d.cmd, h.cmd);
    QCOMPARE(d.frg, h.frg);
    QCOMPARE(d.wnd, h.wnd);
    QCOMPARE(d.ts, h.ts);
    QCOMPARE(d.sn, h.sn);
    QCOMPARE(d.una, h.una);
    QCOMPARE(d.len, h.len);
}

// Decode every KCP segment of every FEC data datagram kcptun exchanged, compare with the
// capture's dissection, and re-encode the header to the same bytes.
void TestSegment::captureSegments()
{
    const QJsonObject capture = testsupport::loadVectors(QStringLiteral("kcptun_capture.json"));
    const QJsonArray packets = capture.value(QStringLiteral("packets")).toArray();
    QVERIFY(packets.size() > 40);
    int checked = 0;
    for (const QJsonValue& value : packets)
    {
        const QJsonObject packet = value.toObject();
        if (!packet.value(QStringLiteral("fec_type")).toString().startsWith(QLatin1String("data")))
            continue;
        const std::vector<std::uint8_t> bytes = testsupport::hexField(packet, "decrypted_hex");
        // nonce 16 | crc 4 | seqid 4 | type 2 | size 2 | KCP..., size counts itself.
        const std::size_t size = packet.value(QStringLiteral("size_field")).toInt();
        QVERIFY(28 + size - 2 <= bytes.size());
        std::size_t offset = 28;
        const std::size_t end = 28 + size - 2;
        const QJsonArray segments = packet.value(QStringLiteral("kcp_segments")).toArray();
        for (const QJsonValue& segValue : segments)
        {
            const QJsonObject expected = segValue.toObject();
            QVERIFY(offset + SegmentHeaderSize <= end);
            SegmentHeader h;
            decodeSegmentHeader(bytes.data() + offset, h);
            QCOMPARE(qint64(h.conv), expected.value(QStringLiteral("conv")).toInteger());
            const QString cmd = expected.value(QStringLiteral("cmd")).toString();
            const std::uint8_t cmdValue = cmd == QLatin1String("PUSH")   ? 81
                                          : cmd == QLatin1String("ACK")  ? 82
                                          : cmd == QLatin1String("WASK") ? 83
                                                                         : 84;
            QCOMPARE(h.cmd, cmdValue);
            QCOMPARE(int(h.frg), expected.value(QStringLiteral("frg")).toInt());
            QCOMPARE(int(h.wnd), expected.value(QStringLiteral("wnd")).toInt());
            QCOMPARE(qint64(h.ts), expected.value(QStringLiteral("ts")).toInteger());
            QCOMPARE(qint64(h.sn), expected.value(QStringLiteral("sn")).toInteger());
            QCOMPARE(qint64(h.una), expected.value(QStringLiteral("una")).toInteger());
            QCOMPARE(qint64(h.len), expected.value(QStringLiteral("len")).toInteger());

            std::array<std::uint8_t, SegmentHeaderSize> again{};
            encodeSegmentHeader(again.data(), h);
            QVERIFY(std::equal(again.begin(), again.end(), bytes.begin() + offset));
            offset += SegmentHeaderSize + h.len;
            ++checked;
        }
        QCOMPARE(offset, end); // the segments exactly fill the FEC size field
    }
    QVERIFY(checked >= 40);
}

QTEST_APPLESS_MAIN(TestSegment)
#include "test_segment.moc"
