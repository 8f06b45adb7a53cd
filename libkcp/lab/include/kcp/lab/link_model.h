#pragma once

#include "kcp/time.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <vector>

namespace kcp::lab
{

using kcp::Millis;

// One direction of an emulated path (pure model: time is an argument, in ms). Seeded: the same
// seed and the same input give the same output, so a loss scenario is reproducible to the packet.
// Used by the virtual-time simulator in the tests and by the real-time UDP emulator of the lab.
struct LinkConfig
{
    double loss = 0.0;           // independent loss probability per packet
    // Gilbert-Elliott burst loss on top: per packet, good->bad with burstEnter, bad->good with
    // burstExit; in the bad state a packet is lost with burstLoss.
    double burstEnter = 0.0;
    double burstExit = 1.0;
    double burstLoss = 1.0;
    Millis delay = 0;            // one-way propagation delay
    Millis jitter = 0;           // extra uniform delay 0..jitter (reorders packets)
    double reorder = 0.0;        // probability a packet is held back an extra reorderDelay
    Millis reorderDelay = 0;
    double duplicate = 0.0;      // probability a packet is delivered twice
    std::uint64_t rateBytesPerSecond = 0;  // serialisation rate, 0 = unlimited
    std::size_t queueLimitBytes = 0;       // drop-tail queue in front of the rate limit, 0 = none
};

struct LinkCounters
{
    std::uint64_t sent = 0;
    std::uint64_t delivered = 0;
    std::uint64_t lost = 0;        // random or burst loss
    std::uint64_t queueDrops = 0;  // tail drops at the rate limiter
    std::uint64_t duplicated = 0;
};

class LinkModel
{
public:
    LinkModel(const LinkConfig& config, std::uint64_t seed);

    void setConfig(const LinkConfig& config) { m_config = config; }
    const LinkConfig& config() const { return m_config; }

    // Offers one datagram to the link at time now.
    void send(Millis now, std::span<const std::uint8_t> datagram);
    // Delivers every packet due at or before now, in arrival order.
    void deliver(Millis now, const std::function<void(std::span<std::uint8_t>)>& receiver);
    // Arrival time of the next packet in flight, if any.
    bool nextArrival(Millis& when) const;
    std::size_t inFlight() const { return m_packets.size(); }
    const LinkCounters& counters() const { return m_counters; }

private:
    struct Packet
    {
        double arrival;
        std::uint64_t order;
        std::vector<std::uint8_t> bytes;
    };

    bool dropped();
    void enqueue(double arrival, std::span<const std::uint8_t> datagram);

    LinkConfig m_config;
    std::mt19937_64 m_rng;
    std::uniform_real_distribution<double> m_unit{0.0, 1.0};
    bool m_burstBad = false;
    double m_busyUntil = 0.0;  // when the rate limiter finishes serialising the queue
    std::uint64_t m_order = 0;
    std::vector<Packet> m_packets;  // min-heap by (arrival, order)
    LinkCounters m_counters;
};

} // namespace kcp::lab
