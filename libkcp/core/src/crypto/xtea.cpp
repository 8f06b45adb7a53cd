#include "cfb_mode.h"
#include "crypt_factories.h"

#include <botan/block_cipher.h>

namespace kcp::crypto
{
namespace
{

// XTEA as golang.org/x/crypto/xtea (standard: 32 cycles = 64 Feistel rounds, big-endian words
// and key). CFB encryption is one block at a time, so its speed is the latency of one block: the
// round keys sum + k[...] are precomputed, leaving shift/xor/add/xor/add per round, and the chain
// stays in registers (CfbMode word interface). Decryption wants throughput instead, and Botan's
// XTEA already runs many blocks in SIMD lanes, so the bulk calls go there.
class Xtea
{
public:
    static constexpr std::size_t kBlockSize = 8;

    explicit Xtea(std::span<const std::uint8_t, 16> key)
        : m_bulk(Botan::BlockCipher::create_or_throw("XTEA"))
    {
        std::uint32_t k[4];
        for (int i = 0; i < 4; ++i)
            k[i] = loadBe32(key.data() + 4 * i);
        std::uint32_t sum = 0;
        for (int r = 0; r < kRounds; r += 2)
        {
            m_table[r] = sum + k[sum & 3];
            sum += kDelta;
            m_table[r + 1] = sum + k[(sum >> 11) & 3];
        }
        m_bulk->set_key(key.data(), key.size());
    }

    void encryptWords(std::uint32_t& v0, std::uint32_t& v1) const
    {
        for (int r = 0; r < kRounds; r += 2)
        {
            v0 += (((v1 << 4) ^ (v1 >> 5)) + v1) ^ m_table[r];
            v1 += (((v0 << 4) ^ (v0 >> 5)) + v0) ^ m_table[r + 1];
        }
    }

    void encryptBlock(const std::uint8_t* in, std::uint8_t* out) const
    {
        std::uint32_t v0 = loadBe32(in);
        std::uint32_t v1 = loadBe32(in + 4);
        encryptWords(v0, v1);
        storeBe32(out, v0);
        storeBe32(out + 4, v1);
    }

    void encryptBlocks(const std::uint8_t* in, std::uint8_t* out, std::size_t count) const
    {
        m_bulk->encrypt_n(in, out, count);
    }

private:
    static constexpr int kRounds = 64;
    static constexpr std::uint32_t kDelta = 0x9E3779B9;

    std::uint32_t m_table[kRounds];
    std::unique_ptr<Botan::BlockCipher> m_bulk;
};

} // namespace

std::unique_ptr<BlockCrypt> makeXteaCfb(std::span<const std::uint8_t, 16> key, CipherEngine engine)
{
    if (engine == CipherEngine::Portable)
        return makeBotanCfb("XTEA", key);
    return std::make_unique<CfbMode<Xtea>>("xtea", key);
}

} // namespace kcp::crypto
