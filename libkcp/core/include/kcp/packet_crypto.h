#pragma once

#include "kcp/key_derivation.h"
#include "kcp/random_source.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kcp
{

// The outermost layer of every datagram (kcp-go crypt.go + sess.go, wire-compat.md section 3).
//
// CFB family, salsa20, xor, none (kcp-go BlockCrypt):
//     offset 0       16        20
//            nonce16 | crc32le | body...           whole datagram encrypted in place
//     (salsa20 leaves bytes 0..7 in clear: they are its nonce)
// aes-128-gcm (upstream kcp-go / kcptun 2026):
//            nonce12 | GCM(body) | tag16          no crc field
// null (kcp-go with block == nil, upstream kcptun "null"):
//            body                                   no layer at all
//
// One object per session and direction pair, keyed once; not thread-safe.
class PacketCrypto
{
public:
    virtual ~PacketCrypto() = default;

    // Bytes this layer puts in front of the body (20, 12 or 0).
    virtual std::size_t headerSize() const = 0;
    // Bytes this layer appends after the body (16 for GCM, else 0).
    virtual std::size_t trailerSize() const { return 0; }

    // datagram = [headerSize() free bytes][body, bodyLength bytes][trailerSize() free bytes].
    // Fills the nonce (from random) and crc or tag, encrypts in place, and returns the datagram
    // length headerSize() + bodyLength + trailerSize().
    virtual std::size_t seal(std::uint8_t* datagram, std::size_t bodyLength,
                             RandomSource& random) = 0;

    // Decrypts datagram in place and checks its crc or tag. On success returns the body (a view
    // into datagram); on a short datagram or a failed check returns nullopt.
    virtual std::optional<std::span<std::uint8_t>> open(std::uint8_t* datagram,
                                                        std::size_t length) = 0;

    std::size_t overhead() const { return headerSize() + trailerSize(); }
};

// Thrown for an unknown crypt name: kcptun silently falls back to AES-256, we refuse.
class UnknownCryptError : public std::invalid_argument
{
public:
    using std::invalid_argument::invalid_argument;
};

// Every name accepted by makePacketCrypto, in kcptun's order, then the upstream-only ones:
// aes aes-128 aes-192 salsa20 blowfish twofish cast5 3des tea xtea xor sm4 none aes-128-gcm null
const std::vector<std::string>& packetCryptNames();

// The crypt names Debian's kcptun 20210922 understands (all of the above but aes-128-gcm, null).
const std::vector<std::string>& kcptunCryptNames();

// Builds the layer for a kcptun --crypt name and the 32-byte derived key (the method takes the
// prefix it needs, exactly as kcptun does). Throws UnknownCryptError for any other name.
std::unique_ptr<PacketCrypto> makePacketCrypto(std::string_view cryptName, const SessionKey& key);

} // namespace kcp
