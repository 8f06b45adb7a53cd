#pragma once

#include "kcp/lab/link_model.h"

#include "kcp/session_core.h"

#include <cstddef>
#include <cstdint>

namespace sim
{

using kcp::Millis;
using kcp::lab::LinkConfig;
using kcp::lab::LinkCounters;
using kcp::lab::LinkModel;

// A client and a server SessionCore joined by two LinkModels, driven event by event in
// virtual time: each step jumps to the earliest session deadline or packet arrival.
struct TransferConfig
{
    kcp::SessionConfig client;
    kcp::SessionConfig server;
    LinkConfig up;    // client -> server
    LinkConfig down;  // server -> client
    std::size_t bytesUp = 0;
    std::size_t bytesDown = 0;
    std::uint64_t seed = 1;
    // Added to the simulation time before the sessions see it: a base near 2^32 makes every
    // run cross the u32 millisecond wrap.
    Millis clockBase = 0;
    Millis timeLimit = 3'600'000;  // virtual ms before the run is declared stuck
    std::size_t writeChunk = 16384;
};

struct TransferResult
{
    bool completed = false;        // every byte arrived both ways within timeLimit
    bool intact = true;            // and every byte matched what was sent
    Millis virtualMs = 0;
    std::size_t receivedUp = 0;
    std::size_t receivedDown = 0;
    kcp::SessionStats client;
    kcp::SessionStats server;
    LinkCounters up;
    LinkCounters down;
};

TransferResult runTransfer(const TransferConfig& config);

// The byte at position i of the stream a run sends in one direction (seeded, cheap, non-repeating).
std::uint8_t patternByte(std::uint64_t streamSeed, std::uint64_t position);

} // namespace sim
