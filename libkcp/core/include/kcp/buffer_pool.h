#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace kcp
{

// Fixed-size byte slabs recycled through a free list (kcp-go's xmitBuf without the GC): the
// packet path allocates only while the pool grows to its working set, never in steady state.
// Slabs are carved from chunks that double in size, so a window of n packets costs O(log n)
// allocations. Not thread-safe: each session owns its pools.
class BufferPool
{
public:
    // kcp-go's mtuLimit: no datagram, and so no segment payload, is longer.
    static constexpr std::size_t DefaultSlabSize = 1500;

    explicit BufferPool(std::size_t slabSize = DefaultSlabSize);
    BufferPool(const BufferPool&) = delete;
    BufferPool& operator=(const BufferPool&) = delete;

    // Never null. Inline: it runs for every packet.
    std::uint8_t* acquire()
    {
        if (m_free.empty())
            grow();
        std::uint8_t* slab = m_free.back();
        m_free.pop_back();
        return slab;
    }

    // Takes back a slab that acquire() of this pool returned; never allocates (the free list
    // has room for every slab the pool owns).
    void release(std::uint8_t* slab) { m_free.push_back(slab); }

    std::size_t slabSize() const { return m_slabSize; }
    std::size_t allocatedSlabs() const { return m_allocated; }
    std::size_t freeSlabs() const { return m_free.size(); }

private:
    void grow();

    std::size_t m_slabSize;
    std::size_t m_allocated = 0;
    std::vector<std::unique_ptr<std::uint8_t[]>> m_chunks;
    std::vector<std::uint8_t*> m_free;
};

} // namespace kcp
