#include "cfb_mode.h"
#include "crypt_factories.h"

#include <cstdint>
#include <cstring>

namespace kcp::crypto
{
namespace
{

// kcp-go builds TEA with golang.org/x/crypto/tea NewCipherWithRounds(key, 16): 16 Feistel rounds
// = 8 cycles, not the textbook 32 cycles (Botan has no TEA at all). Words and key are big-endian:
//     sum += 0x9E3779B9
//     v0 += ((v1 << 4) + k0) ^ (v1 + sum) ^ ((v1 >> 5) + k1)
//     v1 += ((v0 << 4) + k2) ^ (v0 + sum) ^ ((v0 >> 5) + k3)
class Tea8
{
public:
    static constexpr std::size_t kBlockSize = 8;

    explicit Tea8(std::span<const std::uint8_t, 16> key)
    {
        for (int i = 0; i < 4; ++i)
            m_k[i] = loadBe32(key.data() + 4 * i);
        std::uint32_t sum = 0;
        for (int c = 0; c < kCycles; ++c)
            m_sums[c] = sum += kDelta;
    }

    void encryptWords(std::uint32_t& v0, std::uint32_t& v1) const
    {
        for (int c = 0; c < kCycles; ++c)
        {
            v0 += ((v1 << 4) + m_k[0]) ^ (v1 + m_sums[c]) ^ ((v1 >> 5) + m_k[1]);
            v1 += ((v0 << 4) + m_k[2]) ^ (v0 + m_sums[c]) ^ ((v0 >> 5) + m_k[3]);
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

    // Lanes of independent blocks side by side, so the compiler can run them in SIMD registers.
    void encryptBlocks(const std::uint8_t* in, std::uint8_t* out, std::size_t count) const
    {
        constexpr std::size_t kLanes = 8;
        std::size_t done = 0;
        for (; done + kLanes <= count; done += kLanes)
        {
            std::uint32_t v0[kLanes], v1[kLanes];
            for (std::size_t l = 0; l < kLanes; ++l)
            {
                v0[l] = loadBe32(in + (done + l) * 8);
                v1[l] = loadBe32(in + (done + l) * 8 + 4);
            }
            for (int c = 0; c < kCycles; ++c)
            {
                for (std::size_t l = 0; l < kLanes; ++l)
                    v0[l] +=
                        ((v1[l] << 4) + m_k[0]) ^ (v1[l] + m_sums[c]) ^ ((v1[l] >> 5) + m_k[1]);
                for (std::size_t l = 0; l < kLanes; ++l)
                    v1[l] +=
                        ((v0[l] << 4) + m_k[2]) ^ (v0[l] + m_sums[c]) ^ ((v0[l] >> 5) + m_k[3]);
            }
            for (std::size_t l = 0; l < kLanes; ++l)
            {
                storeBe32(out + (done + l) * 8, v0[l]);
                storeBe32(out + (done + l) * 8 + 4, v1[l]);
            }
        }
        for (; done < count; ++done)
            encryptBlock(in + done * 8, out + done * 8);
    }

private:
    static constexpr int kCycles = 8;
    static constexpr std::uint32_t kDelta = 0x9E3779B9;

    std::uint32_t m_k[4];
    std::uint32_t m_sums[kCycles];
};

} // namespace

std::unique_ptr<BlockCrypt> makeTeaCfb(std::span<const std::uint8_t, 16> key)
{
    return std::make_unique<CfbMode<Tea8>>("tea8", key);
}

} // namespace kcp::crypto
