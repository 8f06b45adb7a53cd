#pragma once

#include "kcp/packet_crypto.h"

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

} // namespace kcp::crypto
