#pragma once

#include "kcp/packet_crypto.h"
#include "kcp/session_core.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace kcp::net::detail
{

// The listener's view of a datagram before any session owns it (kcp-go Listener.packetInput):
// which conversation it belongs to, and whether it may open one. Reads only; the datagram itself
// still goes to a session untouched, which decrypts it in place.
class ConvPeeker
{
public:
    enum class Kind
    {
        Short,       // shorter than the crypto header: dropped (InErrs)
        BadChecksum, // crc / tag mismatch: dropped (InCsumErrors)
        Malformed,   // authentic but too short for a KCP segment (InErrs)
        Parity,      // FEC parity: carries no conv, never opens a session
        Segment,     // FEC data or plain KCP: conv and sn valid
    };
    struct Header
    {
        Kind kind = Kind::Short;
        std::uint32_t conv = 0;
        std::uint32_t sn = 0; // sn of the first segment (kcp-go's replace-on-sn-0 rule)
        std::uint8_t cmd = 0; // cmd of the first segment (81 PUSH, 82 ACK, 83 WASK, 84 WINS)
    };

    explicit ConvPeeker(const SessionConfig& config);
    ~ConvPeeker();

    // Unauthenticated: decrypts a copy of the first few dozen bytes only (CFB, salsa20 and xor
    // decrypt a prefix exactly as they decrypt the whole), so it costs a handful of cipher blocks.
    // Never returns BadChecksum; callers authenticate() before acting on anything but a match.
    Header peek(const std::uint8_t* data, std::size_t length);
    // Decrypts a full copy and checks crc or tag: the gate for creating sessions.
    Header authenticate(const std::uint8_t* data, std::size_t length);

private:
    static Header parse(const std::uint8_t* body, std::size_t bodyLength);

    std::unique_ptr<PacketCrypto> m_crypto;
    std::unique_ptr<BlockCrypt> m_block; // null for null / aes-128-gcm
    std::size_t m_header = 0;
    bool m_plain = false; // "null": no crypto layer at all
    std::array<std::uint8_t, 2048> m_scratch{};
};

} // namespace kcp::net::detail
