#pragma once

#include "kcp/snmp_counters.h"

#include <cstdint>

namespace kcp
{

// A value snapshot of one session, copied out by SessionCore::stats() and passed across threads
// by value. Times in ms; windows and queues in segments.
struct SessionStats
{
    static constexpr int Version = 1;

    std::uint32_t conv = 0;
    std::int32_t srtt = 0;
    std::int32_t rttVar = 0;
    std::int32_t rto = 0;
    std::int32_t cwnd = 0;
    std::int32_t ssthresh = 0;
    std::int32_t sndWnd = 0;
    std::int32_t rcvWnd = 0;
    std::int32_t remoteWnd = 0;
    std::uint32_t inflight = 0;     // snd_nxt - snd_una
    std::int32_t sndQueue = 0;
    std::int32_t sndBuf = 0;
    std::int32_t rcvQueue = 0;
    std::int32_t rcvBuf = 0;
    std::int32_t waitSnd = 0;       // sndQueue + sndBuf
    std::uint32_t maxXmit = 0;      // most transmissions of one unacknowledged segment
    bool deadLink = false;
    std::int32_t thinCopies = 1;    // datagrams per thin flight now (SessionConfig::thinRedundancy)
    double thinLoss = 0;            // the loss estimate thin redundancy chose them by
    SnmpCounters counters;
};

} // namespace kcp
