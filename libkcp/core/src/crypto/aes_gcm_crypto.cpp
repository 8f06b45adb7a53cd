#include "cpu_features.h"
#include "crypt_factories.h"

#include <botan/cipher_mode.h>
#include <botan/exceptn.h>

#include <algorithm>
#include <cstring>

namespace kcp::crypto
{
namespace
{

// Upstream kcp-go AEAD framing (kcptun 2026 "aes-128-gcm"), key = first 16 bytes of the kcptun key:
//     offset 0        12                     12+n
//            nonce12 | AES-128-GCM(body, n) | tag16
// Random 12-byte nonce, no crc field, no associated data. Not understood by Debian's kcptun.
constexpr std::size_t kGcmNonceSize = 12;
constexpr std::size_t kGcmTagSize = 16;

// Botan's modes are keyed once here; per datagram only the nonce changes. Botan 2 processes the
// bulk in place but insists on a secure_vector for the final (partial) block and the tag: that
// vector is a member whose capacity is reserved once, so a datagram costs no heap allocation.
class AesGcmCrypto final : public PacketCrypto
{
public:
    explicit AesGcmCrypto(std::span<const std::uint8_t, 16> key)
        : m_encryption(Botan::Cipher_Mode::create_or_throw("AES-128/GCM(16)", Botan::ENCRYPTION))
        , m_decryption(Botan::Cipher_Mode::create_or_throw("AES-128/GCM(16)", Botan::DECRYPTION))
    {
        m_encryption->set_key(key.data(), key.size());
        m_decryption->set_key(key.data(), key.size());
        m_granularity =
            std::max(m_encryption->update_granularity(), m_decryption->update_granularity());
        m_final.reserve(m_granularity + kGcmTagSize);
    }

    std::size_t headerSize() const override { return kGcmNonceSize; }
    std::size_t trailerSize() const override { return kGcmTagSize; }

    std::size_t seal(std::uint8_t* datagram, std::size_t bodyLength, RandomSource& random) override
    {
        random.fill({datagram, kGcmNonceSize});
        std::uint8_t* body = datagram + kGcmNonceSize;
        clearUpperVectorState();
        m_encryption->start(datagram, kGcmNonceSize);
        const std::size_t bulk = bodyLength - bodyLength % m_granularity;
        m_encryption->process(body, bulk);
        m_final.assign(body + bulk, body + bodyLength);
        m_encryption->finish(m_final); // appends the tag
        std::memcpy(body + bulk, m_final.data(), m_final.size());
        return kGcmNonceSize + bodyLength + kGcmTagSize;
    }

    std::optional<std::span<std::uint8_t>> open(std::uint8_t* datagram, std::size_t length) override
    {
        if (length < kGcmNonceSize + kGcmTagSize)
            return std::nullopt;
        const std::size_t bodyLength = length - kGcmNonceSize - kGcmTagSize;
        std::uint8_t* body = datagram + kGcmNonceSize;
        clearUpperVectorState();
        m_decryption->start(datagram, kGcmNonceSize);
        const std::size_t bulk = bodyLength - bodyLength % m_granularity;
        m_decryption->process(body, bulk);
        m_final.assign(body + bulk, datagram + length); // rest of the ciphertext + tag
        try
        {
            m_decryption->finish(m_final);
        }
        catch (const Botan::Invalid_Authentication_Tag&)
        {
            return std::nullopt;
        }
        std::memcpy(body + bulk, m_final.data(), m_final.size());
        return std::span<std::uint8_t>(body, bodyLength);
    }

    std::string_view implementation() const override { return "botan:AES-128/GCM"; }

private:
    std::unique_ptr<Botan::Cipher_Mode> m_encryption;
    std::unique_ptr<Botan::Cipher_Mode> m_decryption;
    std::size_t m_granularity = 16;
    Botan::secure_vector<std::uint8_t> m_final;
};

} // namespace

std::unique_ptr<PacketCrypto> makeAes128Gcm(std::span<const std::uint8_t, 16> key)
{
    return std::make_unique<AesGcmCrypto>(key);
}

} // namespace kcp::crypto
