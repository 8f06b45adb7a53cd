#include "gf_kernels.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define KCP_FEC_GFNI 1
#endif

namespace kcp::fec_detail
{

namespace
{

struct GfCpu
{
    bool gfni256 = false;
    bool gfni512 = false;
};

GfCpu detectCpu()
{
    GfCpu cpu;
#if KCP_FEC_GFNI
    // A copy of crypto's check (components do not include each other's internals).
    // __builtin_cpu_supports also says whether the OS saves the AVX / AVX-512 state; GFNI itself
    // is read from CPUID.(7,0):ECX[8] because older compilers cannot name it there.
    __builtin_cpu_init();
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const bool gfni = __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 8)) != 0;
    cpu.gfni256 = gfni && __builtin_cpu_supports("avx2");
    cpu.gfni512 = gfni && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#endif
    return cpu;
}

const GfCpu& gfCpu()
{
    static const GfCpu cpu = detectCpu();
    return cpu;
}

#if KCP_FEC_GFNI

// LLVM before 20 encodes the 8-bit displacement of a vgf2p8affineqb broadcast memory operand
// ({1to8}, {1to4}) with the wrong scale (llvm/llvm-project#120340): clang 14, which builds the
// fuzz targets, folds set1(m[i + 1]) into one and the instruction then reads m[i + 8]. A matrix
// that only exists in a register cannot be folded that way. GCC is not affected.
inline std::uint64_t inRegister(std::uint64_t matrix)
{
#if defined(__clang__) && __clang_major__ < 20
    __asm__("" : "+r"(matrix));
#endif
    return matrix;
}

__attribute__((target("avx"))) void zeroUpper()
{
    _mm256_zeroupper();
}

// -- 512-bit ---------------------------------------------------------------------------------
// Targets are processed in blocks of up to four accumulators: enough independent XOR chains to
// keep gf2p8affineqb (one per cycle on port 0) busy, few enough to stay in registers. Tails use
// masked loads and stores, so no byte outside [0, length) is touched.

#define KCP_GFNI512 __attribute__((target("gfni,avx512f,avx512bw")))

inline __mmask64 byteMask64(std::size_t n)
{
    return n >= 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
}

KCP_GFNI512 inline __m512i mul512(__m512i x, std::uint64_t matrix)
{
    return _mm512_gf2p8affine_epi64_epi8(
        x, _mm512_set1_epi64(static_cast<long long>(inRegister(matrix))), 0);
}

template <int T>
KCP_GFNI512 void dotProduct512(std::size_t length, int sources, const std::uint64_t* m,
                               const std::uint8_t* const* src, std::uint8_t* const* dst)
{
    const auto stride = static_cast<std::size_t>(sources);
    std::uint8_t* out[T];
    for (int t = 0; t < T; ++t)
        out[t] = dst[t];
    std::size_t o = 0;
    for (; o + 64 <= length; o += 64)
    {
        __m512i acc[T];
        const __m512i x0 = _mm512_loadu_si512(src[0] + o);
        for (int t = 0; t < T; ++t)
            acc[t] = mul512(x0, m[t * stride]);
        int s = 1;
        // Two sources per step: one three-way XOR (vpternlogq 0x96) folds both products in, so
        // the vector ALU ports spend 3 uops per 2 products instead of 4.
        for (; s + 1 < sources; s += 2)
        {
            const __m512i x = _mm512_loadu_si512(src[s] + o);
            const __m512i y = _mm512_loadu_si512(src[s + 1] + o);
            for (int t = 0; t < T; ++t)
                acc[t] = _mm512_ternarylogic_epi64(acc[t], mul512(x, m[t * stride + s]),
                                                   mul512(y, m[t * stride + s + 1]), 0x96);
        }
        if (s < sources)
        {
            const __m512i x = _mm512_loadu_si512(src[s] + o);
            for (int t = 0; t < T; ++t)
                acc[t] = _mm512_xor_si512(acc[t], mul512(x, m[t * stride + s]));
        }
        for (int t = 0; t < T; ++t)
            _mm512_storeu_si512(out[t] + o, acc[t]);
    }
    if (o < length)
    {
        const __mmask64 mask = byteMask64(length - o);
        __m512i acc[T];
        for (int t = 0; t < T; ++t)
            acc[t] = _mm512_setzero_si512();
        for (int s = 0; s < sources; ++s)
        {
            const __m512i x = _mm512_maskz_loadu_epi8(mask, src[s] + o);
            for (int t = 0; t < T; ++t)
                acc[t] = _mm512_xor_si512(acc[t], mul512(x, m[t * stride + s]));
        }
        for (int t = 0; t < T; ++t)
            _mm512_mask_storeu_epi8(out[t] + o, mask, acc[t]);
    }
}

