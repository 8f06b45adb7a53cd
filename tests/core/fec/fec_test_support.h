#pragma once

// Helpers shared by the FEC tests (header-only: every test_*.cpp is its own executable).

#include "kcp/fec.h"

#include "support/vectors.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <random>
#include <vector>

namespace fectest
{

using Bytes = std::vector<std::uint8_t>;

inline std::uint32_t seqidOf(const Bytes& packet)
{
    return static_cast<std::uint32_t>(packet[0] | packet[1] << 8 | packet[2] << 16 |
                                      std::uint32_t{packet[3]} << 24);
}

inline bool isData(const Bytes& packet)
{
    return packet[4] == 0xf1 && packet[5] == 0;
}

// One datagram as the sender emitted it, plus what it carried.
struct Sent
{
    Bytes packet;
    bool data = false;
    Bytes kcp; // data shards: the KCP bytes
};

// Drives a real FecEncoder: one data packet per payload, parity right behind every ds-th.
class Sender
{
public:
    Sender(int ds, int ps, std::size_t maxPacketSize = 1500,
           kcp::GfEngine engine = kcp::GfEngine::Best)
        : m_encoder(ds, ps, maxPacketSize, engine)
        , m_maxPacketSize(maxPacketSize)
        , m_parity(static_cast<std::size_t>(ps), Bytes(maxPacketSize))
    {
    }

    kcp::FecEncoder& encoder() { return m_encoder; }

    // Appends the datagrams produced for one KCP payload to out.
    void send(const Bytes& kcp, std::vector<Sent>& out)
    {
        Bytes packet(kcp::FecHeaderSize + kcp.size());
        std::copy(kcp.begin(), kcp.end(), packet.begin() + kcp::FecHeaderSize);
        const bool complete = m_encoder.encode(packet.data(), kcp.size());
        out.push_back(Sent{packet, true, kcp});
        if (!complete)
            return;
        std::vector<std::uint8_t*> pointers;
        for (Bytes& buffer : m_parity)
            pointers.push_back(buffer.data());
        const std::size_t length = m_encoder.emitParity(pointers.data());
        for (const Bytes& buffer : m_parity)
            out.push_back(Sent{Bytes(buffer.begin(), buffer.begin() + length), false, {}});
    }

private:
    kcp::FecEncoder m_encoder;
    std::size_t m_maxPacketSize;
    std::vector<Bytes> m_parity;
};

// Every GF engine: the FEC layer must produce the same bytes on each (tests run them all; on a
// CPU without GFNI they all fall back to ISA-L).
inline constexpr kcp::GfEngine AllEngines[] = {kcp::GfEngine::Best, kcp::GfEngine::Gfni256,
                                               kcp::GfEngine::Isal};

inline const char* engineName(kcp::GfEngine engine)
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

// Payloads that look like KCP output of varied length; the first byte varies so that every
// payload is distinct.
inline Bytes randomPayload(std::mt19937& rng, std::size_t minLength, std::size_t maxLength)
{
    std::uniform_int_distribution<std::size_t> length(minLength, maxLength);
    Bytes payload(length(rng));
    for (std::uint8_t& byte : payload)
        byte = static_cast<std::uint8_t>(rng());
    return payload;
}

inline std::vector<Sent> sendPayloads(Sender& sender, int count, std::mt19937& rng,
                                      std::size_t minLength = 24, std::size_t maxLength = 1392)
{
    std::vector<Sent> out;
    for (int i = 0; i < count; ++i)
        sender.send(randomPayload(rng, minLength, maxLength), out);
    return out;
}

// A captured FEC packet stream (one direction of one session, from seqid 0, no gaps).
struct CapturedStream
{
    QString name;
    int ds = 0;
    int ps = 0;
    std::vector<Bytes> packets; // FEC packets (crypto layer removed)
};

// plain_3_2 has no crypto layer; the encrypted scenarios and the kcptun capture carry
// decrypted_hex = nonce(16) | crc32(4) | FEC packet.
inline std::vector<CapturedStream> capturedStreams()
{
    std::vector<CapturedStream> streams;
    const QJsonObject fec = testsupport::loadVectors(QStringLiteral("fec_packets.json"));
    for (const QJsonValue& value : fec.value("scenarios").toArray())
    {
        const QJsonObject scenario = value.toObject();
        CapturedStream stream;
        stream.name = scenario.value("name").toString();
        stream.ds = scenario.value("datashard").toInt();
        stream.ps = scenario.value("parityshard").toInt();
        for (const QJsonValue& p : scenario.value("packets").toArray())
        {
            const QJsonObject packet = p.toObject();
            if (packet.contains("decrypted_hex"))
            {
                const Bytes decrypted = testsupport::hexField(packet, "decrypted_hex");
                stream.packets.emplace_back(decrypted.begin() + 20, decrypted.end());
            }
            else
            {
                stream.packets.push_back(testsupport::hexField(packet, "wire_hex"));
            }
        }
        streams.push_back(stream);
    }

    const QJsonObject capture = testsupport::loadVectors(QStringLiteral("kcptun_capture.json"));
    for (const QString& direction : {QStringLiteral("c2s"), QStringLiteral("s2c")})
    {
        CapturedStream stream;
        stream.name = QStringLiteral("kcptun_capture_") + direction;
        stream.ds = capture.value("datashard").toVariant().toInt();
        stream.ps = capture.value("parityshard").toVariant().toInt();
        for (const QJsonValue& p : capture.value("packets").toArray())
        {
            const QJsonObject packet = p.toObject();
            if (packet.value("dir").toString() != direction)
                continue;
            const Bytes decrypted = testsupport::hexField(packet, "decrypted_hex");
            stream.packets.emplace_back(decrypted.begin() + 20, decrypted.end());
        }
        streams.push_back(stream);
    }
    return streams;
}

} // namespace fectest
