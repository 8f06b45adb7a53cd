#include "cfb_mode.h"
#include "cpu_features.h"
#include "crypt_factories.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#define KCP_HAVE_X86_AES 1
#endif

// AES in kcp-go CFB with the x86 AES instructions. Botan's Cipher_Mode CFB is almost 2x slower
// than Go for this, and even Botan::BlockCipher costs a virtual call and a key-schedule indirection
// per block on the serial encrypt path, so AES gets hand-written kernels:
//   encrypt   serial by nature (K_{i+1} = E(C_i)): one block at a time through AES-NI, with the
//             plaintext XOR folded into the last round key so only AES rounds are on the
//             critical path.
//   decrypt   every K_i = E(C_{i-1}) is independent: 16 blocks per iteration on zmm registers with
//             VAES, or 8 interleaved blocks with AES-NI; AVX-512 byte masks take the ragged tail.

namespace kcp::crypto
{

#if KCP_HAVE_X86_AES
namespace
{

#define KCP_TARGET_AESNI __attribute__((target("aes,sse4.1")))
#define KCP_TARGET_VAES __attribute__((target("aes,sse4.1,avx2,avx512f,avx512bw,avx512vl,vaes")))

// FIPS-197 5.2 key expansion for any key size. SubWord comes from AESKEYGENASSIST (the word in
// lane 1 gives SubWord in lane 0 and RotWord(SubWord) in lane 1 when RCON is 0); done once per key.
KCP_TARGET_AESNI void expandKey(const std::uint8_t* key, std::size_t keyLength, __m128i* roundKeys)
{
    static constexpr std::uint8_t kRcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10,
                                               0x20, 0x40, 0x80, 0x1b, 0x36};
    const std::size_t nk = keyLength / 4;
    const std::size_t words = 4 * (nk + 7); // 4 * (Nr + 1), Nr = Nk + 6
    std::uint32_t w[60];
    std::memcpy(w, key, keyLength);
    for (std::size_t i = nk; i < words; ++i)
    {
        std::uint32_t t = w[i - 1];
        if (i % nk == 0 || (nk > 6 && i % nk == 4))
        {
            const __m128i assist =
                _mm_aeskeygenassist_si128(_mm_set_epi32(0, 0, static_cast<int>(t), 0), 0);
            if (i % nk == 0)
                t = static_cast<std::uint32_t>(_mm_extract_epi32(assist, 1)) ^ kRcon[i / nk - 1];
            else
                t = static_cast<std::uint32_t>(_mm_cvtsi128_si32(assist));
        }
        w[i] = w[i - nk] ^ t;
    }
    std::memcpy(static_cast<void*>(roundKeys), w, words * 4);
}

template <int Nr> KCP_TARGET_AESNI inline __m128i middleRounds(__m128i x, const __m128i* rk)
{
    for (int r = 1; r < Nr; ++r)
        x = _mm_aesenc_si128(x, rk[r]);
    return x;
}

template <int Nr> KCP_TARGET_AESNI inline __m128i encryptBlock(__m128i block, const __m128i* rk)
{
    return _mm_aesenclast_si128(middleRounds<Nr>(_mm_xor_si128(block, rk[0]), rk), rk[Nr]);
}

KCP_TARGET_AESNI inline void xorTail(std::uint8_t* data, std::size_t n, __m128i keyStream)
{
    alignas(16) std::uint8_t k[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(k), keyStream);
    xorBytes(data, k, n);
}

template <int Nr>
KCP_TARGET_AESNI void cfbEncrypt(const __m128i* rk, __m128i firstKeyStream, std::uint8_t* data,
                                 std::size_t length)
{
    const std::size_t full = length / 16;
    __m128i k = firstKeyStream;
    if (full > 0)
    {
        // x carries C_i ^ rk0 (the next block's whitened AES input). With the last round key
        // pre-XORed with rk0 and P_{i+1}, AESENCLAST yields C_{i+1} ^ rk0 directly.
        const __m128i whiten = rk[0];
        const __m128i lastAndWhiten = _mm_xor_si128(rk[Nr], whiten);
        auto* blocks = reinterpret_cast<__m128i*>(data);
        __m128i x = _mm_xor_si128(_mm_xor_si128(_mm_loadu_si128(blocks), k), whiten);
        _mm_storeu_si128(blocks, _mm_xor_si128(x, whiten));
        for (std::size_t i = 1; i < full; ++i)
        {
            const __m128i lastKey = _mm_xor_si128(lastAndWhiten, _mm_loadu_si128(blocks + i));
            x = _mm_aesenclast_si128(middleRounds<Nr>(x, rk), lastKey);
            _mm_storeu_si128(blocks + i, _mm_xor_si128(x, whiten));
        }
        if (length % 16 == 0)
            return;
        k = _mm_aesenclast_si128(middleRounds<Nr>(x, rk), rk[Nr]);
    }
    xorTail(data + full * 16, length % 16, k);
}

// One buffer of a batch in flight: where its next whole block is, how many whole blocks are left
// and the length of its trailing partial block.
struct CfbLane
{
    std::uint8_t* next = nullptr;
    std::size_t blocksLeft = 0;
    std::size_t tailLength = 0;
    bool live = false;
};

// Puts the next buffer that has a whole block into lane, encrypting its block 0 (K_0 is fixed, no
// AES needed) so the lane holds the whitened chain value C_0 ^ rk0. Buffers shorter than a block
// are finished on the way. Returns false when the batch has no buffer left.
KCP_TARGET_AESNI inline bool startLane(std::span<const std::span<std::uint8_t>> buffers,
                                       std::size_t& nextBuffer, __m128i firstKeyStream,
                                       __m128i whiten, CfbLane& lane, __m128i& chain)
{
    while (nextBuffer < buffers.size())
    {
        const std::span<std::uint8_t> buffer = buffers[nextBuffer++];
        const std::size_t full = buffer.size() / 16;
        if (full == 0)
        {
            xorTail(buffer.data(), buffer.size(), firstKeyStream);
            continue;
        }
        auto* block = reinterpret_cast<__m128i*>(buffer.data());
        const __m128i c0 = _mm_xor_si128(_mm_loadu_si128(block), firstKeyStream);
        _mm_storeu_si128(block, c0);
        chain = _mm_xor_si128(c0, whiten);
        lane = CfbLane{buffer.data() + 16, full - 1, buffer.size() % 16, true};
        return true;
    }
    lane.live = false;
    return false;
}

// cfbEncrypt over many buffers at once. Encryption is serial within a buffer, so one chain keeps
// a single AESENC in flight per ~4 cycles while the unit could start one or two per cycle; Ways
// chains from different buffers run side by side instead, block i of each lane per step. A lane
// whose buffer ends takes the next buffer of the batch; lanes with nothing left encrypt a scratch
// area of their own (cheaper than a variable lane count, which would not stay in registers; a
// shared one would chain the idle lanes through store-to-load forwarding).
template <int Nr, int Ways>
KCP_TARGET_AESNI void cfbEncryptInterleaved(const __m128i* rk, __m128i firstKeyStream,
                                            std::span<const std::span<std::uint8_t>> buffers)
{
    constexpr std::size_t kScratchBlocks = 32; // the longest run of steps between lane checks
    // What idle lanes encrypt is thrown away, so it is never initialised.
    alignas(16) std::uint8_t scratch[Ways][kScratchBlocks * 16];
    const __m128i whiten = rk[0];
    const __m128i lastAndWhiten = _mm_xor_si128(rk[Nr], whiten);
    CfbLane lanes[Ways];
    __m128i x[Ways]; // per lane C_{i-1} ^ rk0, the next block's whitened AES input
    std::size_t nextBuffer = 0;
    int live = 0;
    for (int j = 0; j < Ways; ++j)
    {
        x[j] = whiten;
        live += startLane(buffers, nextBuffer, firstKeyStream, whiten, lanes[j], x[j]) ? 1 : 0;
    }
    while (live > 0)
    {
        std::size_t steps = kScratchBlocks;
        std::uint8_t* p[Ways];
        for (int j = 0; j < Ways; ++j)
        {
            p[j] = lanes[j].live ? lanes[j].next : scratch[j];
            if (lanes[j].live)
                steps = std::min(steps, lanes[j].blocksLeft);
        }
        for (std::size_t s = 0; s < steps; ++s)
        {
            for (int r = 1; r < Nr; ++r)
            {
#pragma GCC unroll 16
                for (int j = 0; j < Ways; ++j)
                    x[j] = _mm_aesenc_si128(x[j], rk[r]);
            }
#pragma GCC unroll 16
            for (int j = 0; j < Ways; ++j)
            {
                auto* block = reinterpret_cast<__m128i*>(p[j] + s * 16);
                x[j] = _mm_aesenclast_si128(x[j],
                                            _mm_xor_si128(lastAndWhiten, _mm_loadu_si128(block)));
                _mm_storeu_si128(block, _mm_xor_si128(x[j], whiten));
            }
        }
        bool tails = false;
        for (int j = 0; j < Ways; ++j)
        {
            if (!lanes[j].live)
                continue;
            lanes[j].next += steps * 16;
            lanes[j].blocksLeft -= steps;
            tails = tails || (lanes[j].blocksLeft == 0 && lanes[j].tailLength > 0);
        }
        if (tails)
        {
            // K = E(C_last) for every lane at once; only the finished lanes with a tail use it.
            __m128i k[Ways];
            for (int j = 0; j < Ways; ++j)
                k[j] = x[j];
            for (int r = 1; r < Nr; ++r)
            {
#pragma GCC unroll 16
                for (int j = 0; j < Ways; ++j)
                    k[j] = _mm_aesenc_si128(k[j], rk[r]);
            }
            for (int j = 0; j < Ways; ++j)
            {
                if (lanes[j].live && lanes[j].blocksLeft == 0 && lanes[j].tailLength > 0)
                    xorTail(lanes[j].next, lanes[j].tailLength, _mm_aesenclast_si128(k[j], rk[Nr]));
            }
        }
        for (int j = 0; j < Ways; ++j)
        {
            if (lanes[j].live && lanes[j].blocksLeft == 0 &&
                !startLane(buffers, nextBuffer, firstKeyStream, whiten, lanes[j], x[j]))
                --live;
        }
    }
}

template <int Nr>
KCP_TARGET_AESNI void cfbDecryptAesNi(const __m128i* rk, __m128i firstKeyStream, std::uint8_t* data,
                                      std::size_t length)
{
    const std::size_t full = length / 16;
    if (full == 0)
    {
        xorTail(data, length, firstKeyStream);
        return;
    }
    auto* blocks = reinterpret_cast<__m128i*>(data);
    __m128i prev = _mm_loadu_si128(blocks); // C_{i-1} for the next block
    _mm_storeu_si128(blocks, _mm_xor_si128(prev, firstKeyStream));
    std::size_t i = 1;
    constexpr int kWays = 8; // AESENC latency x throughput on current cores
    for (; i + kWays <= full; i += kWays)
    {
        __m128i c[kWays], x[kWays];
        for (int j = 0; j < kWays; ++j)
            c[j] = _mm_loadu_si128(blocks + i + j);
        x[0] = _mm_xor_si128(prev, rk[0]);
        for (int j = 1; j < kWays; ++j)
            x[j] = _mm_xor_si128(c[j - 1], rk[0]);
        for (int r = 1; r < Nr; ++r)
            for (int j = 0; j < kWays; ++j)
                x[j] = _mm_aesenc_si128(x[j], rk[r]);
        for (int j = 0; j < kWays; ++j)
            _mm_storeu_si128(blocks + i + j,
                             _mm_aesenclast_si128(x[j], _mm_xor_si128(rk[Nr], c[j])));
        prev = c[kWays - 1];
    }
    for (; i < full; ++i)
    {
        const __m128i c = _mm_loadu_si128(blocks + i);
        _mm_storeu_si128(blocks + i, _mm_xor_si128(c, encryptBlock<Nr>(prev, rk)));
        prev = c;
    }
    if (length % 16)
        xorTail(data + full * 16, length % 16, encryptBlock<Nr>(prev, rk));
}

// [previous lane 3, current lanes 0..2]: the blocks one position back.
// (GCC 12's plain _mm512_alignr_epi64/_mm512_broadcast_i32x4 trip -Wuninitialized on their own
// "undefined" pass-through operand; the all-lanes masked forms compile to the same instructions.)
KCP_TARGET_VAES inline __m512i alignBack(__m512i current, __m512i previous)
{
    return _mm512_maskz_alignr_epi64(0xFF, current, previous, 6);
}

KCP_TARGET_VAES inline __m512i broadcastBlock(__m128i block)
{
    return _mm512_maskz_broadcast_i32x4(0xFFFF, block);
}

// One zmm = 4 blocks. The AES inputs are the ciphertext shifted back by one block: lanes
// [C_{i-1}, C_i, C_{i+1}, C_{i+2}] come from the previous vector's top lane and this vector's
// lower three (VALIGNQ), so nothing is re-read from memory that has been overwritten.
template <int Nr>
KCP_TARGET_VAES inline __m512i decryptLanes(__m512i c, __m512i previous, const __m512i* rk)
{
    __m512i x = _mm512_xor_si512(alignBack(c, previous), rk[0]);
    for (int r = 1; r < Nr; ++r)
        x = _mm512_aesenc_epi128(x, rk[r]);
    return _mm512_aesenclast_epi128(x, _mm512_xor_si512(rk[Nr], c));
}

template <int Nr>
KCP_TARGET_VAES void cfbDecryptVaes(const __m128i* roundKeys, std::uint8_t* data,
                                    std::size_t length)
{
    __m512i rk[Nr + 1];
    for (int r = 0; r <= Nr; ++r)
        rk[r] = broadcastBlock(roundKeys[r]);
    // Top lane = the IV, i.e. "C_{-1}": block 0 needs no special case.
    __m512i last = broadcastBlock(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kCfbIv.data())));
    std::size_t off = 0;
    for (; off + 256 <= length; off += 256)
    {
        const __m512i c0 = _mm512_loadu_si512(data + off);
        const __m512i c1 = _mm512_loadu_si512(data + off + 64);
        const __m512i c2 = _mm512_loadu_si512(data + off + 128);
        const __m512i c3 = _mm512_loadu_si512(data + off + 192);
        __m512i x0 = _mm512_xor_si512(alignBack(c0, last), rk[0]);
        __m512i x1 = _mm512_xor_si512(alignBack(c1, c0), rk[0]);
        __m512i x2 = _mm512_xor_si512(alignBack(c2, c1), rk[0]);
        __m512i x3 = _mm512_xor_si512(alignBack(c3, c2), rk[0]);
        for (int r = 1; r < Nr; ++r)
        {
            x0 = _mm512_aesenc_epi128(x0, rk[r]);
            x1 = _mm512_aesenc_epi128(x1, rk[r]);
            x2 = _mm512_aesenc_epi128(x2, rk[r]);
            x3 = _mm512_aesenc_epi128(x3, rk[r]);
        }
        _mm512_storeu_si512(data + off, _mm512_aesenclast_epi128(x0, _mm512_xor_si512(rk[Nr], c0)));
        _mm512_storeu_si512(data + off + 64,
                            _mm512_aesenclast_epi128(x1, _mm512_xor_si512(rk[Nr], c1)));
        _mm512_storeu_si512(data + off + 128,
                            _mm512_aesenclast_epi128(x2, _mm512_xor_si512(rk[Nr], c2)));
        _mm512_storeu_si512(data + off + 192,
                            _mm512_aesenclast_epi128(x3, _mm512_xor_si512(rk[Nr], c3)));
        last = c3;
    }
    for (; off + 64 <= length; off += 64)
    {
        const __m512i c = _mm512_loadu_si512(data + off);
        _mm512_storeu_si512(data + off, decryptLanes<Nr>(c, last, rk));
        last = c;
    }
    if (off < length)
    {
        // Masked lanes load as zero and are never stored; the partial block's key stream comes
        // from the whole block before it, as in CFB.
        const __mmask64 mask = (std::uint64_t{1} << (length - off)) - 1;
        const __m512i c = _mm512_maskz_loadu_epi8(mask, data + off);
        _mm512_mask_storeu_epi8(data + off, mask, decryptLanes<Nr>(c, last, rk));
    }
}

