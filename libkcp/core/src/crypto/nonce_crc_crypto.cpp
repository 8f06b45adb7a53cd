#include "crypt_factories.h"

#include "kcp/crc32.h"

#include <algorithm>
#include <array>
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
        const std::size_t length = stamp(datagram, bodyLength, random);
        m_cipher->encrypt(datagram, length);
        return length;
    }

    void sealBatch(std::span<SealJob> jobs, RandomSource& random) override
    {
        // Nonces and crcs first, in job order (the same draws as seal() one by one), then one
        // batch encrypt per chunk. 16 MTU-sized datagrams still sit in L1 when the cipher reads
        // them after the crc pass.
        constexpr std::size_t kChunk = 16;
        std::array<std::span<std::uint8_t>, kChunk> buffers;
        for (std::size_t first = 0; first < jobs.size(); first += kChunk)
        {
            const std::size_t count = std::min(kChunk, jobs.size() - first);
            for (std::size_t i = 0; i < count; ++i)
            {
                SealJob& job = jobs[first + i];
                job.length = stamp(job.datagram, job.bodyLength, random);
                buffers[i] = {job.datagram, job.length};
            }
            m_cipher->encryptBatch({buffers.data(), count});
        }
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
    // Everything of seal() but the encryption: the nonce, then the crc of the body.
    static std::size_t stamp(std::uint8_t* datagram, std::size_t bodyLength, RandomSource& random)
    {
        random.fill({datagram, kNonceSize});
        const std::uint32_t crc = crc32Ieee(datagram + kHeaderSize, bodyLength);
        const std::uint8_t crcLe[kCrcSize] = {
            static_cast<std::uint8_t>(crc), static_cast<std::uint8_t>(crc >> 8),
            static_cast<std::uint8_t>(crc >> 16), static_cast<std::uint8_t>(crc >> 24)};
        std::memcpy(datagram + kNonceSize, crcLe, kCrcSize);
        return kHeaderSize + bodyLength;
    }

    std::unique_ptr<BlockCrypt> m_cipher;
};

} // namespace

std::unique_ptr<PacketCrypto> makeNonceCrcCrypto(std::unique_ptr<BlockCrypt> cipher)
{
    return std::make_unique<NonceCrcCrypto>(std::move(cipher));
}

} // namespace kcp::crypto
