// The first 54 datagrams of a real Debian kcptun 20210922 session (crypt aes, FEC 10/3, smux v1),
// taken apart layer by layer and fed to our SessionCore, down to the smux frames.

#include "support/vectors.h"

#include "kcp/fec.h"
#include "kcp/key_derivation.h"
#include "kcp/packet_crypto.h"
#include "kcp/segment.h"
#include "kcp/session_core.h"
#include "kcp/smux_frame.h"

#include <QtTest>

#include <map>

using namespace testsupport;

namespace
{

struct CapturedPacket
{
    QString direction;
    std::vector<std::uint8_t> wire;
    std::vector<std::uint8_t> decrypted;
    QJsonObject json;
};

std::vector<CapturedPacket> capturedPackets(const QJsonObject& capture)
{
    std::vector<CapturedPacket> packets;
    for (const QJsonValue value : capture["packets"].toArray())
    {
        const QJsonObject p = value.toObject();
        packets.push_back({p["dir"].toString(), hexField(p, "wire_hex"),
                           hexField(p, "decrypted_hex"), p});
    }
    return packets;
}

std::uint16_t u16(const std::uint8_t* p)
{
    return std::uint16_t(p[0] | p[1] << 8);
}

std::uint32_t u32(const std::uint8_t* p)
{
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}

const char* commandName(kcp::SmuxCommand command)
{
    static const char* const names[] = {"SYN", "FIN", "PSH", "NOP", "UPD"};
    return names[static_cast<int>(command)];
}

// Compares a byte stream against the capture's reassembled smux frames.
void verifySmuxStream(std::span<const std::uint8_t> stream, const QJsonArray& frames)
{
    for (const QJsonValue value : frames)
    {
        const QJsonObject expected = value.toObject();
        const kcp::SmuxParseResult r = kcp::parseSmuxFrame(stream, 1);
        QCOMPARE(r.status, kcp::SmuxParseStatus::Frame);
        QCOMPARE(QString::fromLatin1(commandName(r.frame.command)), expected["cmd"].toString());
        QCOMPARE(qint64(r.frame.streamId), qint64(expected["sid"].toDouble()));
        QCOMPARE(toHex(r.frame.payload), expected["data_hex"].toString());
        stream = stream.subspan(r.consumed);
    }
    QVERIFY(stream.empty());
}

} // namespace

class TestKcptunCapture : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void keyDerivation();
    void everyDatagramDecryptsAndDissects();
    void parityMatchesOurEncoder();
    void lostDataShardsAreRecovered();
    void segmentsReassembleIntoSmuxFrames();
    void sessionCoreReadsTheClientStream();

private:
    QJsonObject m_capture;
    std::vector<CapturedPacket> m_packets;
    kcp::SessionKey m_key{};
};

void TestKcptunCapture::initTestCase()
{
    m_capture = loadVectors("kcptun_capture.json");
    m_packets = capturedPackets(m_capture);
    QCOMPARE(m_packets.size(), std::size_t(54));
    m_key = kcp::deriveKcptunKey(m_capture["passphrase"].toString().toStdString());
}

void TestKcptunCapture::keyDerivation()
{
    QCOMPARE(toHex(m_key), m_capture["key_hex"].toString());
}

