#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace kcp
{

// Reed-Solomon over GF(2^8)/0x11d with klauspost/reedsolomon's default matrix (Vandermonde made
// systematic, wire-compat.md 2.5), so parity is byte-identical to kcp-go. The arithmetic runs in
// ISA-L; decode tables are cached per loss pattern because inverting per group costs ~10x.
class ReedSolomon
{
public:
    // 1 <= dataShards, 1 <= parityShards, dataShards + parityShards <= 256; otherwise throws
    // std::invalid_argument.
    ReedSolomon(int dataShards, int parityShards);
    ~ReedSolomon();
    ReedSolomon(const ReedSolomon&) = delete;
    ReedSolomon& operator=(const ReedSolomon&) = delete;

    int dataShards() const;
    int parityShards() const;

    // The parity rows of the encoding matrix: parityShards rows of dataShards bytes.
    const std::vector<std::vector<std::uint8_t>>& parityRows() const;

    // data: dataShards pointers to shardLength bytes; parity: parityShards pointers to
    // shardLength writable bytes.
    void encode(const std::uint8_t* const* data, std::uint8_t* const* parity,
                std::size_t shardLength);

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
