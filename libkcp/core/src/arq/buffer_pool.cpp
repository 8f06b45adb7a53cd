#include "kcp/buffer_pool.h"

namespace kcp
{

BufferPool::BufferPool(std::size_t slabSize)
    : m_slabSize(slabSize)
{
}

std::uint8_t* BufferPool::acquire()
{
    if (m_free.empty())
    {
        m_slabs.push_back(std::make_unique<std::uint8_t[]>(m_slabSize));
        m_free.reserve(m_slabs.capacity());
        return m_slabs.back().get();
    }
    std::uint8_t* slab = m_free.back();
    m_free.pop_back();
    return slab;
}

void BufferPool::release(std::uint8_t* slab)
{
    m_free.push_back(slab);
}

} // namespace kcp