void TestKcptunCapture::everyDatagramDecryptsAndDissects()
{
    const auto crypto = kcp::makePacketCrypto("aes", m_key);
    for (const CapturedPacket& packet : m_packets)
    {
        std::vector<std::uint8_t> buffer = packet.wire;
        const auto body = crypto->open(buffer.data(), buffer.size());
        QVERIFY(body.has_value());
        QCOMPARE(buffer, packet.decrypted);
        QCOMPARE(body->size(), packet.wire.size() - 20);

        QVERIFY(kcp::isFecPacket(*body));
        QCOMPARE(qint64(u32(body->data())), qint64(packet.json["fec_seqid"].toDouble()));
        const bool isData = u16(body->data() + 4) == kcp::FecTypeData;
        QCOMPARE(isData, packet.json["fec_type"].toString().startsWith("data"));
        if (!isData)
            continue;
        const std::size_t size = u16(body->data() + 6);
        QCOMPARE(int(size), packet.json["size_field"].toInt());

        std::span<const std::uint8_t> kcpBytes = body->subspan(8, size - 2);
        for (const QJsonValue value : packet.json["kcp_segments"].toArray())
        {
            const QJsonObject expected = value.toObject();
            QVERIFY(kcpBytes.size() >= kcp::SegmentHeaderSize);
            kcp::SegmentHeader h;
            kcp::decodeSegmentHeader(kcpBytes.data(), h);
            QCOMPARE(qint64(h.conv), qint64(expected["conv"].toDouble()));
            QCOMPARE(qint64(h.sn), qint64(expected["sn"].toDouble()));
            QCOMPARE(qint64(h.una), qint64(expected["una"].toDouble()));
            QCOMPARE(qint64(h.ts), qint64(expected["ts"].toDouble()));
            QCOMPARE(int(h.wnd), expected["wnd"].toInt());
            QCOMPARE(int(h.frg), expected["frg"].toInt());
            QCOMPARE(qint64(h.len), qint64(expected["len"].toDouble()));
            const char* cmd = h.cmd == 81 ? "PUSH" : h.cmd == 82 ? "ACK" : h.cmd == 83 ? "WASK"
                                                                                       : "WINS";
            QCOMPARE(QString::fromLatin1(cmd), expected["cmd"].toString());
            QCOMPARE(toHex(kcpBytes.subspan(kcp::SegmentHeaderSize, h.len)),
                     expected["data_hex"].toString());
            kcpBytes = kcpBytes.subspan(kcp::SegmentHeaderSize + h.len);
        }
        QVERIFY(kcpBytes.empty());
    }
}

void TestKcptunCapture::parityMatchesOurEncoder()
{
    // Re-encode each direction's data shards with our encoder: seqids, headers and every parity
    // byte must equal what kcptun sent.
    int parityChecked = 0;
    for (const QString& direction : {QStringLiteral("c2s"), QStringLiteral("s2c")})
    {
        kcp::FecEncoder encoder(10, 3, 1350 - 20);
        std::vector<std::vector<std::uint8_t>> expectedParity;
        std::vector<std::vector<std::uint8_t>> ourParity;
        std::map<std::uint32_t, std::vector<std::uint8_t>> bodies;
        for (const CapturedPacket& packet : m_packets)
            if (packet.direction == direction)
                bodies[u32(packet.decrypted.data() + 20)] = {packet.decrypted.begin() + 20,
                                                             packet.decrypted.end()};
        for (const auto& [seqid, body] : bodies)
        {
            if (seqid % 13 >= 10)
                continue;
            QCOMPARE(encoder.nextSeqid(), seqid);  // no data shard is missing from the capture
            std::vector<std::uint8_t> packet(body.size());
            std::copy(body.begin() + 8, body.end(), packet.begin() + 8);
            const bool complete = encoder.encode(packet.data(), body.size() - 8);
            QCOMPARE(packet, body);
            if (!complete)
                continue;
            std::vector<std::vector<std::uint8_t>> out(3, std::vector<std::uint8_t>(1330));
            std::uint8_t* outPtrs[3] = {out[0].data(), out[1].data(), out[2].data()};
            const std::size_t length = encoder.emitParity(outPtrs);
            for (int p = 0; p < 3; ++p)
            {
                const auto it = bodies.find(seqid + 1 + std::uint32_t(p));
                QVERIFY(it != bodies.end());
                out[p].resize(length);
                QCOMPARE(toHex(out[p]), toHex(it->second));
                ++parityChecked;
            }
        }
    }
    QCOMPARE(parityChecked, 12);  // two full groups each way
}

