// FecEncoder against datagrams captured from kcp-go 5.6.1 and kcptun (tests/vectors), plus the
// seqid rules of wire-compat.md 2.2.

#include "kcp/fec.h"
#include "kcp/reed_solomon.h"

#include "fec_test_support.h"

#include <QtTest>

#include <stdexcept>

using namespace fectest;
using testsupport::toHex;

class TestFecEncoder : public QObject
{
    Q_OBJECT

private slots:
    void reencodesCapturedStreams_data();
    void reencodesCapturedStreams();
    void pawsValues();
    void seqidWrapsAfterLastParity_data();
    void seqidWrapsAfterLastParity();
    void parityLengthIsLongestPacket();
    void paddingIsZero();
    void skippedParityKeepsSeqidsAligned();
    void emitParityWithoutGroupWritesNothing();
    void emptyKcpPayload();
    void rejectsOversizedPacketAndBadArguments();
};

void TestFecEncoder::reencodesCapturedStreams_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("engine");
    const std::vector<CapturedStream> streams = capturedStreams();
    QCOMPARE(streams.size(), std::size_t{5});
    for (kcp::GfEngine engine : AllEngines)
    {
        for (std::size_t i = 0; i < streams.size(); ++i)
            QTest::addRow("%s_%s", qPrintable(streams[i].name), engineName(engine))
                << streams[i].ds << streams[i].ps << int(i) << static_cast<int>(engine);
    }
}

void TestFecEncoder::reencodesCapturedStreams()
{
    // Feed the captured data shards' KCP bytes through our encoder: every data packet (header
    // included) and every parity packet must come out byte for byte as kcp-go sent it.
    QFETCH(int, ds);
    QFETCH(int, ps);
    QFETCH(int, index);
    QFETCH(int, engine);
    const CapturedStream stream = capturedStreams()[static_cast<std::size_t>(index)];
    Sender sender(ds, ps, 1500, static_cast<kcp::GfEngine>(engine));
    std::vector<Sent> produced;
    for (const Bytes& packet : stream.packets)
    {
        if (isData(packet))
            sender.send(Bytes(packet.begin() + kcp::FecHeaderSize, packet.end()), produced);
    }
    // A capture may end inside a group: compare what both sides have.
    QVERIFY(produced.size() >= stream.packets.size() - static_cast<std::size_t>(ps));
    int parityCompared = 0;
    for (std::size_t i = 0; i < std::min(produced.size(), stream.packets.size()); ++i)
    {
        QCOMPARE(seqidOf(produced[i].packet), std::uint32_t(i));
        QCOMPARE(toHex(produced[i].packet), toHex(stream.packets[i]));
        if (!produced[i].data)
            ++parityCompared;
    }
    QVERIFY(parityCompared >= ps); // every stream holds at least one complete group
}

void TestFecEncoder::pawsValues()
{
    // paws = floor(0xffffffff / n) * n (wire-compat.md 2.2: n = 13 gives 4294967287).
    QCOMPARE(kcp::FecEncoder(10, 3, 1500).paws(), 4294967287u);
    QCOMPARE(kcp::FecEncoder(3, 2, 1500).paws(), 4294967295u);
    QCOMPARE(kcp::FecEncoder(1, 1, 1500).paws(), 4294967294u);
    QCOMPARE(kcp::FecEncoder(20, 10, 1500).paws(), 4294967280u);
}

void TestFecEncoder::seqidWrapsAfterLastParity_data()
{
    QTest::addColumn<int>("ds");
    QTest::addColumn<int>("ps");
    QTest::newRow("10_3") << 10 << 3;
    QTest::newRow("3_2") << 3 << 2;
    QTest::newRow("1_1") << 1 << 1;
}

void TestFecEncoder::seqidWrapsAfterLastParity()
{
    QFETCH(int, ds);
    QFETCH(int, ps);
    const auto n = static_cast<std::uint32_t>(ds + ps);
    Sender sender(ds, ps);
    const std::uint32_t paws = sender.encoder().paws();
    sender.encoder().setNextSeqid(paws - 2 * n);
    QCOMPARE(sender.encoder().nextSeqid(), paws - 2 * n);

    std::mt19937 rng(1);
    const std::vector<Sent> sent = sendPayloads(sender, 3 * ds, rng);
    QCOMPARE(sent.size(), std::size_t{3 * n});
    for (std::uint32_t i = 0; i < 3 * n; ++i)
    {
        // Two groups below paws, then numbering restarts at 0 with the third.
        const std::uint32_t expected = i < 2 * n ? paws - 2 * n + i : i - 2 * n;
        QCOMPARE(seqidOf(sent[i].packet), expected);
        QCOMPARE(sent[i].data, expected % n < std::uint32_t(ds));
        QCOMPARE(isData(sent[i].packet), sent[i].data);
    }
    QCOMPARE(sender.encoder().nextSeqid(), n);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sender.encoder().setNextSeqid(paws));
    if (n > 2)
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sender.encoder().setNextSeqid(1));
}