template <int T>
KCP_GFNI512 void mulAccumulate512(std::size_t length, std::size_t accumulated,
                                  const std::uint64_t* m, std::size_t stride,
                                  const std::uint8_t* src, std::uint8_t* const* dst)
{
    __m512i matrix[T];
    // Local copies: stores through the byte pointers could alias dst[], which would make the
    // compiler reload every pointer after every store.
    std::uint8_t* out[T];
    for (int t = 0; t < T; ++t)
    {
        matrix[t] = _mm512_set1_epi64(static_cast<long long>(inRegister(m[t * stride])));
        out[t] = dst[t];
    }

    // Whole chunks below the accumulated mark: read-XOR-write.
    const std::size_t whole = std::min(length, accumulated) & ~std::size_t{63};
    std::size_t o = 0;
    for (; o < whole; o += 64)
    {
        const __m512i x = _mm512_loadu_si512(src + o);
        for (int t = 0; t < T; ++t)
        {
            const __m512i product = _mm512_gf2p8affine_epi64_epi8(x, matrix[t], 0);
            _mm512_storeu_si512(out[t] + o,
                                _mm512_xor_si512(product, _mm512_loadu_si512(out[t] + o)));
        }
    }
    // The rest: the old value is read only below the mark (a zero-masked load reads as zero
    // above it) and only bytes below length are stored.
    for (; o < length; o += 64)
    {
        const __mmask64 oldMask = accumulated > o ? byteMask64(accumulated - o) : 0;
        const __mmask64 mask = byteMask64(length - o);
        const __m512i x = _mm512_maskz_loadu_epi8(mask, src + o);
        for (int t = 0; t < T; ++t)
        {
            const __m512i product = _mm512_gf2p8affine_epi64_epi8(x, matrix[t], 0);
            const __m512i old = _mm512_maskz_loadu_epi8(oldMask, out[t] + o);
            _mm512_mask_storeu_epi8(out[t] + o, mask, _mm512_xor_si512(product, old));
        }
    }
}

