#include "cpu_features.h"
#include "crypt_factories.h"

#include <botan/stream_cipher.h>

#include <cstdint>
#include <cstring>
#include <memory>

// kcp-go salsa20BlockCrypt: salsa20.XORKeyStream(dst[8:], src[8:], src[:8], key) — Salsa20/20
// with the 32-byte key, nonce = datagram bytes 0..7 (which stay in clear), 64-bit block counter
// starting at 0 for every datagram.
//
// Botan's Salsa20 is scalar, slower than Go's assembly, so x86 gets a lane-parallel kernel: each
// vector lane runs one 64-byte block (16 lanes on AVX-512, 8 on AVX2), then a transpose turns
// "word w of every block" into "every word of block j" for the XOR. Botan stays the reference
// (CipherEngine::Portable) and the path for other CPUs.

#pragma GCC diagnostic ignored "-Wpsabi" // vectors wider than the baseline ABI never cross a call

namespace kcp::crypto
{
namespace
{

constexpr std::size_t kNonceBytes = 8; // bytes 0..7: sent in clear, used as the Salsa20 nonce

// "expand 32-byte k" at words 0, 5, 10, 15.
constexpr std::uint32_t kSigma[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

inline std::uint32_t loadLe32(const std::uint8_t* p)
{
    std::uint32_t v;
    std::memcpy(&v, p, 4); // x86 and the wire are both little-endian
    return v;
}

class BotanSalsa20 final : public BlockCrypt
{
public:
    explicit BotanSalsa20(std::span<const std::uint8_t, 32> key)
        : m_cipher(Botan::StreamCipher::create_or_throw("Salsa20"))
    {
        m_cipher->set_key(key.data(), key.size());
    }

    void encrypt(std::uint8_t* data, std::size_t length) override { apply(data, length); }
    void decrypt(std::uint8_t* data, std::size_t length) override { apply(data, length); }
    std::string_view implementation() const override { return "botan:Salsa20"; }

private:
    void apply(std::uint8_t* data, std::size_t length)
    {
        if (length <= kNonceBytes)
            return;
        clearUpperVectorState();
        m_cipher->set_iv(data, kNonceBytes);
        m_cipher->cipher1(data + kNonceBytes, length - kNonceBytes);
    }

    std::unique_ptr<Botan::StreamCipher> m_cipher;
};

#if defined(__x86_64__)

typedef std::uint32_t U32x8 __attribute__((vector_size(32)));
typedef std::uint32_t U32x16 __attribute__((vector_size(64)));

template <class V> constexpr int kLanes = sizeof(V) / 4;

template <class V> [[gnu::always_inline]] inline V rotl(V x, int n)
{
    return (x << n) | (x >> (32 - n));
}

template <class V> [[gnu::always_inline]] inline void quarter(V& a, V& b, V& c, V& d)
{
    b ^= rotl(a + d, 7);
    c ^= rotl(b + a, 9);
    d ^= rotl(c + b, 13);
    a ^= rotl(d + c, 18);
}

// GCC's two-vector __builtin_shuffle with a runtime mask; clang (the fuzz build) lacks it, so
// there the same lane selection is spelled out per element.
template <class V, class M> [[gnu::always_inline]] inline V shuffle2(V a, V b, M mask)
{
#if defined(__clang__)
    constexpr int L = kLanes<V>;
    V r;
    for (int j = 0; j < L; ++j)
        r[j] = mask[j] < L ? a[mask[j]] : b[mask[j] - L];
    return r;
#else
    return __builtin_shuffle(a, b, mask);
#endif
}

// rows[0..L) hold L words each; afterwards rows[j] holds word j of every original row. Each pass
// interleaves the two halves of the row set; log2(L) passes transpose.
template <class V> [[gnu::always_inline]] inline void transpose(V* rows)
{
    constexpr int L = kLanes<V>;
    using Mask = decltype(V{} < V{}); // the signed-int vector of the same shape
    Mask lo, hi;
    for (int j = 0; j < L / 2; ++j)
    {
        lo[2 * j] = j;
        lo[2 * j + 1] = L + j;
        hi[2 * j] = L / 2 + j;
        hi[2 * j + 1] = L + L / 2 + j;
    }
    for (int pass = 1; pass < L; pass *= 2)
    {
        V next[L];
        for (int i = 0; i < L / 2; ++i)
        {
            next[2 * i] = shuffle2(rows[i], rows[i + L / 2], lo);
            next[2 * i + 1] = shuffle2(rows[i], rows[i + L / 2], hi);
        }
        for (int i = 0; i < L; ++i)
            rows[i] = next[i];
    }
}

// XORs the key stream of blocks counter .. counter + L - 1 into data (bytes <= 64 * L).
template <class V>
[[gnu::always_inline]] inline void salsaLanes(const std::uint32_t* state, std::uint64_t counter,
                                              std::uint8_t* data, std::size_t bytes)
{
    constexpr int L = kLanes<V>;
    V s[16];
    for (int w = 0; w < 16; ++w)
        s[w] = V{} + state[w];
    V iota;
    for (int l = 0; l < L; ++l)
        iota[l] = static_cast<std::uint32_t>(l);
    const V base = V{} + static_cast<std::uint32_t>(counter);
    s[8] = base + iota;
    // A lane whose low word wrapped carries into the high word (compare gives -1 where true).
    s[9] = (V{} + static_cast<std::uint32_t>(counter >> 32)) - (V)(s[8] < base);

    V x[16];
    for (int w = 0; w < 16; ++w)
        x[w] = s[w];
    for (int round = 0; round < 10; ++round)
    {
        quarter(x[0], x[4], x[8], x[12]); // columns
        quarter(x[5], x[9], x[13], x[1]);
        quarter(x[10], x[14], x[2], x[6]);
        quarter(x[15], x[3], x[7], x[11]);
        quarter(x[0], x[1], x[2], x[3]); // rows
        quarter(x[5], x[6], x[7], x[4]);
        quarter(x[10], x[11], x[8], x[9]);
        quarter(x[15], x[12], x[13], x[14]);
    }
    for (int w = 0; w < 16; ++w)
        x[w] += s[w];
    for (int g = 0; g < 16; g += L)
        transpose(x + g);

    // Block j is x[j] (16 lanes), or x[j] then x[8 + j] (8 lanes).
    constexpr int kVectorsPerBlock = 16 / L;
    std::size_t off = 0;
    for (int j = 0; j < L && off < bytes; ++j)
    {
        for (int g = 0; g < kVectorsPerBlock && off < bytes; ++g, off += sizeof(V))
        {
            const V& k = x[g * L + j];
            if (bytes - off >= sizeof(V))
            {
                V d;
                std::memcpy(&d, data + off, sizeof d);
                d ^= k;
                std::memcpy(data + off, &d, sizeof d);
            }
            else
            {
                std::uint8_t ks[sizeof(V)];
                std::memcpy(ks, &k, sizeof ks);
                for (std::size_t i = 0; off + i < bytes; ++i)
                    data[off + i] ^= ks[i];
            }
        }
    }
}

__attribute__((target("avx2"))) void salsaAvx2(const std::uint32_t* state, std::uint8_t* data,
                                               std::size_t length)
{
    std::uint64_t counter = 0;
    for (std::size_t off = 0; off < length; off += 512, counter += 8)
        salsaLanes<U32x8>(state, counter, data + off, std::min<std::size_t>(length - off, 512));
}

__attribute__((target("avx2,avx512f,avx512bw,avx512vl"))) void
salsaAvx512(const std::uint32_t* state, std::uint8_t* data, std::size_t length)
{
    std::uint64_t counter = 0;
    std::size_t off = 0;
    for (; off < length && length - off > 512; off += 1024, counter += 16)
        salsaLanes<U32x16>(state, counter, data + off, std::min<std::size_t>(length - off, 1024));
    if (off < length) // a short rest is cheaper on half-width vectors
        salsaLanes<U32x8>(state, counter, data + off, length - off);
}

class SimdSalsa20 final : public BlockCrypt
{
public:
    SimdSalsa20(std::span<const std::uint8_t, 32> key, bool avx512) : m_avx512(avx512)
    {
        m_state[0] = kSigma[0];
        m_state[5] = kSigma[1];
        m_state[10] = kSigma[2];
        m_state[15] = kSigma[3];
        for (int i = 0; i < 4; ++i)
        {
            m_state[1 + i] = loadLe32(key.data() + 4 * i);
            m_state[11 + i] = loadLe32(key.data() + 16 + 4 * i);
        }
    }

    void encrypt(std::uint8_t* data, std::size_t length) override { apply(data, length); }
    void decrypt(std::uint8_t* data, std::size_t length) override { apply(data, length); }
    std::string_view implementation() const override
    {
        return m_avx512 ? "salsa20-avx512" : "salsa20-avx2";
    }

private:
    void apply(std::uint8_t* data, std::size_t length)
    {
        if (length <= kNonceBytes)
            return;
        std::uint32_t state[16];
        std::memcpy(state, m_state, sizeof state);
        state[6] = loadLe32(data);
        state[7] = loadLe32(data + 4);
        if (m_avx512)
            salsaAvx512(state, data + kNonceBytes, length - kNonceBytes);
        else
            salsaAvx2(state, data + kNonceBytes, length - kNonceBytes);
    }

    std::uint32_t m_state[16] = {}; // words 6..9 (nonce, counter) are filled per datagram
    bool m_avx512;
};

#endif

} // namespace

std::unique_ptr<BlockCrypt> makeSalsa20(std::span<const std::uint8_t, 32> key, CipherEngine engine)
{
#if defined(__x86_64__)
    const CpuKernels cpu = cpuKernels(engine);
    if (cpu.avx2)
        return std::make_unique<SimdSalsa20>(key, cpu.avx512);
#else
    (void)engine;
#endif
    return std::make_unique<BotanSalsa20>(key);
}

} // namespace kcp::crypto
