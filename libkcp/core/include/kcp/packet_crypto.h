#pragma once

#include "kcp/key_derivation.h"
#include "kcp/random_source.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kcp
{

// One datagram of a PacketCrypto::sealBatch call: the arguments of one seal() call and its result.
struct SealJob
{
    std::uint8_t* datagram = nullptr; // laid out as for seal()
    std::size_t bodyLength = 0;
    std::size_t length = 0; // out: what seal() would have returned
};

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

    // Seals every job exactly as seal() on each in turn would (the same bytes, the same draws
    // from random in the same order), but may overlap their encryptions: a CFB encrypt is serial
    // within a datagram, so a batch keeps the cipher's pipeline full with independent datagrams.
    virtual void sealBatch(std::span<SealJob> jobs, RandomSource& random);

    // Decrypts datagram in place and checks its crc or tag. On success returns the body (a view
    // into datagram); on a short datagram or a failed check returns nullopt.
    virtual std::optional<std::span<std::uint8_t>> open(std::uint8_t* datagram,
                                                        std::size_t length) = 0;

    std::size_t overhead() const { return headerSize() + trailerSize(); }

    // Short tag of the code path in use, e.g. "aes128-vaes512" (logs, benches); empty if unknown.
    virtual std::string_view implementation() const { return {}; }
};

// Which code runs the ciphers. Every engine produces identical bytes; they exist so that tests and
// benchmarks can pin (and compare) each path. A cap the CPU cannot honour falls back to the next
// lower one, decided once when the object is built.
//   Best      AVX-512 / VAES kernels where the CPU has them (AES, salsa20, xor), else as Avx2.
//   Avx2      at most AVX2 and 128-bit AES-NI.
//   Portable  Botan and plain C++ only (the reference path).
enum class CipherEngine
{
    Best,
    Avx2,
    Portable,
};

// kcp-go's BlockCrypt: the bare cipher of one kcptun method applied in place to a whole datagram,
// without nonce or crc handling (PacketCrypto adds those). Exposed so that benchmarks can time
// exactly what kcp-go's BenchmarkAES128 etc. time, and for tools that re-encrypt captures.
// Keyed once at construction; no heap allocation per call; not thread-safe.
class BlockCrypt
{
public:
    virtual ~BlockCrypt() = default;
    virtual void encrypt(std::uint8_t* data, std::size_t length) = 0;
    virtual void decrypt(std::uint8_t* data, std::size_t length) = 0;
    // encrypt() on each buffer, as if one by one; ciphers whose encrypt is serial within a buffer
    // interleave the buffers. The buffers must not overlap.
    virtual void encryptBatch(std::span<const std::span<std::uint8_t>> buffers);
    // Short tag of the code path in use, e.g. "aes128-vaes512", "botan:Blowfish" (logs, benches).
    virtual std::string_view implementation() const = 0;
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
std::unique_ptr<PacketCrypto> makePacketCrypto(std::string_view cryptName, const SessionKey& key,
                                               CipherEngine engine);

// The bare cipher for one of kcptunCryptNames() (aes-128-gcm and null have no BlockCrypt form).
// Throws UnknownCryptError for any other name.
std::unique_ptr<BlockCrypt> makeBlockCrypt(std::string_view cryptName, const SessionKey& key,
                                           CipherEngine engine = CipherEngine::Best);

} // namespace kcp