// Two sources into the same targets in one pass: the targets are read and written once per pair
// instead of once per source, and one vpternlogq folds both products in. Each source has its own
// length (bytes past it are zero); the region is [0, max of the two).
template <int T>
KCP_GFNI512 void
mulAccumulatePair512(std::size_t lengthA, std::size_t lengthB, std::size_t accumulated,
                     const std::uint64_t* mA, const std::uint64_t* mB, std::size_t stride,
                     const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* const* dst)
{
    __m512i matrixA[T];
    __m512i matrixB[T];
    std::uint8_t* out[T];
    for (int t = 0; t < T; ++t)
    {
        matrixA[t] = _mm512_set1_epi64(static_cast<long long>(inRegister(mA[t * stride])));
        matrixB[t] = _mm512_set1_epi64(static_cast<long long>(inRegister(mB[t * stride])));
        out[t] = dst[t];
    }
    const std::size_t length = std::max(lengthA, lengthB);
    const std::size_t whole = std::min({lengthA, lengthB, accumulated}) & ~std::size_t{63};
    std::size_t o = 0;
    for (; o < whole; o += 64)
    {
        const __m512i x = _mm512_loadu_si512(a + o);
        const __m512i y = _mm512_loadu_si512(b + o);
        for (int t = 0; t < T; ++t)
        {
            const __m512i old = _mm512_loadu_si512(out[t] + o);
            _mm512_storeu_si512(
                out[t] + o,
                _mm512_ternarylogic_epi64(old, _mm512_gf2p8affine_epi64_epi8(x, matrixA[t], 0),
                                          _mm512_gf2p8affine_epi64_epi8(y, matrixB[t], 0), 0x96));
        }
    }
    for (; o < length; o += 64)
    {
        const __mmask64 maskA = lengthA > o ? byteMask64(lengthA - o) : 0;
        const __mmask64 maskB = lengthB > o ? byteMask64(lengthB - o) : 0;
        const __mmask64 oldMask = accumulated > o ? byteMask64(accumulated - o) : 0;
        const __mmask64 mask = byteMask64(length - o);
        const __m512i x = _mm512_maskz_loadu_epi8(maskA, a + o);
        const __m512i y = _mm512_maskz_loadu_epi8(maskB, b + o);
        for (int t = 0; t < T; ++t)
        {
            const __m512i old = _mm512_maskz_loadu_epi8(oldMask, out[t] + o);
            _mm512_mask_storeu_epi8(
                out[t] + o, mask,
                _mm512_ternarylogic_epi64(old, _mm512_gf2p8affine_epi64_epi8(x, matrixA[t], 0),
                                          _mm512_gf2p8affine_epi64_epi8(y, matrixB[t], 0), 0x96));
        }
    }
}

// -- 256-bit ---------------------------------------------------------------------------------
// AVX2 has no byte-masked loads. A tail is handled by redoing the last whole 32-byte window of
// the region with byte masks from a sliding table (no libc call in the loop); only regions
// shorter than one vector go through a bounce buffer.

#define KCP_GFNI256 __attribute__((target("gfni,avx2")))

// 32 x 0xff then 32 x 0x00: a load at PrefixOnes + 32 - k has its first k bytes set.
alignas(64) constexpr std::uint8_t PrefixOnes[64] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// Bytes i < k set (k clamped to [0, 32]); k is a signed distance.
KCP_GFNI256 inline __m256i prefixMask256(std::ptrdiff_t k)
{
    const std::ptrdiff_t clamped = std::clamp<std::ptrdiff_t>(k, 0, 32);
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(PrefixOnes + 32 - clamped));
}

