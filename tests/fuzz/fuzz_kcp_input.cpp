// libFuzzer target: the KCP ARQ (Kcp::input and everything it drives: flush, recv, send).
//
// Input: six configuration bytes, then operations.
//   byte 0  bit 0 stream mode, bit 1 nodelay, bits 2-3 interval {1, 10, 30, 100} (1 is clamped),
//           bit 4 nc, bit 5 pair mode, bit 7 fast resend 2
//   byte 1  mtu = 50 + 6 * byte (above 1500 setMtu refuses and the default stays)
//   byte 2  reserved bytes (% 48)         byte 3/4  send/receive window 1 + byte
//   byte 5  conv: one of the vector files' (SeedConvs % 5)
// Single mode: one instance fed raw datagrams and well-formed segments built from the input
// (so the fuzzer gets past the conv check without having to guess it), with send, recv, flush
// and time steps in between.
// Pair mode: two instances of the same conv exchanging their real output over a lossy,
// duplicating, reordering link the input controls; no forged packets.
// Invariants checked: every output datagram is mtu-bounded whole segments of our conv; send,
// recv and flush return what kcp.h documents; snd_buf is exactly snd_una..snd_nxt-1 and
// rcv_buf/rcv_queue fit rcv_wnd. Pair mode adds: the receiver gets exactly the sent byte stream
// (or messages) in order, however the link misbehaves.
#include "fuzz_support.h"

#include "kcp/kcp.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

namespace
{

using namespace kcp;
using kcp::fuzz::ByteReader;

constexpr std::size_t MaxOps = 2048;
constexpr std::size_t MaxQueued = 2048; // datagrams in flight per direction (pair mode)
constexpr int MaxWaitSnd = 2048;        // segments queued before sends are skipped

struct Config
{
    bool stream;
    NoDelayParams noDelay;
    bool pair;
    int mtu;
    int reserved;
    int sndWnd;
    int rcvWnd;
    std::uint32_t conv;
};

Config readConfig(ByteReader& in)
{
    constexpr int Intervals[] = {1, 10, 30, 100};
    const std::uint8_t flags = in.u8();
    Config c{};
    c.stream = flags & 1;
    c.noDelay.nodelay = (flags >> 1) & 1;
    c.noDelay.interval = Intervals[(flags >> 2) & 3];
    c.noDelay.nc = (flags >> 4) & 1;
    c.pair = (flags >> 5) & 1;
    c.noDelay.resend = (flags & 0x80) ? 2 : 0;
    c.mtu = 50 + 6 * in.u8();
    c.reserved = in.u8() % 48;
    c.sndWnd = 1 + in.u8();
    c.rcvWnd = 1 + in.u8();
    c.conv = fuzz::SeedConvs[in.u8() % std::size(fuzz::SeedConvs)];
    return c;
}

// One instance plus what it has put on the wire (KCP bytes, reserved bytes stripped).
struct Endpoint
{
    explicit Endpoint(const Config& config)
        : kcp(config.conv,
              [this](std::uint8_t* datagram, std::size_t length) { onOutput(datagram, length); })
    {
        kcp.setMtu(config.mtu, config.reserved);
        kcp.setNoDelay(config.noDelay);
        kcp.setWindowSize(config.sndWnd, config.rcvWnd);
        kcp.setStreamMode(config.stream);
    }

    void onOutput(const std::uint8_t* datagram, std::size_t length)
    {
        const auto reserved = static_cast<std::size_t>(kcp.reservedBytes());
        FUZZ_CHECK(length > reserved);
        FUZZ_CHECK(length <= static_cast<std::size_t>(kcp.mtu()));
        std::size_t at = reserved;
        while (at < length)
        {
            FUZZ_CHECK(length - at >= SegmentHeaderSize);
            SegmentHeader h;
            decodeSegmentHeader(datagram + at, h);
            at += SegmentHeaderSize;
            FUZZ_CHECK(h.conv == kcp.conv());
            FUZZ_CHECK(h.cmd >= static_cast<std::uint8_t>(Command::Push) &&
                       h.cmd <= static_cast<std::uint8_t>(Command::WindowTell));
            FUZZ_CHECK(h.len <= length - at);
            FUZZ_CHECK(h.cmd == static_cast<std::uint8_t>(Command::Push) || h.len == 0);
            FUZZ_CHECK(h.len <= static_cast<std::uint32_t>(kcp.mss()));
            at += h.len;
        }
        if (wire.size() < MaxQueued)
            wire.emplace_back(datagram + reserved, datagram + length);
    }

