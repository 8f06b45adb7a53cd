#pragma once

// True path loss from FEC seqid gaps (DESIGN.md "Stats"). kcp-go 5.6.1 numbers every datagram it
// sends, data and parity, and never skips one, so every seqid below the highest one seen was
// really sent. A slot that has not arrived by the time it falls a reorder window behind the
// highest seqid is counted as lost; slots beyond the highest are not counted at all.
//
// Seqids wrap at paws; they are unwrapped into a 64-bit slot number (slot % n stays the position
// in the group because paws is a multiple of n). Internal to kcp_fec.

#include "kcp/fec.h"

#include <array>
#include <cstdint>

namespace kcp::fec_detail
{

class PathLossTracker
{
public:
    enum class Arrival
    {
        New,       // first arrival of a slot still inside the window
        Duplicate, // slot already arrived
        Late,      // behind the window: already judged (as lost, or as received if a duplicate)
    };
    struct Observation
    {
        Arrival arrival;
        std::uint64_t slot;     // unwrapped seqid; meaningful for New
        std::uint64_t group;    // slot / n, for New
        std::uint32_t position; // slot % n (= seqid % n), for New
    };

    // Ring capacity in slots; the window must not exceed it.
    static constexpr std::uint64_t RingSlots = 1024;

    PathLossTracker(int dataShards, int parityShards, std::uint32_t paws);

    // seqid < paws. Updates pathReceived / pathLost / pathLostData in counters.
    Observation observe(std::uint32_t seqid, FecDecoderCounters& counters);

    bool started() const { return m_started; }
    // One past the highest slot seen.
    std::uint64_t end() const { return m_end; }
    std::uint64_t window() const { return m_window; }

private:
    // Slot slot's group and position, stepping from the highest slot's when they are near (the
    // common case: a 64-bit division costs more than the rest of observe()).
    inline void locate(std::uint64_t slot, Observation& seen) const;
    inline void advance(std::uint64_t newEnd, FecDecoderCounters& counters);
    // Number of data positions among slots [0, slot).
    std::uint64_t dataSlotsBelow(std::uint64_t slot) const;
    // Defined here (inline) so they are inlined: the library is built -fPIC, where GCC does not
    // inline calls to out-of-line functions that could be interposed.
    bool received(std::uint64_t slot) const
    {
        const std::uint64_t bit = slot % RingSlots;
        return (m_bits[bit / 64] >> (bit % 64) & 1) != 0;
    }
    void setReceived(std::uint64_t slot, bool value)
    {
        const std::uint64_t bit = slot % RingSlots;
        const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
        if (value)
            m_bits[bit / 64] |= mask;
        else
            m_bits[bit / 64] &= ~mask;
    }

    std::uint64_t m_dataShards;
    std::uint64_t m_groupSize;
    std::uint32_t m_paws;
    std::uint64_t m_window;
    bool m_started = false;
    std::uint64_t m_end = 0;             // one past the highest slot seen
    std::uint32_t m_highest = 0;         // seqid of slot m_end - 1
    std::uint64_t m_highestGroup = 0;    // (m_end - 1) / n
    std::uint32_t m_highestPosition = 0; // (m_end - 1) % n
    std::uint64_t m_judged = 0;          // slots below this are already counted received or lost
    std::array<std::uint64_t, RingSlots / 64> m_bits{};
};

} // namespace kcp::fec_detail
