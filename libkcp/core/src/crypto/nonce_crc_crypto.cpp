#include "crypt_factories.h"

#include "kcp/crc32.h"

#include <cstring>

namespace kcp::crypto
{
namespace
{

// kcp-go sess.go output/input framing around a BlockCrypt (every kcptun method):
//     offset 0        16         20
//            nonce16 | crc32 u32le | body...
// Send: random nonce, crc32 (IEEE) of the body at 16..19, then the whole datagram is encrypted.
// Receive: decrypt the whole datagram, drop it if it is shorter than 20 bytes or the crc of
// bytes 20.. does not match. The crc is an integrity check, not a MAC.
constexpr std::size_t kNonceSize = 16;
constexpr std::size_t kCrcSize = 4;
constexpr std::size_t kHeaderSize = kNonceSize + kCrcSize;

class NonceCrcCrypto final : public PacketCrypto
{
public:
    explicit NonceCrcCrypto(std::unique_ptr<BlockCrypt> cipher) : m_cipher(std::move(cipher)) {}

    std::size_t headerSize() const override { return kHeaderSize; }

    std::size_t seal(std::uint8_t* datagram, std::size_t bodyLength, RandomSource& random) override
    {
        random.fill({datagram, kNonceSize});
        const std::uint32_t crc = crc32Ieee(datagram + kHeaderSize, bodyLength);
        const std::uint8_t crcLe[kCrcSize] = {
            static_cast<std::uint8_t>(crc), static_cast<std::uint8_t>(crc >> 8),
            static_cast<std::uint8_t>(crc >> 16), static_cast<std::uint8_t>(crc >> 24)};
        std::memcpy(datagram + kNonceSize, crcLe, kCrcSize);
        const std::size_t length = kHeaderSize + bodyLength;
        m_cipher->encrypt(datagram, length);
        return length;
    }

    std::optional<std::span<std::uint8_t>> open(std::uint8_t* datagram, std::size_t length) override
    {
        if (length < kHeaderSize)
            return std::nullopt;
        m_cipher->decrypt(datagram, length);
        const std::uint8_t* c = datagram + kNonceSize;
        const std::uint32_t expected = std::uint32_t{c[0]} | (std::uint32_t{c[1]} << 8) |
                                       (std::uint32_t{c[2]} << 16) | (std::uint32_t{c[3]} << 24);
        if (crc32Ieee(datagram + kHeaderSize, length - kHeaderSize) != expected)
            return std::nullopt;
        return std::span<std::uint8_t>(datagram + kHeaderSize, length - kHeaderSize);
    }

    std::string_view implementation() const override { return m_cipher->implementation(); }

private:
    std::unique_ptr<BlockCrypt> m_cipher;
};

} // namespace

std::unique_ptr<PacketCrypto> makeNonceCrcCrypto(std::unique_ptr<BlockCrypt> cipher)
{
    return std::make_unique<NonceCrcCrypto>(std::move(cipher));
}

} // namespace kcp::crypto