KCP_GFNI256 inline __m256i load256(const std::uint8_t* p)
{
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

KCP_GFNI256 inline void store256(std::uint8_t* p, __m256i v)
{
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}

KCP_GFNI256 inline __m256i mul256(__m256i x, std::uint64_t matrix)
{
    return _mm256_gf2p8affine_epi64_epi8(
        x, _mm256_set1_epi64x(static_cast<long long>(inRegister(matrix))), 0);
}

// acc[t] = sum over s of m[t * stride + s] * the 32 bytes of src[s] at offset o.
template <int T>
KCP_GFNI256 inline void dotChunk256(std::size_t o, int sources, std::size_t stride,
                                    const std::uint64_t* m, const std::uint8_t* const* src,
                                    __m256i* acc)
{
    const __m256i x0 = load256(src[0] + o);
    for (int t = 0; t < T; ++t)
        acc[t] = mul256(x0, m[t * stride]);
    for (int s = 1; s < sources; ++s)
    {
        const __m256i x = load256(src[s] + o);
        for (int t = 0; t < T; ++t)
            acc[t] = _mm256_xor_si256(acc[t], mul256(x, m[t * stride + s]));
    }
}

template <int T>
KCP_GFNI256 void dotProduct256(std::size_t length, int sources, const std::uint64_t* m,
                               const std::uint8_t* const* src, std::uint8_t* const* dst)
{
    const auto stride = static_cast<std::size_t>(sources);
    std::uint8_t* out[T];
    for (int t = 0; t < T; ++t)
        out[t] = dst[t];
    __m256i acc[T];
    std::size_t o = 0;
    for (; o + 32 <= length; o += 32)
    {
        dotChunk256<T>(o, sources, stride, m, src, acc);
        for (int t = 0; t < T; ++t)
            store256(out[t] + o, acc[t]);
    }
    if (o == length)
        return;
    if (length >= 32)
    {
        // Recompute the last whole window: the bytes it shares with the previous chunk come out
        // the same (dst does not overlap src).
        const std::size_t w = length - 32;
        dotChunk256<T>(w, sources, stride, m, src, acc);
        for (int t = 0; t < T; ++t)
            store256(out[t] + w, acc[t]);
        return;
    }
    // Shorter than one vector: through zero-padded bounce buffers.
    const std::size_t n = length;
    alignas(32) std::uint8_t bounce[32] = {};
    for (int t = 0; t < T; ++t)
        acc[t] = _mm256_setzero_si256();
    for (int s = 0; s < sources; ++s)
    {
        std::memcpy(bounce, src[s], n); // bytes n.. stay zero
        const __m256i x = load256(bounce);
        for (int t = 0; t < T; ++t)
            acc[t] = _mm256_xor_si256(acc[t], mul256(x, m[t * stride + s]));
    }
    for (int t = 0; t < T; ++t)
    {
        store256(bounce, acc[t]);
        std::memcpy(out[t], bounce, n);
    }
}

template <int T>
KCP_GFNI256 void mulAccumulate256(std::size_t length, std::size_t accumulated,
                                  const std::uint64_t* m, std::size_t stride,
                                  const std::uint8_t* src, std::uint8_t* const* dst)
{
    __m256i matrix[T];
    std::uint8_t* out[T]; // local copies, as in mulAccumulate512
    for (int t = 0; t < T; ++t)
    {
        matrix[t] = _mm256_set1_epi64x(static_cast<long long>(inRegister(m[t * stride])));
        out[t] = dst[t];
    }
    const auto acc = static_cast<std::ptrdiff_t>(accumulated);

    // Whole chunks below the accumulated mark: read-XOR-write.
    const std::size_t whole = std::min(length, accumulated) & ~std::size_t{31};
    std::size_t o = 0;
    for (; o < whole; o += 32)
    {
        const __m256i x = load256(src + o);
        for (int t = 0; t < T; ++t)
        {
            const __m256i product = _mm256_gf2p8affine_epi64_epi8(x, matrix[t], 0);
            store256(out[t] + o, _mm256_xor_si256(product, load256(out[t] + o)));
        }
    }
    // Whole chunks from the mark on: the old bytes count only below the mark.
    for (; o + 32 <= length; o += 32)
    {
        const __m256i x = load256(src + o);
        const __m256i oldMask = prefixMask256(acc - static_cast<std::ptrdiff_t>(o));
        for (int t = 0; t < T; ++t)
        {
            const __m256i product = _mm256_gf2p8affine_epi64_epi8(x, matrix[t], 0);
            const __m256i old = _mm256_and_si256(load256(out[t] + o), oldMask);
            store256(out[t] + o, _mm256_xor_si256(product, old));
        }
    }
    if (o == length)
        return;
    if (length >= 32)
    {
        // Redo the last whole window [w, length): bytes below o were finished above and are
        // kept by the blend; bytes from o on get their product.
        const std::size_t w = length - 32;
        const __m256i x = load256(src + w);
        const __m256i done = prefixMask256(static_cast<std::ptrdiff_t>(o - w));
        const __m256i oldMask = prefixMask256(acc - static_cast<std::ptrdiff_t>(w));
        for (int t = 0; t < T; ++t)
        {
            const __m256i product = _mm256_gf2p8affine_epi64_epi8(x, matrix[t], 0);
            const __m256i current = load256(out[t] + w);
            const __m256i updated = _mm256_xor_si256(product, _mm256_and_si256(current, oldMask));
            store256(out[t] + w, _mm256_blendv_epi8(updated, current, done));
        }
        return;
    }
    // Shorter than one vector: through bounce buffers.
    const std::size_t n = length;
    const std::size_t oldBytes = std::min(accumulated, n);
    alignas(32) std::uint8_t in[32] = {};
    std::memcpy(in, src, n);
    const __m256i x = load256(in);
    for (int t = 0; t < T; ++t)
    {
        alignas(32) std::uint8_t old[32] = {};
        std::memcpy(old, out[t], oldBytes);
        const __m256i product = _mm256_gf2p8affine_epi64_epi8(x, matrix[t], 0);
        store256(old, _mm256_xor_si256(product, load256(old)));
        std::memcpy(out[t], old, n);
    }
}

// Targets in blocks of at most four accumulators: call(block, t0) with block a
// std::integral_constant<int, 1..4> for targets [t0, t0 + block).
template <typename Call> void forTargetBlocks(int targets, Call&& call)
{
    for (int t0 = 0; t0 < targets; t0 += 4)
    {
        switch (std::min(4, targets - t0))
        {
        case 4:
            call(std::integral_constant<int, 4>{}, t0);
            break;
        case 3:
            call(std::integral_constant<int, 3>{}, t0);
            break;
        case 2:
            call(std::integral_constant<int, 2>{}, t0);
            break;
        default:
            call(std::integral_constant<int, 1>{}, t0);
            break;
        }
    }
}

#endif // KCP_FEC_GFNI

// Shift-and-add (Russian peasant) multiply reduced by x^8 + x^4 + x^3 + x^2 + 1.
constexpr std::uint8_t gfMulConstexpr(std::uint8_t a, std::uint8_t b)
{
    unsigned product = 0;
    unsigned x = a;
    for (unsigned y = b; y != 0; y >>= 1)
    {
        if (y & 1)
            product ^= x;
        x <<= 1;
        if (x & 0x100)
            x ^= 0x11d;
    }
    return static_cast<std::uint8_t>(product);
}

constexpr std::uint64_t affineMatrixOf(std::uint8_t c)
{
    std::uint64_t matrix = 0;
    for (int j = 0; j < 8; ++j)
    {
        // Column j of the bit matrix is c * x^j; its bit i goes to row i, stored in byte 7 - i.
        const std::uint8_t column = gfMulConstexpr(c, static_cast<std::uint8_t>(1u << j));
        for (int i = 0; i < 8; ++i)
            if ((column >> i) & 1)
                matrix |= std::uint64_t{1} << (8 * (7 - i) + j);
    }
    return matrix;
}

constexpr std::array<std::uint64_t, 256> makeAffineTable()
{
    std::array<std::uint64_t, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[c] = affineMatrixOf(static_cast<std::uint8_t>(c));
    return table;
}

constexpr std::array<std::uint64_t, 256> AffineTable = makeAffineTable();

// Spot checks of the layout: 1 is the identity (row i = bit i, in byte 7 - i) and 2 shifts
// left with the 0x1d feedback from bit 7.
static_assert(AffineTable[1] == 0x0102040810204080);
static_assert(AffineTable[2] == 0x8001828488102040);

} // namespace

