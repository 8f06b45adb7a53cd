#include "echo_sim.h"
#include "sim_seed.h"

#include "kcp/lab/link_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <deque>

namespace sim
{

namespace
{

void putU32(std::uint8_t* p, std::uint32_t v)
{
    std::memcpy(p, &v, 4);
}

std::uint32_t getU32(const std::uint8_t* p)
{
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

// One end's application: bytes it still has to write, and the partial record it has read.
// Each message is its own write(), as the tunnel writes each smux frame: with writeDelay off
// every write flushes, so messages leave in separate datagrams unless the window is full.
struct Endpoint
{
    std::deque<std::vector<std::uint8_t>> outbound;
    std::size_t outboundOffset = 0;
    std::vector<std::uint8_t> inbound;

    void pump(Millis now, kcp::SessionCore& session)
    {
        while (!outbound.empty())
        {
            const std::vector<std::uint8_t>& message = outbound.front();
            const std::size_t accepted =
                session.write(now, std::span<const std::uint8_t>(message).subspan(outboundOffset));
            outboundOffset += accepted;
            if (outboundOffset < message.size())
                return;
            outbound.pop_front();
            outboundOffset = 0;
        }
    }

    // Appends what the session has and returns the whole records now available.
    template <typename OnRecord>
    void drain(kcp::SessionCore& session, std::size_t recordBytes, OnRecord onRecord)
    {
        std::array<std::uint8_t, 4096> buffer;
        for (;;)
        {
            const std::size_t n = session.read(buffer);
            if (n == 0)
                break;
            inbound.insert(inbound.end(), buffer.begin(),
                           buffer.begin() + static_cast<std::ptrdiff_t>(n));
        }
        std::size_t offset = 0;
        while (inbound.size() - offset >= recordBytes)
        {
            onRecord(inbound.data() + offset);
            offset += recordBytes;
        }
        inbound.erase(inbound.begin(), inbound.begin() + static_cast<std::ptrdiff_t>(offset));
    }
};

void transmit(Millis now, kcp::SessionCore& session, kcp::lab::LinkModel& link)
{
    for (;;)
    {
        const std::span<const std::uint8_t> datagram = session.nextTransmit(now);
        if (datagram.empty())
            return;
        link.send(now, datagram);
        session.popTransmit();
    }
}

} // namespace

Millis EchoResult::percentile(double q) const
{
    if (latencies.empty())
        return 0;
    const auto rank =
        static_cast<std::size_t>(std::ceil(q * static_cast<double>(latencies.size())));
    return latencies[std::clamp<std::size_t>(rank, 1, latencies.size()) - 1];
}

EchoResult runEcho(const EchoConfig& config)
{
    kcp::ChaChaRandom clientRandom(seedBytes(config.seed * 5 + 1));
    kcp::ChaChaRandom serverRandom(seedBytes(config.seed * 5 + 2));
    const std::uint32_t conv = clientRandom.nextU32();
    kcp::SessionCore client(conv, config.client, clientRandom);
    kcp::SessionCore server(conv, config.server, serverRandom);
    kcp::lab::LinkModel up(config.up, splitmix(config.seed * 9 + 1));
    kcp::lab::LinkModel down(config.down, splitmix(config.seed * 9 + 2));

    const std::size_t recordBytes = std::max<std::size_t>(config.messageBytes, 16);
    const auto streams = static_cast<std::size_t>(std::max(config.streams, 1));
    std::vector<std::uint32_t> nextIndex(streams, 0); // per stream: next message to send
    std::vector<std::uint32_t> expected(streams, 0);  // ... and the next echo expected
    const auto warmup = static_cast<std::uint32_t>(std::max(config.warmupPerStream, 0));
    int recordedStarted = 0;

    Endpoint clientApp;
    Endpoint serverApp;
    EchoResult result;
    bool intact = true;

    const auto sendNext = [&](std::size_t stream, Millis now)
    {
        const std::uint32_t index = nextIndex[stream];
        if (index >= warmup)
        {
            if (recordedStarted >= config.messages)
                return;
            ++recordedStarted;
        }
        ++nextIndex[stream];
        std::vector<std::uint8_t> record(recordBytes);
        putU32(record.data(), static_cast<std::uint32_t>(stream));
        putU32(record.data() + 4, index);
        putU32(record.data() + 8, now);
        putU32(record.data() + 12,
               static_cast<std::uint32_t>(splitmix(stream * 1'000'003 + index)));
        for (std::size_t i = 16; i < recordBytes; ++i)
            record[i] = static_cast<std::uint8_t>(i + index);
        clientApp.outbound.push_back(std::move(record));
    };

    // Streams start spread over startSpread ms (probes never start in the same millisecond).
    std::size_t startedStreams = 0;
    const auto startDue = [&](std::size_t s)
    { return static_cast<Millis>(s * static_cast<std::size_t>(config.startSpread) / streams); };

    Millis t = 0;
    for (;;)
    {
        while (startedStreams < streams && startDue(startedStreams) <= t)
            sendNext(startedStreams++, t);

        bool serverGot = false;
        bool clientGot = false;
        up.deliver(t,
                   [&](std::span<std::uint8_t> d)
                   {
                       server.onDatagram(t, d);
                       serverGot = true;
                   });
        down.deliver(t,
                     [&](std::span<std::uint8_t> d)
                     {
                         client.onDatagram(t, d);
                         clientGot = true;
                     });

        serverApp.drain(server, recordBytes,
                        [&](const std::uint8_t* record)
                        { serverApp.outbound.emplace_back(record, record + recordBytes); });
        clientApp.drain(client, recordBytes,
                        [&](const std::uint8_t* record)
                        {
                            const std::uint32_t stream = getU32(record);
                            const std::uint32_t index = getU32(record + 4);
                            if (stream >= streams || index != expected[stream] ||
                                getU32(record + 12) != static_cast<std::uint32_t>(
                                                           splitmix(stream * 1'000'003 + index)))
                            {
                                intact = false;
                                return;
                            }
                            ++expected[stream];
                            if (index >= warmup)
                                result.latencies.push_back(t - getU32(record + 8));
                            sendNext(stream, t);
                        });
        if (config.batchAcks)
        {
            if (serverGot)
                server.flushAcks(t);
            if (clientGot)
                client.flushAcks(t);
        }
        serverApp.pump(t, server);
        clientApp.pump(t, client);
        transmit(t, client, up);
        transmit(t, server, down);

        if (!intact || t >= config.timeLimit)
            break;
        if (static_cast<int>(result.latencies.size()) >= config.messages)
        {
            result.completed = true;
            break;
        }

        Millis next = std::min(client.nextDeadline(), server.nextDeadline());
        Millis arrival = 0;
        if (up.nextArrival(arrival))
            next = std::min(next, arrival);
        if (down.nextArrival(arrival))
            next = std::min(next, arrival);
        if (startedStreams < streams)
            next = std::min(next, startDue(startedStreams));
        t = std::max(next, t + 1);
    }

    std::sort(result.latencies.begin(), result.latencies.end());
    result.virtualMs = t;
    result.client = client.stats();
    result.server = server.stats();
    result.up = up.counters();
    result.down = down.counters();
    return result;
}

} // namespace sim
