#include "kcp/crc32.h"

#include <isa-l/crc.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace kcp
{
namespace
{

// ISA-L's AVX-512 crc kernels return with the upper halves of the vector registers dirty. The
// next legacy-SSE code (AES-NI CFB, Botan, compiler-vectorised loops) then pays an SSE/AVX
// transition penalty on every instruction: measured +270 ns on the AES-128 CFB encrypt of a
// 1500-byte datagram that follows the crc in seal(). VZEROUPPER after the call removes it.
#if defined(__x86_64__)
__attribute__((target("avx"))) inline void zeroUpper()
{
    _mm256_zeroupper();
}

inline void leaveVectorStateClean()
{
    __builtin_cpu_init(); // idempotent; we may run before libgcc's constructor
    if (__builtin_cpu_supports("avx"))
        zeroUpper();
}
#else
inline void leaveVectorStateClean() {}
#endif

} // namespace

std::uint32_t crc32Ieee(const std::uint8_t* data, std::size_t length)
{
    // ISA-L's gzip CRC applies zlib's pre- and post-inversion itself: seed 0 == zlib crc32(0,..).
    const std::uint32_t crc = crc32_gzip_refl(0, data, length);
    leaveVectorStateClean();
    return crc;
}

std::uint32_t crc32c(const std::uint8_t* data, std::size_t length)
{
    // crc32_iscsi takes the raw register (0xFFFFFFFF to start) and returns it uninverted.
    const std::uint32_t crc =
        ~crc32_iscsi(const_cast<unsigned char*>(data), static_cast<int>(length), 0xFFFFFFFFu);
    leaveVectorStateClean();
    return crc;
}

} // namespace kcp
