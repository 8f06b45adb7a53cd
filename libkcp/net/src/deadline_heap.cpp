#include "deadline_heap.h"

namespace kcp::net::detail
{

void DeadlineHeap::place(std::size_t i, HeapNode* node)
{
    m_nodes[i] = node;
    node->index = static_cast<std::ptrdiff_t>(i);
}

void DeadlineHeap::siftUp(std::size_t i)
{
    HeapNode* node = m_nodes[i];
    while (i > 0)
    {
        const std::size_t parent = (i - 1) / 2;
        if (m_nodes[parent]->deadline <= node->deadline)
            break;
        place(i, m_nodes[parent]);
        i = parent;
    }
    place(i, node);
}

void DeadlineHeap::siftDown(std::size_t i)
{
    HeapNode* node = m_nodes[i];
    const std::size_t n = m_nodes.size();
    for (;;)
    {
        std::size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && m_nodes[child + 1]->deadline < m_nodes[child]->deadline)
            ++child;
        if (node->deadline <= m_nodes[child]->deadline)
            break;
        place(i, m_nodes[child]);
        i = child;
    }
    place(i, node);
}

void DeadlineHeap::schedule(HeapNode* node, std::int64_t deadline)
{
    if (node->index < 0)
    {
        node->deadline = deadline;
        m_nodes.push_back(node);
        siftUp(m_nodes.size() - 1);
        return;
    }
    const std::int64_t old = node->deadline;
    node->deadline = deadline;
    if (deadline < old)
        siftUp(static_cast<std::size_t>(node->index));
    else if (deadline > old)
        siftDown(static_cast<std::size_t>(node->index));
}

void DeadlineHeap::remove(HeapNode* node)
{
    if (node->index < 0)
        return;
    const auto i = static_cast<std::size_t>(node->index);
    node->index = -1;
    HeapNode* last = m_nodes.back();
    m_nodes.pop_back();
    if (i == m_nodes.size())
        return;
    place(i, last);
    siftDown(i);
    siftUp(static_cast<std::size_t>(last->index));
}

} // namespace kcp::net::detail
