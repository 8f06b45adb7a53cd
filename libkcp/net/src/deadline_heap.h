#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kcp::net::detail
{

// Where a session sits in its worker's DeadlineHeap; embedded in the session so that moving its
// deadline is O(log n) with no lookup.
struct HeapNode
{
    std::int64_t deadline = 0; // worker clock, ms
    std::ptrdiff_t index = -1; // -1: not scheduled
};

// Indexed binary min-heap of HeapNodes keyed by deadline: the worker arms its single timer at
// top(). Not thread-safe (one per worker).
class DeadlineHeap
{
public:
    bool empty() const { return m_nodes.empty(); }
    std::size_t size() const { return m_nodes.size(); }
    HeapNode* top() const { return m_nodes.empty() ? nullptr : m_nodes.front(); }

    // Inserts the node or moves it to its new deadline.
    void schedule(HeapNode* node, std::int64_t deadline);
    // Takes the node out (no-op when it is not scheduled).
    void remove(HeapNode* node);

private:
    void siftUp(std::size_t i);
    void siftDown(std::size_t i);
    void place(std::size_t i, HeapNode* node);

    std::vector<HeapNode*> m_nodes;
};

} // namespace kcp::net::detail
