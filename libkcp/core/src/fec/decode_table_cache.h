#pragma once

// Decode tables keyed by which shard rows a reconstruction used: GFNI affine matrices (one word
// per coefficient) or ISA-L ec_init_tables output (32 bytes per coefficient, viewed as bytes).
// Inverting a ds x ds matrix costs about ten group encodes, while a lossy link repeats the same
// few loss patterns, so a small LRU set of tables removes nearly all inversions. All storage is
// allocated up front, so a lookup or insert never touches the heap, but left uninitialised: an
// entry is written before it is read, and a codec that never reconstructs (every encoder, and the
// decoder of a loss-free session) then never touches those pages, which a server holding
// thousands of sessions would otherwise pay for in RSS and in page faults at connection time.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace kcp::fec_detail
{

// One bit per shard index (ds + ps <= 256).
using ShardMask = std::array<std::uint64_t, 4>;

inline void setShardBit(ShardMask& mask, int index)
{
    mask[static_cast<std::size_t>(index) >> 6] |= std::uint64_t{1} << (index & 63);
}

class DecodeTableCache
{
public:
    // tableWords: size of one entry in 64-bit words (enough for ds * ps coefficients covers any
    // number of missing data shards).
    DecodeTableCache(std::size_t capacity, std::size_t tableWords);

    // The cached tables for key, or nullptr. A hit makes the entry most recently used.
    std::uint64_t* find(const ShardMask& key);
    // Claims the least recently used entry for key and returns its table storage to fill.
    std::uint64_t* insert(const ShardMask& key);

    std::size_t capacity() const { return m_keys.size(); }

private:
    std::size_t m_tableWords;
    std::vector<ShardMask> m_keys;
    std::vector<std::uint64_t> m_lastUse; // 0: empty
    std::unique_ptr<std::uint64_t[]> m_tables;
    std::uint64_t m_clock = 0;
};

} // namespace kcp::fec_detail
