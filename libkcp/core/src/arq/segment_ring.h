#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

namespace kcp::detail
{

// A FIFO of trivially copyable elements in a power-of-two ring that only ever grows (doubling),
// so once a connection has reached its working set the queues never touch the heap again.
// Replaces kcp-go's `[]segment` slices and their remove_front re-slicing: pushBack = append,
// popFront(n) = remove_front(q, n), insert = the append+copy shift in parse_data.
template <typename T> class SegmentRing
{
public:
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    std::size_t capacity() const { return m_slots.size(); }

    T& operator[](std::size_t index)
    {
        assert(index < m_size);
        return m_slots[(m_head + index) & m_mask];
    }
    const T& operator[](std::size_t index) const
    {
        assert(index < m_size);
        return m_slots[(m_head + index) & m_mask];
    }
    T& front() { return (*this)[0]; }
    T& back() { return (*this)[m_size - 1]; }

    void pushBack(const T& value)
    {
        if (m_size == m_slots.size())
            grow();
        m_slots[(m_head + m_size) & m_mask] = value;
        ++m_size;
    }

    void popFront(std::size_t count)
    {
        assert(count <= m_size);
        m_head = (m_head + count) & m_mask;
        m_size -= count;
    }

    // Inserts before index, shifting the tail back by one (kcp-go parse_data's sorted insert;
    // out-of-order arrivals land near the back, so the shift is short).
    void insert(std::size_t index, const T& value)
    {
        assert(index <= m_size);
        pushBack(value);
        for (std::size_t i = m_size - 1; i > index; --i)
            (*this)[i] = (*this)[i - 1];
        (*this)[index] = value;
    }

    void clear()
    {
        m_head = 0;
        m_size = 0;
    }

    // The elements as at most two contiguous runs, for loops that must be tight (flush).
    struct Runs
    {
        T* first;
        std::size_t firstSize;
        T* second;
        std::size_t secondSize;
    };
    Runs runs()
    {
        const std::size_t firstSize =
            m_size < m_slots.size() - m_head ? m_size : m_slots.size() - m_head;
        return {m_slots.data() + m_head, firstSize, m_slots.data(), m_size - firstSize};
    }

private:
    void grow()
    {
        // 32 = kcp-go's default window: a default connection needs one allocation per queue.
        const std::size_t newCapacity = m_slots.empty() ? 32 : m_slots.size() * 2;
        std::vector<T> slots(newCapacity);
        for (std::size_t i = 0; i < m_size; ++i)
            slots[i] = (*this)[i];
        m_slots.swap(slots);
        m_head = 0;
        m_mask = newCapacity - 1;
    }

    std::vector<T> m_slots;
    std::size_t m_head = 0;
    std::size_t m_size = 0;
    std::size_t m_mask = 0;
};

} // namespace kcp::detail
