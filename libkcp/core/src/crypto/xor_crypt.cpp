#include "cpu_features.h"
#include "crypt_factories.h"
#include "pbkdf2.h"

#include <algorithm>
#include <array>

namespace kcp::crypto
{
namespace
{

// kcp-go simpleXORBlockCrypt: xortbl = pbkdf2.Key(key, "sH3CIVoF#rWLtJo6", 32, mtuLimit,
// sha1.New) with mtuLimit = 1500, and Encrypt = Decrypt = xor.Bytes(dst, src, xortbl), which XORs
// min(len(src), 1500) bytes. Bytes past 1500 (kcp-go never sends such datagrams) stay as they
// are, exactly as there.
constexpr std::string_view kXorSalt = "sH3CIVoF#rWLtJo6";
constexpr std::size_t kXorIterations = 32;
constexpr std::size_t kXorTableSize = 1500;

// The same loop compiled for three ISA levels; the compiler vectorises each to its width.
#define KCP_XOR_LOOP                                                                               \
    for (std::size_t i = 0; i < n; ++i)                                                            \
        data[i] ^= table[i];

void xorDefault(std::uint8_t* __restrict data, const std::uint8_t* __restrict table, std::size_t n)
{
    clearUpperVectorState();
    KCP_XOR_LOOP
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void xorAvx2(std::uint8_t* __restrict data,
                                             const std::uint8_t* __restrict table, std::size_t n)
{
    KCP_XOR_LOOP
}

__attribute__((target("avx2,avx512f,avx512bw,avx512vl"))) void
xorAvx512(std::uint8_t* __restrict data, const std::uint8_t* __restrict table, std::size_t n)
{
    KCP_XOR_LOOP
}
#endif

class XorCrypt final : public BlockCrypt
{
public:
    XorCrypt(std::span<const std::uint8_t, 32> key, CipherEngine engine)
    {
        pbkdf2HmacSha1(key, kXorSalt, kXorIterations, m_table);
        const CpuKernels cpu = cpuKernels(engine);
#if defined(__x86_64__)
        if (cpu.avx512)
        {
            m_kernel = xorAvx512;
            m_implementation = "xor-avx512";
        }
        else if (cpu.avx2)
        {
            m_kernel = xorAvx2;
            m_implementation = "xor-avx2";
        }
#else
        (void)cpu;
#endif
    }

    void encrypt(std::uint8_t* data, std::size_t length) override
    {
        m_kernel(data, m_table.data(), std::min(length, kXorTableSize));
    }
    void decrypt(std::uint8_t* data, std::size_t length) override
    {
        encrypt(data, length);
    }
    std::string_view implementation() const override
    {
        return m_implementation;
    }

private:
    alignas(64) std::array<std::uint8_t, kXorTableSize> m_table{};
    void (*m_kernel)(std::uint8_t*, const std::uint8_t*, std::size_t) = xorDefault;
    std::string_view m_implementation = "xor";
};

} // namespace

std::unique_ptr<BlockCrypt> makeXorCrypt(std::span<const std::uint8_t, 32> key, CipherEngine engine)
{
    return std::make_unique<XorCrypt>(key, engine);
}

} // namespace kcp::crypto
