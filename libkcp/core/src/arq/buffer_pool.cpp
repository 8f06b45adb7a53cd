#include "kcp/buffer_pool.h"

#include <algorithm>

namespace kcp
{

BufferPool::BufferPool(std::size_t slabSize)
    : m_slabSize(slabSize)
{
}

void BufferPool::grow()
{
    // Geometric: each chunk holds as many slabs as all earlier ones together (32 first, one
    // default KCP window).
    const std::size_t count = std::max<std::size_t>(32, m_allocated);
    m_chunks.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(count * m_slabSize));
    m_allocated += count;
    m_free.reserve(m_allocated);
    std::uint8_t* base = m_chunks.back().get();
    for (std::size_t i = count; i-- > 0;)
        m_free.push_back(base + i * m_slabSize);
}

} // namespace kcp
