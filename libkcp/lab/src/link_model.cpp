#include "kcp/lab/link_model.h"

#include <algorithm>

namespace kcp::lab
{

namespace
{

bool later(const auto& a, const auto& b)
{
    return a.arrival > b.arrival || (a.arrival == b.arrival && a.order > b.order);
}

} // namespace

LinkModel::LinkModel(const LinkConfig& config, std::uint64_t seed)
    : m_config(config)
    , m_rng(seed)
{
}

bool LinkModel::dropped()
{
    // Draw every random number for every packet, whatever the config, so that changing one
    // knob does not shift the random stream seen by the others.
    const double independent = m_unit(m_rng);
    const double transition = m_unit(m_rng);
    const double inBurst = m_unit(m_rng);
    m_burstBad = m_burstBad ? transition >= m_config.burstExit : transition < m_config.burstEnter;
    return independent < m_config.loss || (m_burstBad && inBurst < m_config.burstLoss);
}

void LinkModel::enqueue(double arrival, std::span<const std::uint8_t> datagram)
{
    m_packets.push_back(Packet{arrival, m_order++, {datagram.begin(), datagram.end()}});
    std::push_heap(m_packets.begin(), m_packets.end(), later<Packet, Packet>);
}

void LinkModel::send(Millis now, std::span<const std::uint8_t> datagram)
{
    m_counters.sent++;
    const double jitterDraw = m_unit(m_rng);
    const double reorderDraw = m_unit(m_rng);
    const double duplicateDraw = m_unit(m_rng);
    if (dropped())
    {
        m_counters.lost++;
        return;
    }

    double departure = now;
    if (m_config.rateBytesPerSecond > 0)
    {
        const double start = std::max(m_busyUntil, double(now));
        const double queuedBytes = (start - now) * double(m_config.rateBytesPerSecond) / 1000.0;
        if (m_config.queueLimitBytes > 0 &&
            queuedBytes + double(datagram.size()) > double(m_config.queueLimitBytes))
        {
            m_counters.queueDrops++;
            return;
        }
        m_busyUntil = start + double(datagram.size()) * 1000.0 / double(m_config.rateBytesPerSecond);
        departure = m_busyUntil;
    }

    double arrival = departure + m_config.delay + jitterDraw * m_config.jitter;
    if (reorderDraw < m_config.reorder)
        arrival += m_config.reorderDelay;
    enqueue(arrival, datagram);
    if (duplicateDraw < m_config.duplicate)
    {
        m_counters.duplicated++;
        enqueue(arrival + 1.0, datagram);
    }
}

void LinkModel::deliver(Millis now,
                            const std::function<void(std::span<std::uint8_t>)>& receiver)
{
    while (!m_packets.empty() && m_packets.front().arrival <= double(now))
    {
        std::pop_heap(m_packets.begin(), m_packets.end(), later<Packet, Packet>);
        Packet packet = std::move(m_packets.back());
        m_packets.pop_back();
        m_counters.delivered++;
        receiver(packet.bytes);
    }
}

bool LinkModel::nextArrival(Millis& when) const
{
    if (m_packets.empty())
        return false;
    const double arrival = m_packets.front().arrival;
    when = static_cast<Millis>(arrival);
    if (double(when) < arrival)
        ++when;  // deliver at the first whole ms at or after arrival
    return true;
}

} // namespace kcp::lab
