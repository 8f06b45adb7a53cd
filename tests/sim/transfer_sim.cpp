#include "transfer_sim.h"
#include "sim_seed.h"

#include <algorithm>
#include <array>
#include <vector>

namespace sim
{

namespace
{

// One direction's application ends: the writer's position and the reader's verified position.
struct Stream
{
    std::uint64_t seed;
    std::size_t total;
    std::size_t written = 0;
    std::size_t received = 0;
    bool intact = true;

    void pump(Millis now, kcp::SessionCore& writer, std::vector<std::uint8_t>& scratch,
              std::size_t chunk)
    {
        while (written < total)
        {
            const std::size_t n = std::min({chunk, total - written, writer.writable()});
            if (n == 0)
                return;
            scratch.resize(n);
            for (std::size_t i = 0; i < n; ++i)
                scratch[i] = patternByte(seed, written + i);
            const std::size_t accepted = writer.write(now, scratch);
            written += accepted;
            if (accepted < n)
                return;
        }
    }

    void drain(kcp::SessionCore& reader, std::vector<std::uint8_t>& scratch)
    {
        scratch.resize(65536);
        for (;;)
        {
            const std::size_t n = reader.read(scratch);
            if (n == 0)
                return;
            for (std::size_t i = 0; i < n && intact; ++i)
                intact = scratch[i] == patternByte(seed, received + i);
            received += n;
        }
    }

    bool done() const { return received >= total; }
};

void transmit(Millis simNow, Millis sessionNow, kcp::SessionCore& session, LinkModel& link)
{
    for (;;)
    {
        const std::span<const std::uint8_t> datagram = session.nextTransmit(sessionNow);
        if (datagram.empty())
            return;
        link.send(simNow, datagram);
        session.popTransmit();
    }
}

} // namespace

std::uint8_t patternByte(std::uint64_t streamSeed, std::uint64_t position)
{
    return static_cast<std::uint8_t>(splitmix(streamSeed ^ (position >> 3)) >>
                                     (8 * (position & 7)));
}

TransferResult runTransfer(const TransferConfig& config)
{
    kcp::ChaChaRandom clientRandom(seedBytes(config.seed * 3 + 1));
    kcp::ChaChaRandom serverRandom(seedBytes(config.seed * 3 + 2));
    const std::uint32_t conv = clientRandom.nextU32();
    kcp::SessionCore client(conv, config.client, clientRandom);
    kcp::SessionCore server(conv, config.server, serverRandom);
    LinkModel up(config.up, splitmix(config.seed * 7 + 1));
    LinkModel down(config.down, splitmix(config.seed * 7 + 2));

    Stream upStream{splitmix(config.seed + 11), config.bytesUp};
    Stream downStream{splitmix(config.seed + 13), config.bytesDown};
    std::vector<std::uint8_t> scratch;

    TransferResult result;
    Millis t = 0;
    for (;;)
    {
        const Millis now = config.clockBase + t;
        up.deliver(t, [&](std::span<std::uint8_t> d) { server.onDatagram(now, d); });
        down.deliver(t, [&](std::span<std::uint8_t> d) { client.onDatagram(now, d); });
        upStream.drain(server, scratch);
        downStream.drain(client, scratch);
        upStream.pump(now, client, scratch, config.writeChunk);
        downStream.pump(now, server, scratch, config.writeChunk);
        transmit(t, now, client, up);
        transmit(t, now, server, down);

        if (upStream.done() && downStream.done())
        {
            result.completed = true;
            break;
        }
        if (!upStream.intact || !downStream.intact || t >= config.timeLimit)
            break;

        Millis next = std::min(client.nextDeadline() - config.clockBase,
                               server.nextDeadline() - config.clockBase);
        Millis arrival = 0;
        if (up.nextArrival(arrival))
            next = std::min(next, arrival);
        if (down.nextArrival(arrival))
            next = std::min(next, arrival);
        t = std::max(next, t + 1);
    }

    result.intact = upStream.intact && downStream.intact;
    result.virtualMs = t;
    result.receivedUp = upStream.received;
    result.receivedDown = downStream.received;
    result.client = client.stats();
    result.server = server.stats();
    result.up = up.counters();
    result.down = down.counters();
    return result;
}

} // namespace sim