void TestFecEncoder::parityLengthIsLongestPacket()
{
    Sender sender(3, 2);
    std::vector<Sent> sent;
    sender.send(Bytes(30, 1), sent);
    sender.send(Bytes(100, 2), sent); // the longest is in the middle
    sender.send(Bytes(5, 3), sent);
    QCOMPARE(sent.size(), std::size_t{5});
    QCOMPARE(sent[0].packet.size(), std::size_t{38});
    QCOMPARE(sent[1].packet.size(), std::size_t{108});
    QCOMPARE(sent[2].packet.size(), std::size_t{13});
    // size fields count themselves: 2 + KCP bytes
    QCOMPARE(int(sent[1].packet[6] | sent[1].packet[7] << 8), 102);
    for (int p = 3; p < 5; ++p)
    {
        QCOMPARE(sent[p].packet.size(), std::size_t{108}); // 6 + longest shard (2 + 100)
        QCOMPARE(int(sent[p].packet[4]), 0xf2);
        QCOMPARE(int(sent[p].packet[5]), 0);
    }
    // Parity row 0 of (3,2) is 01 01 01: plain XOR of the padded shards from offset 6.
    for (std::size_t i = 0; i < 102; ++i)
    {
        std::uint8_t x = 0;
        for (int d = 0; d < 3; ++d)
            x ^= i + 6 < sent[d].packet.size() ? sent[d].packet[i + 6] : 0;
        QCOMPARE(int(sent[3].packet[i + 6]), int(x));
    }
}

void TestFecEncoder::paddingIsZero()
{
    // The shard store is reused: a long group followed by a short one must not leak the old
    // bytes into the new parity.
    Sender a(3, 2);
    Sender b(3, 2);
    std::vector<Sent> first;
    std::vector<Sent> second;
    a.send(Bytes(900, 0xff), first);
    a.send(Bytes(900, 0xee), first);
    a.send(Bytes(900, 0xdd), first);
    const Bytes one(10, 1);
    const Bytes two(20, 2);
    const Bytes three(15, 3);
    a.send(one, first);
    a.send(two, first);
    a.send(three, first);
    b.encoder().setNextSeqid(5);
    b.send(one, second);
    b.send(two, second);
    b.send(three, second);
    QCOMPARE(toHex(first[8].packet), toHex(second[3].packet));
    QCOMPARE(toHex(first[9].packet), toHex(second[4].packet));
}

void TestFecEncoder::skippedParityKeepsSeqidsAligned()
{
    kcp::FecEncoder encoder(3, 2, 1500);
    Bytes packet(40);
    for (int i = 0; i < 3; ++i)
        encoder.encode(packet.data(), 32);
    // No emitParity(): the next group still starts at seqid 5.
    QVERIFY(!encoder.encode(packet.data(), 32));
    QCOMPARE(seqidOf(packet), 5u);
    QCOMPARE(encoder.nextSeqid(), 6u);
}

void TestFecEncoder::emitParityWithoutGroupWritesNothing()
{
    kcp::FecEncoder encoder(3, 2, 1500);
    Bytes out0(1500, 0x77);
    Bytes out1(1500, 0x77);
    std::uint8_t* out[2] = {out0.data(), out1.data()};
    QCOMPARE(encoder.emitParity(out), std::size_t{0});
    Bytes packet(40);
    encoder.encode(packet.data(), 32);
    QCOMPARE(encoder.emitParity(out), std::size_t{0});
    QCOMPARE(out0, Bytes(1500, 0x77));
    QCOMPARE(encoder.nextSeqid(), 1u);
}

void TestFecEncoder::emptyKcpPayload()
{
    Sender sender(2, 1);
    std::vector<Sent> sent;
    sender.send(Bytes{}, sent);
    sender.send(Bytes{}, sent);
    QCOMPARE(sent.size(), std::size_t{3});
    QCOMPARE(toHex(sent[0].packet), QStringLiteral("00000000f1000200"));
    QCOMPARE(toHex(sent[1].packet), QStringLiteral("01000000f1000200"));
    // The parity packet is 6 + the 2-byte shard "02 00", computed by the codec directly.
    QCOMPARE(sent[2].packet.size(), std::size_t{8});
    kcp::ReedSolomon codec(2, 1);
    const std::uint8_t shard[2] = {2, 0};
    const std::uint8_t* data[2] = {shard, shard};
    std::uint8_t parity[2];
    std::uint8_t* parityOut[1] = {parity};
    codec.encode(data, parityOut, 2);
    QCOMPARE(int(sent[2].packet[6]), int(parity[0]));
    QCOMPARE(int(sent[2].packet[7]), int(parity[1]));
}

void TestFecEncoder::rejectsOversizedPacketAndBadArguments()
{
    kcp::FecEncoder encoder(3, 2, 100);
    Bytes packet(200);
    QVERIFY(!encoder.encode(packet.data(), 92)); // exactly 100 bytes
    QVERIFY_THROWS_EXCEPTION(std::length_error, encoder.encode(packet.data(), 93));
    QCOMPARE(encoder.nextSeqid(), 1u);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kcp::FecEncoder(0, 2, 1500));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kcp::FecEncoder(3, 0, 1500));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kcp::FecEncoder(250, 7, 1500));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kcp::FecEncoder(3, 2, 7));
}

QTEST_APPLESS_MAIN(TestFecEncoder)
#include "test_fec_encoder.moc"