void TestKcptunCapture::lostDataShardsAreRecovered()
{
    // Drop three data shards of the first client group; the three parity shards rebuild them.
    kcp::FecDecoder decoder(10, 3, 1350 - 20);
    std::map<std::uint32_t, std::vector<std::uint8_t>> dropped;
    for (const CapturedPacket& packet : m_packets)
    {
        if (packet.direction != "c2s")
            continue;
        const std::span<const std::uint8_t> body(packet.decrypted.data() + 20,
                                                 packet.decrypted.size() - 20);
        const std::uint32_t seqid = u32(body.data());
        if (seqid >= 13)
            break;
        if (seqid == 2 || seqid == 5 || seqid == 9)
        {
            dropped[seqid] = {body.begin() + 8, body.begin() + 8 + u16(body.data() + 6) - 2};
            continue;
        }
        const kcp::FecDecoder::Result r = decoder.input(body, 1000);
        for (const auto recovered : r.recovered)
        {
            bool matched = false;
            for (auto it = dropped.begin(); it != dropped.end(); ++it)
                if (std::equal(recovered.begin(), recovered.end(), it->second.begin(),
                               it->second.end()))
                {
                    dropped.erase(it);
                    matched = true;
                    break;
                }
            QVERIFY(matched);
        }
    }
    QVERIFY(dropped.empty());
    QCOMPARE(decoder.counters().errors, 0u);
}

void TestKcptunCapture::segmentsReassembleIntoSmuxFrames()
{
    const QJsonObject frames = m_capture["reassembled_smux_frames"].toObject();
    for (const QString& direction : {QStringLiteral("c2s"), QStringLiteral("s2c")})
    {
        std::map<std::uint32_t, std::vector<std::uint8_t>> bySn;
        for (const CapturedPacket& packet : m_packets)
        {
            if (packet.direction != direction)
                continue;
            for (const QJsonValue value : packet.json["kcp_segments"].toArray())
            {
                const QJsonObject s = value.toObject();
                if (s["cmd"].toString() == "PUSH")
                    bySn.emplace(std::uint32_t(s["sn"].toDouble()), hexField(s, "data_hex"));
            }
        }
        std::vector<std::uint8_t> stream;
        std::uint32_t expectedSn = 0;
        for (const auto& [sn, data] : bySn)
        {
            QCOMPARE(sn, expectedSn++);
            stream.insert(stream.end(), data.begin(), data.end());
        }
        verifySmuxStream(stream, frames[direction].toArray());
    }
}

void TestKcptunCapture::sessionCoreReadsTheClientStream()
{
    // Play the client's datagrams into a server-side SessionCore configured like kcptun-server.
    kcp::SessionConfig config;
    config.crypt = "aes";
    config.key = m_key;
    config.sndWnd = 1024;
    config.rcvWnd = 1024;
    const std::uint32_t conv = std::uint32_t(
        m_packets[0].json["kcp_segments"].toArray()[0].toObject()["conv"].toDouble());
    std::array<std::uint8_t, 32> seed{};
    kcp::ChaChaRandom random(seed);
    kcp::SessionCore server(conv, config, random);

    std::vector<std::uint8_t> received;
    std::uint8_t buffer[65536];
    kcp::Millis now = 1000;
    for (const CapturedPacket& packet : m_packets)
    {
        if (packet.direction != "c2s")
            continue;
        std::vector<std::uint8_t> datagram = packet.wire;
        server.onDatagram(now++, datagram);
        while (const std::size_t n = server.read(buffer))
            received.insert(received.end(), buffer, buffer + n);
        while (!server.nextTransmit(now).empty())
            server.popTransmit();  // ACKs: produced, encrypted, not needed here
    }
    const kcp::SessionStats stats = server.stats();
    QCOMPARE(stats.counters.InCsumErrors, 0u);
    QCOMPARE(stats.counters.KCPInErrors, 0u);
    QVERIFY(stats.counters.OutPkts > 0);
    verifySmuxStream(received,
                     m_capture["reassembled_smux_frames"].toObject()["c2s"].toArray());
}

QTEST_APPLESS_MAIN(TestKcptunCapture)
#include "test_kcptun_capture.moc"