GfKernel chooseKernel(GfEngine engine)
{
    const GfCpu& cpu = gfCpu();
    if (engine == GfEngine::Isal)
        return GfKernel::Isal;
    if (engine == GfEngine::Best && cpu.gfni512)
        return GfKernel::Gfni512;
    if (cpu.gfni256)
        return GfKernel::Gfni256;
    return GfKernel::Isal;
}

const char* kernelName(GfKernel kernel)
{
    switch (kernel)
    {
    case GfKernel::Gfni512:
        return "gfni512";
    case GfKernel::Gfni256:
        return "gfni256";
    case GfKernel::Isal:
        break;
    }
    return "isa-l";
}

std::uint8_t gfMulScalar(std::uint8_t a, std::uint8_t b)
{
    return gfMulConstexpr(a, b);
}

std::uint64_t gfAffineMatrix(std::uint8_t c)
{
    // A lookup: decode tables are built on every cache miss (a lossy link misses on about one
    // recovery in six with 10/3), and computing a matrix bit by bit costs ~500 cycles.
    return AffineTable[c];
}

void gfniDotProduct(GfKernel kernel, std::size_t length, int sources, int targets,
                    const std::uint64_t* matrices, const std::uint8_t* const* src,
                    std::uint8_t* const* dst)
{
#if KCP_FEC_GFNI
    const auto rows = static_cast<std::size_t>(sources);
    forTargetBlocks(targets,
                    [&](auto block, int t0)
                    {
                        if (kernel == GfKernel::Gfni512)
                            dotProduct512<decltype(block)::value>(
                                length, sources, matrices + t0 * rows, src, dst + t0);
                        else
                            dotProduct256<decltype(block)::value>(
                                length, sources, matrices + t0 * rows, src, dst + t0);
                    });
    // GCC already ends AVX functions with vzeroupper; this keeps it true whatever compiled them.
    zeroUpper();
#else
    (void)kernel, (void)length, (void)sources, (void)targets, (void)matrices, (void)src, (void)dst;
    std::abort(); // chooseKernel never picks a GFNI kernel here
#endif
}

