#pragma once

#include "kcp/lab/link_model.h"

#include "kcp/session_core.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sim
{

using kcp::Millis;
using kcp::lab::LinkConfig;
using kcp::lab::LinkCounters;

// Request/response traffic like the tunnel benchmark's latency probe: `streams` logical streams
// (smux streams in the real tunnel) share ONE session pair, each with one fixed-size message in
// flight; the server echoes every message at once, the client sends the stream's next message
// as soon as the echo is back. Message latency is the client's send-to-echo time, so head-of-
// line blocking across streams shows exactly as it does through a real tunnel.
struct EchoConfig
{
    kcp::SessionConfig client;
    kcp::SessionConfig server;
    LinkConfig up;   // client -> server
    LinkConfig down; // server -> client
    int streams = 11;
    int messages = 2000;           // recorded round trips, over all streams
    int warmupPerStream = 3;       // unrecorded round trips per stream first (latprobe's default)
    std::size_t messageBytes = 72; // smux header 8 + latprobe's 64 bytes
    Millis startSpread = 0;        // stream i starts at i * startSpread / streams
    // Like the net worker (KcpOptions::batchAcks): owed ACKs leave after each receive batch.
    bool batchAcks = true;
    std::uint64_t seed = 1;
    Millis timeLimit = 600'000;
};

struct EchoResult
{
    bool completed = false;        // every message came back, intact and in order per stream
    std::vector<Millis> latencies; // recorded round trips, sorted
    Millis virtualMs = 0;
    kcp::SessionStats client;
    kcp::SessionStats server;
    LinkCounters up;
    LinkCounters down;

    // The q-quantile (0..1) of the recorded latencies, nearest rank.
    Millis percentile(double q) const;
};

EchoResult runEcho(const EchoConfig& config);

} // namespace sim