    void checkState() const
    {
        FUZZ_CHECK(kcp.inflight() == kcp.sndNxt() - kcp.sndUna());
        FUZZ_CHECK(static_cast<std::uint32_t>(kcp.sndBufSize()) == kcp.inflight());
        FUZZ_CHECK(kcp.waitSnd() == kcp.sndBufSize() + kcp.sndQueueSize());
        FUZZ_CHECK(kcp.rcvBufSize() <= kcp.rcvWnd());
        FUZZ_CHECK(kcp.rcvQueueSize() <= kcp.rcvWnd());
    }

    std::uint32_t flush(Millis now, bool ackOnly)
    {
        const std::uint32_t wait = kcp.flush(now, ackOnly);
        if (ackOnly)
            FUZZ_CHECK(wait == static_cast<std::uint32_t>(kcp.interval()));
        else
            FUZZ_CHECK(wait >= 1 && wait <= static_cast<std::uint32_t>(kcp.interval()));
        return wait;
    }

    // recv() into an exactly sized buffer; checks the return codes against peekSize().
    int recv(std::size_t capacity, std::vector<std::uint8_t>& out)
    {
        out.assign(capacity, 0);
        out.shrink_to_fit();
        const int peek = kcp.peekSize();
        const int got = kcp.recv(out);
        if (peek < 0)
            FUZZ_CHECK(got == -1);
        else if (static_cast<std::size_t>(peek) > capacity)
            FUZZ_CHECK(got == -2);
        else
            FUZZ_CHECK(got == peek);
        return got;
    }

    Kcp kcp;
    std::deque<std::vector<std::uint8_t>> wire;

