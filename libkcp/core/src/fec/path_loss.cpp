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

inline void PathLossTracker::locate(std::uint64_t slot, Observation& seen) const
{
    const std::uint64_t last = m_end - 1;
    if (slot >= last && slot - last < m_groupSize)
    {
        const std::uint64_t position = m_highestPosition + (slot - last);
        const bool next = position >= m_groupSize;
        seen.group = m_highestGroup + (next ? 1 : 0);
        seen.position = static_cast<std::uint32_t>(next ? position - m_groupSize : position);
    }
    else if (slot < last && last - slot <= m_highestPosition)
    {
        seen.group = m_highestGroup;
        seen.position = static_cast<std::uint32_t>(m_highestPosition - (last - slot));
    }
    else if (slot < last && last - slot <= m_highestPosition + m_groupSize)
    {
        // In the group before the highest one (reordering across a group boundary).
        seen.group = m_highestGroup - 1;
        seen.position = static_cast<std::uint32_t>(m_highestPosition + m_groupSize - (last - slot));
    }
    else
    {
        seen.group = slot / m_groupSize;
        seen.position = static_cast<std::uint32_t>(slot % m_groupSize);
    }
}

inline void PathLossTracker::advance(std::uint64_t newEnd, FecDecoderCounters& counters)
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

PathLossTracker::Observation PathLossTracker::observe(std::uint32_t seqid,
                                                      FecDecoderCounters& counters)
{
    Observation seen{Arrival::New, 0, 0, 0};
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
        seen.slot = seqid;
        seen.group = seen.slot / m_groupSize;
        seen.position = static_cast<std::uint32_t>(seen.slot % m_groupSize);
        m_highest = seqid;
        m_highestGroup = seen.group;
        m_highestPosition = seen.position;
        return seen;
    }

    // Distance from the highest seqid seen, modulo paws; the nearer direction wins. Both seqids
    // are below paws, so one conditional add replaces the modulo.
    const std::uint64_t last = m_end - 1;
    const std::uint64_t forward =
        seqid >= m_highest ? seqid - m_highest : std::uint64_t{seqid} + m_paws - m_highest;
    if (forward != 0 && forward <= m_paws / 2)
    {
        seen.slot = last + forward;
        locate(seen.slot, seen);
        advance(seen.slot + 1, counters);
        m_highest = seqid;
        m_highestGroup = seen.group;
        m_highestPosition = seen.position;
    }
    else
    {
        const std::uint64_t back = forward == 0 ? 0 : m_paws - forward;
        if (back > last)
            return {Arrival::Late, 0, 0, 0};
        seen.slot = last - back;
        if (seen.slot < m_judged)
            return {Arrival::Late, seen.slot, 0, 0};
        if (received(seen.slot))
            return {Arrival::Duplicate, seen.slot, 0, 0};
        locate(seen.slot, seen);
    }
    setReceived(seen.slot, true);
    ++counters.pathReceived;
    return seen;
}

std::uint64_t PathLossTracker::dataSlotsBelow(std::uint64_t slot) const
{
    return slot / m_groupSize * m_dataShards + std::min(slot % m_groupSize, m_dataShards);
}

} // namespace kcp::fec_detail
