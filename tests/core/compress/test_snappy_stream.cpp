// Snappy framing format against kcptun's compression layer (golang/snappy 0.0.2 buffered writer,
// flushed per write), tests/vectors/snappy_stream.json.

#include "support/vectors.h"

#include "kcp/snappy_stream.h"

#include <QtTest>

#include <random>

using namespace testsupport;

namespace
{

std::vector<std::uint8_t> randomBytes(std::size_t n, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> v(n);
    for (auto& b : v)
        b = std::uint8_t(rng());
    return v;
}

} // namespace

class TestSnappyStream : public QObject
{
    Q_OBJECT

private slots:
    void writerReproducesKcptunBytes();
    void readerDecodesKcptunBytes();
    void readerAcceptsAnySplit();
    void largeWritesSplitAt64k();
    void incompressibleDataIsStored();
    void readerRejectsCorruption_data();
    void readerRejectsCorruption();
    void readerSkipsPaddingAndSkippable();
    void errorsAreSticky();
    void randomRoundTrip();
};

void TestSnappyStream::writerReproducesKcptunBytes()
{
    const QJsonObject v = loadVectors("snappy_stream.json")["vectors"].toArray()[0].toObject();
    kcp::SnappyStreamWriter writer;
    std::vector<std::uint8_t> out;
    for (const QJsonValue w : v["writes_hex"].toArray())
        writer.write(fromHex(w.toString()), out);
    // libsnappy 1.1.9's block encoding equals golang/snappy's for these inputs, so the whole
    // stream is byte-identical, chunk types included.
    QCOMPARE(toHex(out), v["framed_stream_hex"].toString());
}

void TestSnappyStream::readerDecodesKcptunBytes()
{
    const QJsonObject v = loadVectors("snappy_stream.json")["vectors"].toArray()[0].toObject();
    std::vector<std::uint8_t> expected;
    for (const QJsonValue w : v["writes_hex"].toArray())
    {
        const auto bytes = fromHex(w.toString());
        expected.insert(expected.end(), bytes.begin(), bytes.end());
    }
    kcp::SnappyStreamReader reader;
    std::vector<std::uint8_t> out;
    QVERIFY(reader.feed(fromHex(v["framed_stream_hex"].toString()), out));
    QCOMPARE(toHex(out), toHex(expected));
    QCOMPARE(reader.pendingBytes(), std::size_t(0));
}

void TestSnappyStream::readerAcceptsAnySplit()
{
    const QJsonObject v = loadVectors("snappy_stream.json")["vectors"].toArray()[0].toObject();
    const auto framed = fromHex(v["framed_stream_hex"].toString());
    std::vector<std::uint8_t> whole;
    kcp::SnappyStreamReader{}.feed(framed, whole);
    for (std::size_t piece = 1; piece <= 23; ++piece)
    {
        kcp::SnappyStreamReader reader;
        std::vector<std::uint8_t> out;
        for (std::size_t at = 0; at < framed.size(); at += piece)
            QVERIFY(reader.feed(std::span(framed).subspan(at, std::min(piece, framed.size() - at)),
                                out));
        QCOMPARE(out, whole);
    }
}

void TestSnappyStream::largeWritesSplitAt64k()
{
    // A maximal smux frame (8 + 65535 bytes) is one write: two chunks, like golang/snappy.
    std::vector<std::uint8_t> data(8 + 65535, 'a');
    kcp::SnappyStreamWriter writer;
    std::vector<std::uint8_t> out;
    writer.write(data, out);
    std::size_t at = 10;
    int chunks = 0;
    while (at < out.size())
    {
        const std::size_t len = out[at + 1] | out[at + 2] << 8 | out[at + 3] << 16;
        at += 4 + len;
        ++chunks;
    }
    QCOMPARE(chunks, 2);
    kcp::SnappyStreamReader reader;
    std::vector<std::uint8_t> back;
    QVERIFY(reader.feed(out, back));
    QCOMPARE(back, data);
}

void TestSnappyStream::incompressibleDataIsStored()
{
    const auto data = randomBytes(1000, 7);
    kcp::SnappyStreamWriter writer;
    std::vector<std::uint8_t> out;
    writer.write(data, out);
    QCOMPARE(out.size(), std::size_t(10 + 8 + 1000));
    QCOMPARE(out[10], std::uint8_t(0x01));
    // A second write has no second stream identifier.
    writer.write(data, out);
    QCOMPARE(out.size(), std::size_t(10 + 2 * (8 + 1000)));
}

