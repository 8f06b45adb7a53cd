#include "path_loss.h"

#include <algorithm>

namespace kcp::fec_detail
{

PathLossTracker::PathLossTracker(int dataShards, int parityShards, std::uint32_t paws)
    : m_dataShards(static_cast<std::uint64_t>(dataShards))
    , m_groupSize(static_cast<std::uint64_t>(dataShards + parityShards))
    , m_paws(paws)
    // Reordering on real paths is a few datagrams; the decoder keeps 3 * n shards anyway, so a
    // window of at least that (and at least 256) never calls a usable shard lost.
    , m_window(std::max<std::uint64_t>(256, 3 * m_groupSize))
{
}

PathLossTracker::Observation PathLossTracker::observe(std::uint32_t seqid,
                                                      FecDecoderCounters& counters)
{
    if (!m_started)
    {
        m_started = true;
        // A peer numbers from 0, so if the first arrival is near the start, the seqids before it
        // were sent too (and may still arrive). Far from 0 we joined mid-stream: start there.
        const std::uint64_t base = seqid < m_window ? 0 : seqid;
        m_end = base;
        m_judged = base;
        advance(std::uint64_t{seqid} + 1, counters);
        setReceived(seqid, true);
        ++counters.pathReceived;
        return {Arrival::New, seqid};
    }

    // Distance from the highest seqid seen, modulo paws; the nearer direction wins.
    const std::uint64_t last = m_end - 1;
    const auto highest = static_cast<std::uint32_t>(last % m_paws);
    const std::uint64_t forward = (std::uint64_t{seqid} + m_paws - highest) % m_paws;
    std::uint64_t slot;
    if (forward != 0 && forward <= m_paws / 2)
    {
        slot = last + forward;
        advance(slot + 1, counters);
    }
    else
    {
        const std::uint64_t back = forward == 0 ? 0 : m_paws - forward;
        if (back > last)
            return {Arrival::Late, 0};
        slot = last - back;
        if (slot < m_judged)
            return {Arrival::Late, slot};
        if (received(slot))
            return {Arrival::Duplicate, slot};
    }
    setReceived(slot, true);
    ++counters.pathReceived;
    return {Arrival::New, slot};
}

void PathLossTracker::advance(std::uint64_t newEnd, FecDecoderCounters& counters)
{
    const std::uint64_t newJudged =
        std::max(m_judged, newEnd > m_window ? newEnd - m_window : std::uint64_t{0});

    // Slots leaving the window without having arrived are lost.
    const std::uint64_t ringJudgedEnd = std::min(newJudged, m_end);
    for (std::uint64_t s = m_judged; s < ringJudgedEnd; ++s)
    {
        if (!received(s))
        {
            ++counters.pathLost;
            if (s % m_groupSize < m_dataShards)
                ++counters.pathLostData;
        }
    }
    // A jump longer than the window: the slots skipped over were sent and are already too old.
    const std::uint64_t skippedBegin = std::max(m_end, m_judged);
    if (newJudged > skippedBegin)
    {
        counters.pathLost += newJudged - skippedBegin;
        counters.pathLostData += dataSlotsBelow(newJudged) - dataSlotsBelow(skippedBegin);
    }
    // New slots enter the window as not yet arrived.
    for (std::uint64_t s = std::max(m_end, newJudged); s < newEnd; ++s)
        setReceived(s, false);

    m_judged = newJudged;
    m_end = newEnd;
}

std::uint64_t PathLossTracker::dataSlotsBelow(std::uint64_t slot) const
{
    return slot / m_groupSize * m_dataShards + std::min(slot % m_groupSize, m_dataShards);
}

bool PathLossTracker::received(std::uint64_t slot) const
{
    const std::uint64_t bit = slot % RingSlots;
    return (m_bits[bit / 64] >> (bit % 64) & 1) != 0;
}

void PathLossTracker::setReceived(std::uint64_t slot, bool value)
{
    const std::uint64_t bit = slot % RingSlots;
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    if (value)
        m_bits[bit / 64] |= mask;
    else
        m_bits[bit / 64] &= ~mask;
}

} // namespace kcp::fec_detail
