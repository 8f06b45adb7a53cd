#pragma once

// GF(2^8)/0x11d region arithmetic for the Reed-Solomon codec. Internal to kcp_fec.
//
// Multiplying a byte by a constant c is GF(2)-linear, i.e. an 8x8 bit matrix, and GFNI's
// gf2p8affineqb applies one such matrix to every byte of a vector: one instruction multiplies 64
// bytes by c, where ISA-L's table kernels need two shuffles, a shift and masks per 32 bytes. The
// matrices are built once per coefficient (codec construction, decode-table build), so the hot
// loops only load, multiply and XOR. ISA-L stays the path for CPUs without GFNI.

#include "kcp/reed_solomon.h"

#include <cstddef>
#include <cstdint>

namespace kcp::fec_detail
{

enum class GfKernel : std::uint8_t
{
    Isal,    // ISA-L ec_encode_data tables (32 bytes per coefficient)
    Gfni256, // GFNI + AVX2, 256-bit vectors
    Gfni512, // GFNI + AVX-512 F/BW, 512-bit vectors with masked tails
};

// The best kernel this CPU runs within the engine's cap; decided once per codec.
GfKernel chooseKernel(GfEngine engine);
const char* kernelName(GfKernel kernel);

// Scalar multiply in GF(2^8)/0x11d (the reference the matrices are built and tested from).
std::uint8_t gfMulScalar(std::uint8_t a, std::uint8_t b);

// The gf2p8affineqb operand that multiplies each byte by c: bit j of output byte i is the parity
// of (A.byte[7 - i] & x), so byte 7 - i holds row i, whose bit j is bit i of c * 2^j.
std::uint64_t gfAffineMatrix(std::uint8_t c);

// Dot products over whole regions, for kernel Gfni256 or Gfni512:
//     dst[t][0, length) = sum over s < sources of matrices[t * sources + s] * src[s][0, length)
// for t < targets. dst must not overlap src.
void gfniDotProduct(GfKernel kernel, std::size_t length, int sources, int targets,
                    const std::uint64_t* matrices, const std::uint8_t* const* src,
                    std::uint8_t* const* dst);

// Multiply-accumulate of one source into targets regions (ISA-L's "mad" form):
//     dst[t][0, min(length, accumulated)) ^= matrices[t * stride] * src
//     dst[t][accumulated, length)          = matrices[t * stride] * src
// Bytes at and above accumulated are treated as zero and never read, so a caller accumulating a
// group of shards needs no zeroing pass: it passes the longest length accumulated so far.
void gfniMulAccumulate(GfKernel kernel, std::size_t length, std::size_t accumulated, int targets,
                       const std::uint64_t* matrices, std::size_t stride, const std::uint8_t* src,
                       std::uint8_t* const* dst);

// Two sources a (lengthA bytes) and b (lengthB bytes) into the same targets, with the same
// result as gfniMulAccumulate for a, then for b with accumulated grown to cover a; the region is
// [0, max(lengthA, lengthB)), a source contributing nothing past its own length. The 512-bit
// kernel does it in one pass over the targets.
void gfniMulAccumulatePair(GfKernel kernel, std::size_t lengthA, std::size_t lengthB,
                           std::size_t accumulated, int targets, const std::uint64_t* matricesA,
                           const std::uint64_t* matricesB, std::size_t stride,
                           const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* const* dst);

// vzeroupper where the CPU has AVX. ISA-L's AVX-512 kernels return with dirty upper vector state,
// which makes every later legacy-SSE instruction (AES-NI, Botan, libc's SSE paths) pay a merge
// penalty; the crypto engineer measured +270 ns per AES-128 datagram after an ISA-L call.
void clearUpperVectorState();

} // namespace kcp::fec_detail
