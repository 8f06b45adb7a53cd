#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace kcp
{

// Which code runs the GF(2^8) arithmetic. Every engine produces identical bytes; they exist so that
// tests and benchmarks can pin (and compare) each path. A cap the CPU cannot honour falls back to
// the next lower one, decided once when the codec is built.
//   Best     GFNI on 512-bit vectors where the CPU has GFNI + AVX-512 BW, else as Gfni256.
//   Gfni256  at most GFNI on 256-bit vectors (GFNI + AVX2).
//   Isal     ISA-L's table kernels only (the reference path).
enum class GfEngine
{
    Best,
    Gfni256,
    Isal,
};

// out[i] = c * in[i] (accumulate: out[i] ^= c * in[i]) for i < length, run by the kernel the
// engine selects: the codec's inner loop on its own, so tests can check every coefficient.
void gfMultiplyRegion(GfEngine engine, std::uint8_t c, const std::uint8_t* in, std::uint8_t* out,
                      std::size_t length, bool accumulate);

// Reed-Solomon over GF(2^8)/0x11d with klauspost/reedsolomon's default matrix (Vandermonde made
// systematic, wire-compat.md 2.5), so parity is byte-identical to kcp-go. The arithmetic runs in
// GFNI kernels where the CPU has them, else ISA-L; decode tables are cached per loss pattern
// because inverting per group costs ~10x.
class ReedSolomon
{
public:
    // 1 <= dataShards, 1 <= parityShards, dataShards + parityShards <= 256; otherwise throws
    // std::invalid_argument.
    ReedSolomon(int dataShards, int parityShards);
    ReedSolomon(int dataShards, int parityShards, GfEngine engine);
    ~ReedSolomon();
    ReedSolomon(const ReedSolomon&) = delete;
    ReedSolomon& operator=(const ReedSolomon&) = delete;

    int dataShards() const;
    int parityShards() const;
    // The kernel in use: "gfni512", "gfni256" or "isa-l" (logs, benches, tests).
    std::string_view implementation() const;

    // The parity rows of the encoding matrix: parityShards rows of dataShards bytes.
    const std::vector<std::vector<std::uint8_t>>& parityRows() const;

    // data: dataShards pointers to shardLength bytes; parity: parityShards pointers to
    // shardLength writable bytes.
    void encode(const std::uint8_t* const* data, std::uint8_t* const* parity,
                std::size_t shardLength);

    // Adds one data shard to parity being built incrementally, while the shard is hot in cache
    // (ISA-L's ec_encode_data_update), so a sender never has to keep or pad its shards:
    //     parity[p][0, min(length, accumulated)) ^= E[ds + p][dataIndex] * data
    //     parity[p][accumulated, length)          = E[ds + p][dataIndex] * data
    // Bytes at and above accumulated are taken as zero and never read. Feeding every data shard
    // once, each with accumulated = the longest length fed before it (0 for the first), leaves
    // parity[p][0, longest) equal to encode() over the shards zero-padded to the longest.
    // Throws std::out_of_range unless 0 <= dataIndex < dataShards.
    void encodeUpdate(int dataIndex, const std::uint8_t* data, std::size_t length,
                      std::uint8_t* const* parity, std::size_t accumulated);

    struct DataShard
    {
        int index;
        const std::uint8_t* data;
        std::size_t length;
    };
    // encodeUpdate for several data shards, with the same result as one call per shard in order
    // (accumulated growing to cover each), but reading and writing the parity once per pair of
    // shards: with the GFNI kernels the parity stores, not the arithmetic, bound the one-shard
    // form. Throws std::out_of_range (before touching parity) for a bad index.
    void encodeUpdate(std::span<const DataShard> shards, std::uint8_t* const* parity,
                      std::size_t accumulated);

    // shards: dataShards + parityShards pointers to shardLength bytes each; present[i] says
    // whether shard i holds data. Rebuilds every missing *data* shard in place (their buffers
    // must be writable). Returns false when fewer than dataShards shards are present.
    // Missing parity shards are neither read nor written (their pointers may be null). When more
    // than dataShards shards are present, the lowest-indexed ones are used (as klauspost does).
    bool reconstructData(std::uint8_t* const* shards, const bool* present, std::size_t shardLength);

    // How many decode tables were computed (matrix inversions); the rest came from the cache.
    std::uint64_t decodeTableBuilds() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kcp
