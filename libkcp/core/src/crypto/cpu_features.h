#pragma once

#include "kcp/packet_crypto.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace kcp::crypto
{

// The x86 kernels a CipherEngine may use on this CPU. __builtin_cpu_supports reads what libgcc
// detected at start-up (including whether the OS saves AVX-512 state), so this is a pure query.
struct CpuKernels
{
    bool aesNi = false;   // 128-bit AES-NI + SSE4.1
    bool avx2 = false;    // 256-bit integer SIMD
    bool avx512 = false;  // AVX-512 F/BW/VL
    bool vaes512 = false; // VAES on zmm registers (AVX-512 + VAES)
};

inline CpuKernels cpuKernels(CipherEngine engine)
{
    CpuKernels k;
#if defined(__x86_64__) || defined(__i386__)
    if (engine == CipherEngine::Portable)
        return k;
    __builtin_cpu_init(); // idempotent; needed if we run before libgcc's own constructor
    k.aesNi = __builtin_cpu_supports("aes") && __builtin_cpu_supports("sse4.1");
    k.avx2 = __builtin_cpu_supports("avx2");
    if (engine == CipherEngine::Best)
    {
        k.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512vl");
        // clang before 16 has no "vaes" for __builtin_cpu_supports: read CPUID.(7,0):ECX[9].
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        const bool vaes = __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 9));
        k.vaes512 = k.avx512 && k.aesNi && vaes;
    }
#else
    (void)engine;
#endif
    return k;
}

#if defined(__x86_64__)
__attribute__((target("avx"))) inline void zeroUpperVectorHalves()
{
    _mm256_zeroupper();
}
#endif

// Legacy-SSE code (our AES-NI kernels, Botan, SSE2 loops) runs far slower while the upper halves
// of the vector registers are dirty, and ISA-L's AVX-512 kernels (crc, erasure coding) return in
// that state: an AES-128 CFB encrypt of 1500 bytes after ec_encode_data measured 1190 ns instead
// of 880. Every SSE entry point clears the state first, so its speed does not depend on what ran
// before it.
inline void clearUpperVectorState()
{
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx"))
        zeroUpperVectorHalves();
#endif
}

} // namespace kcp::crypto
