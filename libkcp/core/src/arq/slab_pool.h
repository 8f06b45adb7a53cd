#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace kcp::detail
{

// Payload storage for segments, kcp-go's xmitBuf (a sync.Pool of mtuLimit-byte buffers) without
// the GC: fixed-size slabs carved from chunks that double in size, recycled through a free list.
// A connection allocates while its windows fill for the first time and never after that.
class SlabPool
{
public:
    // kcp-go mtuLimit: every segment payload (<= mss < mtu <= 1500) fits, and so does a stream
    // segment growing up to mss after a later setMtu().
    static constexpr std::size_t SlabSize = 1500;

    SlabPool() = default;
    SlabPool(const SlabPool&) = delete;
    SlabPool& operator=(const SlabPool&) = delete;

    // Never null.
    std::uint8_t* acquire()
    {
        if (m_free.empty())
            grow();
        std::uint8_t* slab = m_free.back();
        m_free.pop_back();
        return slab;
    }

    // Takes back a slab from acquire(); never allocates (the free list is pre-reserved).
    void release(std::uint8_t* slab) { m_free.push_back(slab); }

    std::size_t allocatedSlabs() const { return m_allocated; }
    std::size_t freeSlabs() const { return m_free.size(); }

private:
    void grow();

    std::vector<std::unique_ptr<std::uint8_t[]>> m_chunks;
    std::vector<std::uint8_t*> m_free;
    std::size_t m_allocated = 0;
};

} // namespace kcp::detail