void gfniMulAccumulate(GfKernel kernel, std::size_t length, std::size_t accumulated, int targets,
                       const std::uint64_t* matrices, std::size_t stride, const std::uint8_t* src,
                       std::uint8_t* const* dst)
{
#if KCP_FEC_GFNI
    forTargetBlocks(targets,
                    [&](auto block, int t0)
                    {
                        if (kernel == GfKernel::Gfni512)
                            mulAccumulate512<decltype(block)::value>(
                                length, accumulated, matrices + t0 * stride, stride, src, dst + t0);
                        else
                            mulAccumulate256<decltype(block)::value>(
                                length, accumulated, matrices + t0 * stride, stride, src, dst + t0);
                    });
    zeroUpper();
#else
    (void)kernel, (void)length, (void)accumulated, (void)targets, (void)matrices, (void)stride,
        (void)src, (void)dst;
    std::abort();
#endif
}

void gfniMulAccumulatePair(GfKernel kernel, std::size_t lengthA, std::size_t lengthB,
                           std::size_t accumulated, int targets, const std::uint64_t* matricesA,
                           const std::uint64_t* matricesB, std::size_t stride,
                           const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* const* dst)
{
#if KCP_FEC_GFNI
    if (kernel == GfKernel::Gfni512)
    {
        forTargetBlocks(targets,
                        [&](auto block, int t0)
                        {
                            mulAccumulatePair512<decltype(block)::value>(
                                lengthA, lengthB, accumulated, matricesA + t0 * stride,
                                matricesB + t0 * stride, stride, a, b, dst + t0);
                        });
        zeroUpper();
        return;
    }
#endif
    // One source after the other: the second sees the first's bytes as accumulated.
    gfniMulAccumulate(kernel, lengthA, accumulated, targets, matricesA, stride, a, dst);
    gfniMulAccumulate(kernel, lengthB, std::max(accumulated, lengthA), targets, matricesB, stride,
                      b, dst);
}

void clearUpperVectorState()
{
#if KCP_FEC_GFNI
    if (__builtin_cpu_supports("avx"))
        zeroUpper();
#endif
}

} // namespace kcp::fec_detail