    // Pair mode bookkeeping of the stream this endpoint sends and the one it receives.
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    std::deque<std::size_t> messages; // message mode: lengths sent, not yet received
};

// Byte k of every stream; positions, not values, make a reordered or duplicated byte visible.
std::uint8_t streamByte(std::uint64_t k)
{
    return static_cast<std::uint8_t>((k * 0x9e3779b1u) >> 24 ^ k);
}

// --- single mode ------------------------------------------------------------------------------

// Builds 1..8 well-formed segments of kcp's conv with fields near its state.
std::vector<std::uint8_t> buildSegments(ByteReader& in, const Kcp& kcp, Millis now)
{
    std::vector<std::uint8_t> out;
    const int count = 1 + in.u8() % 8;
    for (int i = 0; i < count; ++i)
    {
        const std::uint8_t kind = in.u8();
        SegmentHeader h;
        h.conv = kcp.conv();
        h.cmd = static_cast<std::uint8_t>(static_cast<std::uint8_t>(Command::Push) + (kind & 3));
        h.frg = static_cast<std::uint8_t>(kind >> 5);
        h.wnd = in.u16();
        h.ts = now - in.u8();
        // sn near what the peer would send: PUSH around rcv_nxt, ACK around snd_una.
        const std::uint32_t base =
            h.cmd == static_cast<std::uint8_t>(Command::Ack) ? kcp.sndUna() : kcp.rcvNxt();
        h.sn = base + static_cast<std::uint32_t>(static_cast<std::int8_t>(in.u8()));
        h.una = kcp.sndUna() + in.u8() % (kcp.inflight() + 2);
        h.len = h.cmd == static_cast<std::uint8_t>(Command::Push) ? in.u8() % 200u : 0;
        const std::size_t at = out.size();
        out.resize(at + SegmentHeaderSize + h.len);
        encodeSegmentHeader(out.data() + at, h);
        const std::span<const std::uint8_t> payload = in.bytes(h.len);
        std::copy(payload.begin(), payload.end(),
                  out.begin() + static_cast<std::ptrdiff_t>(at) +
                      static_cast<std::ptrdiff_t>(SegmentHeaderSize));
    }
    return out;
}

void runSingle(ByteReader& in, const Config& config)
{
    Endpoint e(config);
    Millis now = 0x10000;
    std::vector<std::uint8_t> buffer;
    for (std::size_t op = 0; op < MaxOps && !in.empty(); ++op)
    {
        // Low bits pick the operation, bit 7 is its flag (ackOnly for flush).
        const std::uint8_t code = in.u8();
        const int operation = (code & 0x7f) % 7;
        switch (operation)
        {
        case 0: // a raw datagram
        case 1: // well-formed segments
        {
            const std::uint8_t flags = in.u8();
            if (operation == 0)
            {
                const std::span<const std::uint8_t> raw = in.bytes(in.u16());
                buffer.assign(raw.begin(), raw.end());
            }
            else
            {
                buffer = buildSegments(in, e.kcp, now);
            }
            buffer.shrink_to_fit();
            const int result = e.kcp.input(buffer, flags & 1, flags & 2, now);
            FUZZ_CHECK(result <= 0 && result >= -3);
            if (operation == 1)
                FUZZ_CHECK(result == 0);
            break;
        }
        case 2:
        {
            if (e.kcp.waitSnd() >= MaxWaitSnd)
                break;
            const std::size_t length = in.u16() % 20000u;
            std::vector<std::uint8_t> data(length, 0x5a);
            const int result = e.kcp.send(data);
            FUZZ_CHECK(result == 0 || result == -1 || result == -2);
            FUZZ_CHECK((result == -1) == (length == 0));
            break;
        }
        case 3:
            e.recv(in.u16() % 8192u, buffer);
            break;
        case 4:
            e.flush(now, code & 0x80);
            break;
        case 5:
            now += in.u8() * 16u;
            break;
        case 6: // the loop a session runs: flush when due
            now += e.flush(now, false);
            break;
        }
        e.checkState();
        e.wire.clear();
    }
    // Drain what arrived, as an application would.
    for (int i = 0; i < 1024 && e.recv(65536, buffer) >= 0; ++i)
    {
    }
}

// --- pair mode --------------------------------------------------------------------------------

void sendPattern(Endpoint& from, std::size_t length, const Config& config)
{
    if (length == 0 || from.kcp.waitSnd() >= MaxWaitSnd)
        return;
    std::vector<std::uint8_t> data(length);
    for (std::size_t i = 0; i < length; ++i)
        data[i] = streamByte(from.sent + i);
    // Stream mode tops up the last queued segment before counting segments (kcp.h), so a -2
    // could leave part of the data queued; stay at or below 255 segments to keep the books exact.
    FUZZ_CHECK(from.kcp.send(data) == 0);
    from.sent += length;
    if (!config.stream)
        from.messages.push_back(length);
}

void receivePattern(Endpoint& to, Endpoint& from, std::size_t capacity, const Config& config,
                    std::vector<std::uint8_t>& buffer)
{
    const int got = to.recv(capacity, buffer);
    if (got < 0)
        return;
    if (!config.stream)
    {
        FUZZ_CHECK(!from.messages.empty());
        FUZZ_CHECK(static_cast<std::size_t>(got) == from.messages.front());
        from.messages.pop_front();
    }
    for (int i = 0; i < got; ++i)
        FUZZ_CHECK(buffer[static_cast<std::size_t>(i)] == streamByte(to.received + i));
    to.received += static_cast<std::uint64_t>(got);
    FUZZ_CHECK(to.received <= from.sent);
}

void runPair(ByteReader& in, const Config& config)
{
    Endpoint a(config);
    Endpoint b(config);
    Endpoint* ends[2] = {&a, &b};
    Millis now = 0xfffff000u; // crosses the u32 wrap after ~4 s
    std::vector<std::uint8_t> buffer;
    const std::size_t maxSend = std::min<std::size_t>(4096, 255u * a.kcp.mss());
    for (std::size_t op = 0; op < MaxOps && !in.empty(); ++op)
    {
        // Bits 0-5 pick the operation, bit 6 is its flag (ackOnly), bit 7 the endpoint.
        const std::uint8_t code = in.u8();
        Endpoint& self = *ends[(code >> 7) & 1];
        Endpoint& peer = *ends[1 - ((code >> 7) & 1)];
        switch ((code & 0x3f) % 6)
        {
        case 0:
            sendPattern(self, 1 + in.u16() % maxSend, config);
            break;
        case 1:
            receivePattern(self, peer, in.u16() % 8192u, config, buffer);
            break;
        case 2: // the link: deliver, drop or duplicate one of self's datagrams to peer
        {
            const std::uint8_t how = in.u8();
            if (self.wire.empty())
                break;
            const std::size_t index = in.u8() % self.wire.size();
            const std::vector<std::uint8_t> datagram = self.wire[index];
            if (!(how & 4))
                self.wire.erase(self.wire.begin() + static_cast<std::ptrdiff_t>(index));
            if (how & 1)
                break; // lost
            // regular = false: as if FEC had rebuilt it.
            FUZZ_CHECK(peer.kcp.input(datagram, !(how & 2), how & 8, now) == 0);
            break;
        }
        case 3:
            now += in.u8();
            self.flush(now, false);
            break;
        case 4:
            self.flush(now, code & 0x40);
            break;
        case 5: // deliver everything queued in order, as a perfect link would
            while (!self.wire.empty())
            {
                FUZZ_CHECK(peer.kcp.input(self.wire.front(), true, false, now) == 0);
                self.wire.pop_front();
            }
            break;
        }
        a.checkState();
        b.checkState();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ByteReader in(data, size);
    const Config config = readConfig(in);
    if (config.pair)
        runPair(in, config);
    else
        runSingle(in, config);
    return 0;
}