void TestSnappyStream::readerRejectsCorruption_data()
{
    QTest::addColumn<QString>("hex");
    QTest::addColumn<int>("error");
    const QString id = "ff060000734e61507059";
    // Uncompressed "abc" chunk with the right masked crc, then variants.
    std::vector<std::uint8_t> abc{'a', 'b', 'c'};
    const std::uint32_t crc = kcp::snappyMaskedCrc(abc);
    const QString crcHex = QString("%1%2%3%4")
                               .arg(crc & 0xff, 2, 16, QChar('0'))
                               .arg((crc >> 8) & 0xff, 2, 16, QChar('0'))
                               .arg((crc >> 16) & 0xff, 2, 16, QChar('0'))
                               .arg((crc >> 24) & 0xff, 2, 16, QChar('0'));
    QTest::newRow("no identifier") << "01070000" + crcHex + "616263"
                                   << int(kcp::SnappyStreamError::MissingStreamIdentifier);
    QTest::newRow("bad identifier") << "ff060000734e61507058"
                                    << int(kcp::SnappyStreamError::BadStreamIdentifier);
    QTest::newRow("bad crc") << id + "0107000000000000616263"
                             << int(kcp::SnappyStreamError::ChecksumMismatch);
    QTest::newRow("flipped data") << id + "01070000" + crcHex + "616264"
                                  << int(kcp::SnappyStreamError::ChecksumMismatch);
    QTest::newRow("reserved 0x02") << id + "02010000ff"
                                   << int(kcp::SnappyStreamError::ReservedChunk);
    QTest::newRow("huge chunk") << id + "01ffff01" << int(kcp::SnappyStreamError::ChunkTooLarge);
    QTest::newRow("garbage block") << id + "00070000" + crcHex + "ffffff"
                                   << int(kcp::SnappyStreamError::CorruptBlock);
    QTest::newRow("short chunk") << id + "010200000000"
                                 << int(kcp::SnappyStreamError::CorruptBlock);
}

void TestSnappyStream::readerRejectsCorruption()
{
    QFETCH(QString, hex);
    QFETCH(int, error);
    kcp::SnappyStreamReader reader;
    std::vector<std::uint8_t> out;
    QVERIFY(!reader.feed(fromHex(hex), out));
    QCOMPARE(int(reader.error()), error);
    QVERIFY(!reader.errorString().empty());
    QVERIFY(out.empty());  // nothing of a bad chunk is delivered
}

void TestSnappyStream::readerSkipsPaddingAndSkippable()
{
    kcp::SnappyStreamWriter writer;
    std::vector<std::uint8_t> framed;
    const std::vector<std::uint8_t> hello{'h', 'e', 'l', 'l', 'o'};
    writer.write(hello, framed);
    // padding, skippable 0x80 and a repeated stream identifier in the middle
    const auto extra = fromHex("fe030000000000800100002aff060000734e61507059");
    framed.insert(framed.begin() + 10, extra.begin(), extra.end());
    writer.write(hello, framed);
    kcp::SnappyStreamReader reader;
    std::vector<std::uint8_t> out;
    QVERIFY(reader.feed(framed, out));
    QCOMPARE(QByteArray(reinterpret_cast<const char*>(out.data()), int(out.size())),
             QByteArray("hellohello"));
}

void TestSnappyStream::errorsAreSticky()
{
    kcp::SnappyStreamReader reader;
    std::vector<std::uint8_t> out;
    QVERIFY(!reader.feed(fromHex("0001000000"), out));
    kcp::SnappyStreamWriter writer;
    std::vector<std::uint8_t> good;
    writer.write(std::vector<std::uint8_t>{1, 2, 3}, good);
    QVERIFY(!reader.feed(good, out));
    QVERIFY(out.empty());
}

void TestSnappyStream::randomRoundTrip()
{
    std::mt19937 rng(42);
    kcp::SnappyStreamWriter writer;
    kcp::SnappyStreamReader reader;
    std::vector<std::uint8_t> sent, framed, got;
    for (int i = 0; i < 300; ++i)
    {
        const std::size_t n = rng() % 5000 + (i % 50 == 0 ? 140000 : 0);
        std::vector<std::uint8_t> w = randomBytes(n, rng());
        if (i % 2) // make half of them compressible
            for (std::size_t k = 0; k < w.size(); ++k)
                w[k] = std::uint8_t(k % 7);
        sent.insert(sent.end(), w.begin(), w.end());
        writer.write(w, framed);
    }
    std::size_t at = 0;
    while (at < framed.size())
    {
        const std::size_t n = std::min<std::size_t>(rng() % 3000 + 1, framed.size() - at);
        QVERIFY(reader.feed(std::span(framed).subspan(at, n), got));
        at += n;
    }
    QCOMPARE(got, sent);

    // Random garbage after a valid identifier never crashes and never passes a bad crc.
    for (int round = 0; round < 2000; ++round)
    {
        kcp::SnappyStreamReader r;
        std::vector<std::uint8_t> junk = fromHex("ff060000734e61507059");
        const auto noise = randomBytes(rng() % 200, rng());
        junk.insert(junk.end(), noise.begin(), noise.end());
        std::vector<std::uint8_t> o;
        r.feed(junk, o);
    }
}

QTEST_APPLESS_MAIN(TestSnappyStream)
#include "test_snappy_stream.moc"
