#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace kcp
{

// Fixed-size byte slabs recycled through a free list, so that the packet path allocates only
// while the pool grows to its working set and never in steady state. Not thread-safe: each
// session (and each worker) owns its pool.
class BufferPool
{
public:
    // Large enough for any datagram (kcp-go caps mtu at 1500) plus reserved headers.
    static constexpr std::size_t DefaultSlabSize = 2048;

    explicit BufferPool(std::size_t slabSize = DefaultSlabSize);
    BufferPool(const BufferPool&) = delete;
    BufferPool& operator=(const BufferPool&) = delete;

    // Never null; allocates a new slab only when the free list is empty.
    std::uint8_t* acquire();
    // Takes back a slab that acquire() of this pool returned.
    void release(std::uint8_t* slab);

    std::size_t slabSize() const { return m_slabSize; }
    std::size_t allocatedSlabs() const { return m_slabs.size(); }
    std::size_t freeSlabs() const { return m_free.size(); }

private:
    std::size_t m_slabSize;
    std::vector<std::unique_ptr<std::uint8_t[]>> m_slabs;
    std::vector<std::uint8_t*> m_free;
};

} // namespace kcp