template <int Nr> class AesX86Cfb final : public BlockCrypt
{
public:
    AesX86Cfb(std::span<const std::uint8_t> key, bool useVaes) : m_useVaes(useVaes)
    {
        expandKey(key.data(), key.size(), m_roundKeys);
        m_firstKeyStream = firstKeyStream(m_roundKeys);
        m_implementation =
            "aes" + std::to_string(key.size() * 8) + (useVaes ? "-vaes512" : "-aesni");
    }

    void encrypt(std::uint8_t* data, std::size_t length) override
    {
        clearUpperVectorState();
        cfbEncrypt<Nr>(m_roundKeys, m_firstKeyStream, data, length);
    }

    void encryptBatch(std::span<const std::span<std::uint8_t>> buffers) override
    {
        clearUpperVectorState();
        // Lanes of the interleaved kernel: AESENC issues every 0.5-1 cycle with a latency of
        // 3-4, so 8 chains fill the unit; smaller batches take fewer lanes rather than idle ones.
        if (buffers.size() >= 8)
            cfbEncryptInterleaved<Nr, 8>(m_roundKeys, m_firstKeyStream, buffers);
        else if (buffers.size() >= 4)
            cfbEncryptInterleaved<Nr, 4>(m_roundKeys, m_firstKeyStream, buffers);
        else if (buffers.size() >= 2)
            cfbEncryptInterleaved<Nr, 2>(m_roundKeys, m_firstKeyStream, buffers);
        else if (buffers.size() == 1)
            cfbEncrypt<Nr>(m_roundKeys, m_firstKeyStream, buffers[0].data(), buffers[0].size());
    }

    void decrypt(std::uint8_t* data, std::size_t length) override
    {
        if (m_useVaes)
            cfbDecryptVaes<Nr>(m_roundKeys, data, length);
        else
        {
            clearUpperVectorState();
            cfbDecryptAesNi<Nr>(m_roundKeys, m_firstKeyStream, data, length);
        }
    }

    std::string_view implementation() const override { return m_implementation; }

private:
    KCP_TARGET_AESNI static __m128i firstKeyStream(const __m128i* rk)
    {
        return encryptBlock<Nr>(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kCfbIv.data())),
                                rk);
    }

    __m128i m_roundKeys[Nr + 1];
    __m128i m_firstKeyStream;
    bool m_useVaes;
    std::string m_implementation;
};

} // namespace
#endif

std::unique_ptr<BlockCrypt> makeAesCfb(std::span<const std::uint8_t> key, CipherEngine engine)
{
    const char* botanName = nullptr;
    switch (key.size())
    {
    case 16:
        botanName = "AES-128";
        break;
    case 24:
        botanName = "AES-192";
        break;
    case 32:
        botanName = "AES-256";
        break;
    default:
        throw std::invalid_argument("AES key must be 16, 24 or 32 bytes");
    }
#if KCP_HAVE_X86_AES
    const CpuKernels cpu = cpuKernels(engine);
    if (cpu.aesNi)
    {
        switch (key.size())
        {
        case 16:
            return std::make_unique<AesX86Cfb<10>>(key, cpu.vaes512);
        case 24:
            return std::make_unique<AesX86Cfb<12>>(key, cpu.vaes512);
        default:
            return std::make_unique<AesX86Cfb<14>>(key, cpu.vaes512);
        }
    }
#else
    (void)engine;
#endif
    return makeBotanCfb(botanName, key);
}

} // namespace kcp::crypto
