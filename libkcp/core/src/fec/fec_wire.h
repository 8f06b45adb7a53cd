#pragma once

// Little-endian field access and seqid arithmetic shared by the FEC encoder and decoder
// (wire-compat.md 2.1, 2.2). Internal to kcp_fec.

#include <cstddef>
#include <cstdint>

namespace kcp::fec_detail
{

inline std::uint16_t readU16(const std::uint8_t* p)
{
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

inline std::uint32_t readU32(const std::uint8_t* p)
{
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

inline void writeU16(std::uint8_t* p, std::uint16_t v)
{
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}

inline void writeU32(std::uint8_t* p, std::uint32_t v)
{
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
    p[2] = static_cast<std::uint8_t>(v >> 16);
    p[3] = static_cast<std::uint8_t>(v >> 24);
}

// Shard buffers start on cache lines: the GF kernels stream them in 64-byte vectors.
constexpr std::size_t VectorAlign = 64;

constexpr std::size_t alignUp(std::size_t n, std::size_t alignment)
{
    return (n + alignment - 1) / alignment * alignment;
}

// The first VectorAlign-aligned byte at or after p (p's buffer has VectorAlign - 1 spare bytes).
inline std::uint8_t* alignUp(std::uint8_t* p)
{
    const auto address = reinterpret_cast<std::uintptr_t>(p);
    return p + (alignUp(address, VectorAlign) - address);
}

// kcp-go "paws" (protect against wrapped sequence numbers): the largest multiple of the group
// size n that fits in a u32. Seqids live in [0, paws), so groups never straddle the wrap and
// seqid % n stays the shard's position in its group across it.
inline std::uint32_t computePaws(int groupSize)
{
    const auto n = static_cast<std::uint32_t>(groupSize);
    return 0xffffffffu / n * n;
}

} // namespace kcp::fec_detail
