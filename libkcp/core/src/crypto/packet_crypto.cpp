#include "kcp/packet_crypto.h"

#include "crypt_factories.h"

#include <span>

namespace kcp
{
namespace
{

std::span<const std::uint8_t> prefix(const SessionKey& key, std::size_t length)
{
    return std::span<const std::uint8_t>(key.data(), length);
}

} // namespace

void PacketCrypto::sealBatch(std::span<SealJob> jobs, RandomSource& random)
{
    for (SealJob& job : jobs)
        job.length = seal(job.datagram, job.bodyLength, random);
}

void BlockCrypt::encryptBatch(std::span<const std::span<std::uint8_t>> buffers)
{
    for (const std::span<std::uint8_t> buffer : buffers)
        encrypt(buffer.data(), buffer.size());
}

const std::vector<std::string>& packetCryptNames()
{
    static const std::vector<std::string> names = {
        "aes", "aes-128", "aes-192", "salsa20", "blowfish", "twofish",     "cast5", "3des",
        "tea", "xtea",    "xor",     "sm4",     "none",     "aes-128-gcm", "null"};
    return names;
}

const std::vector<std::string>& kcptunCryptNames()
{
    static const std::vector<std::string> names = {
        "aes",  "aes-128", "aes-192", "salsa20", "blowfish", "twofish", "cast5",
        "3des", "tea",     "xtea",    "xor",     "sm4",      "none"};
    return names;
}

// kcptun 20210922 main.go: each --crypt name takes a prefix of the 32-byte PBKDF2 key. Where
// kcptun falls back to AES-256 for a name it does not know, we throw: a typo must not silently
// change what goes on the wire.
std::unique_ptr<BlockCrypt> makeBlockCrypt(std::string_view name, const SessionKey& key,
                                           CipherEngine engine)
{
    using namespace crypto;
    const std::span<const std::uint8_t, 16> key16(key.data(), 16);
    if (name == "aes")
        return makeAesCfb(prefix(key, 32), engine);
    if (name == "aes-128")
        return makeAesCfb(prefix(key, 16), engine);
    if (name == "aes-192")
        return makeAesCfb(prefix(key, 24), engine);
    if (name == "salsa20")
        return makeSalsa20(key, engine);
    if (name == "blowfish")
        return makeBotanCfb("Blowfish", prefix(key, 32));
    if (name == "twofish")
        return makeBotanCfb("Twofish", prefix(key, 32));
    if (name == "cast5")
        return makeBotanCfb("CAST-128", prefix(key, 16));
    if (name == "3des")
        return makeBotanCfb("TripleDES", prefix(key, 24)); // K1 | K2 | K3, EDE
    if (name == "tea")
        return makeTeaCfb(key16);
    if (name == "xtea")
        return makeXteaCfb(key16, engine);
    if (name == "xor")
        return makeXorCrypt(key, engine);
    if (name == "sm4")
        return makeBotanCfb("SM4", prefix(key, 16));
    if (name == "none")
        return makeNoneCrypt();
    throw UnknownCryptError("unknown kcptun crypt method: '" + std::string(name) + "'");
}

std::unique_ptr<PacketCrypto> makePacketCrypto(std::string_view name, const SessionKey& key,
                                               CipherEngine engine)
{
    if (name == "aes-128-gcm")
        return crypto::makeAes128Gcm(std::span<const std::uint8_t, 16>(key.data(), 16));
    if (name == "null")
        return crypto::makeNullCrypto();
    return crypto::makeNonceCrcCrypto(makeBlockCrypt(name, key, engine));
}

std::unique_ptr<PacketCrypto> makePacketCrypto(std::string_view name, const SessionKey& key)
{
    return makePacketCrypto(name, key, CipherEngine::Best);
}

} // namespace kcp
