// libFuzzer target: the smux session (SmuxSession::feed and the frame parser under it, v1 and v2),
// driven the way SmuxConnection drives it: transport bytes in, frames out, streams read and
// written by the application, keepalive ticks.
//
// Input: two configuration bytes, then operations.
//   byte 0  bit 0 version 2 (else 1), bit 1 server role, bits 2-3 receive budget
//           {256, 4096, 65536, 4194304}, bits 4-5 stream window {64, 1024, 65536, 2097152}
//           (clamped to the budget), bit 6 pair mode
//   byte 1  bits 0-1 max frame size {1, 100, 32768, 65535}, bits 2-3 output bound
//           {1, 512, 65536, 262144}
// Single mode: one session fed raw bytes and well-formed frames built from the input (so the
// fuzzer gets past the 8-byte header without guessing the version byte), with accept, read,
// write, open, close, consumeOutput and time steps in between.
// Pair mode: a client and a server of the same config exchanging their real output in pieces the
// input chooses; no forged bytes.
// Invariants checked: read/write never exceed what readable()/writable() promised or the buffer
// offered; everything the session puts out parses as frames of its own version with the lengths
// smux allows; the receive budget never exceeds its configured size; a closed session takes no
// input. Pair mode adds: every stream delivers exactly the bytes written to it, in order, and
// once both sides have drained, nothing written to an open stream is missing.
#include "fuzz_support.h"

#include "kcp/smux_session.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <vector>

namespace
{

using namespace kcp;
using kcp::fuzz::ByteReader;

constexpr std::size_t MaxOps = 4096;
constexpr std::size_t MaxChunk = 8192;
// Stream bytes written per input: with 1-byte frames every byte is a 9-byte frame, and beyond
// this runs only get slower, not deeper.
constexpr std::uint64_t MaxWriteBytes = 512 * 1024;

SmuxConfig readConfig(ByteReader& in, bool& serverRole, bool& pairMode)
{
    constexpr int Budgets[] = {256, 4096, 65536, 4194304};
    constexpr int Windows[] = {64, 1024, 65536, 2097152};
    constexpr int FrameSizes[] = {1, 100, 32768, 65535};
    constexpr std::size_t OutputBounds[] = {1, 512, 65536, 262144};
    const std::uint8_t a = in.u8();
    const std::uint8_t b = in.u8();
    SmuxConfig c;
    c.version = (a & 1) ? 2 : 1;
    serverRole = a & 2;
    c.maxReceiveBuffer = Budgets[(a >> 2) & 3];
    c.maxStreamBuffer = std::min(Windows[(a >> 4) & 3], c.maxReceiveBuffer);
    pairMode = a & 0x40;
    c.maxFrameSize = FrameSizes[b & 3];
    c.maxOutputBuffer = OutputBounds[(b >> 2) & 3];
    FUZZ_CHECK(c.validate().empty());
    return c;
}

// Parses everything a session hands to its transport, frame by frame across consumeOutput()
// calls, and checks that it is what smux 1.5.16 itself would accept from a peer.
class OutputChecker
{
public:
    explicit OutputChecker(const SmuxConfig& config) : m_config(config) {}

    void take(std::span<const std::uint8_t> bytes)
    {
        m_pending.insert(m_pending.end(), bytes.begin(), bytes.end());
        std::size_t offset = 0;
        for (;;)
        {
            const SmuxParseResult r = parseSmuxFrame(std::span(m_pending).subspan(offset),
                                                     static_cast<std::uint8_t>(m_config.version));
            if (r.status == SmuxParseStatus::NeedMore)
                break;
            FUZZ_CHECK(r.status == SmuxParseStatus::Frame);
            FUZZ_CHECK(r.consumed == SmuxHeaderSize + r.frame.payload.size());
            if (r.frame.command == SmuxCommand::Psh)
                FUZZ_CHECK(r.frame.payload.size() <= std::size_t(m_config.maxFrameSize));
            if (r.frame.command == SmuxCommand::Nop)
                FUZZ_CHECK(r.frame.streamId == 0);
            offset += r.consumed;
        }
        m_pending.erase(m_pending.begin(), m_pending.begin() + std::ptrdiff_t(offset));
    }

private:
    SmuxConfig m_config;
    std::vector<std::uint8_t> m_pending;
};

void checkStats(const SmuxSession& s)
{
    const SmuxStats st = s.stats();
    FUZZ_CHECK(st.receiveBudget <= s.config().maxReceiveBuffer);
}

// Takes up to n bytes of output (all of it for n == SIZE_MAX) and returns them.
std::vector<std::uint8_t> drain(SmuxSession& s, OutputChecker& checker, std::size_t n)
{
    const std::span<const std::uint8_t> out = s.output();
    const std::size_t take = std::min(n, out.size());
    std::vector<std::uint8_t> bytes(out.begin(), out.begin() + std::ptrdiff_t(take));
    checker.take(bytes);
    s.consumeOutput(take);
    return bytes;
}

// Reads up to n bytes from streamId, checking the promises readable() made. The bytes are in
// the returned span until the next call.
std::span<const std::uint8_t> readChecked(SmuxSession& s, std::uint32_t streamId, std::size_t n)
{
    // One scratch buffer for the whole run: allocating (and zeroing) n bytes per read made the
    // drain loop, not the session, the bottleneck.
    static std::vector<std::uint8_t> scratch;
    if (scratch.size() < n)
        scratch.resize(n);
    const std::span<std::uint8_t> buffer(scratch.data(), n);
    const std::size_t before = s.readable(streamId);
    const std::size_t got = s.read(streamId, buffer);
    FUZZ_CHECK(got <= n);
    FUZZ_CHECK(got == std::min(n, before));
    return buffer.first(got);
}

std::size_t writeChecked(SmuxSession& s, std::uint32_t streamId, std::span<const std::uint8_t> data)
{
    const std::size_t promised = s.writable(streamId);
    const std::size_t took = s.write(streamId, data);
    FUZZ_CHECK(took <= data.size());
    FUZZ_CHECK(took <= promised);
    return took;
}

// Stream content: a pseudo-random table with a prime period, started at a per-stream phase, so
// a lost, duplicated or misrouted frame shows. Filled and compared with memcpy/memcmp: byte
// loops under coverage instrumentation were most of the run time.
constexpr std::size_t PatternPeriod = 65537;

const std::vector<std::uint8_t>& patternTable()
{
    static const std::vector<std::uint8_t> table = []
    {
        std::vector<std::uint8_t> t(PatternPeriod);
        kcp::fuzz::DeterministicRandom(42).fill(t);
        return t;
    }();
    return table;
}

template <typename Visit>
void forEachPatternPiece(std::uint32_t streamId, std::uint64_t offset, std::size_t n, Visit visit)
{
    const std::vector<std::uint8_t>& table = patternTable();
    std::size_t at = std::size_t((offset + std::uint64_t(streamId) * 7919u) % PatternPeriod);
    for (std::size_t done = 0; done < n;)
    {
        const std::size_t piece = std::min(n - done, PatternPeriod - at);
        visit(done, table.data() + at, piece);
        done += piece;
        at = 0;
    }
}

void fillPattern(std::uint32_t streamId, std::uint64_t offset, std::span<std::uint8_t> out)
{
    forEachPatternPiece(streamId, offset, out.size(),
                        [&](std::size_t done, const std::uint8_t* from, std::size_t piece)
                        { std::memcpy(out.data() + done, from, piece); });
}

bool matchesPattern(std::uint32_t streamId, std::uint64_t offset,
                    std::span<const std::uint8_t> bytes)
{
    bool same = true;
    forEachPatternPiece(streamId, offset, bytes.size(),
                        [&](std::size_t done, const std::uint8_t* from, std::size_t piece)
                        { same = same && std::memcmp(bytes.data() + done, from, piece) == 0; });
    return same;
}

void runSingle(ByteReader& in, const SmuxConfig& config, SmuxRole role)
{
    Millis now = 1000;
    SmuxSession session(role, config, now);
    OutputChecker checker(config);
    std::vector<std::uint32_t> known{0, 1, 2, 3, 5}; // ids the fuzzer can address by index
    const auto pickStream = [&](std::uint8_t index) { return known[index % known.size()]; };
    std::uint64_t writeBudget = MaxWriteBytes;

    for (std::size_t op = 0; op < MaxOps && !in.empty(); ++op)
    {
        switch (in.u8() % 11)
        {
        case 0:
        { // raw transport bytes
            const auto bytes = in.bytes(in.u16() % MaxChunk);
            const bool wasClosed = session.isClosed();
            const bool accepted = session.feed(bytes);
            if (wasClosed)
                FUZZ_CHECK(!accepted);
            break;
        }
        case 1:
        { // a frame with a valid header shape: cmd, sid, payload
            const std::uint8_t cmdByte = in.u8();
            const std::uint32_t sid = pickStream(in.u8());
            const auto payload = in.bytes(in.u16() % 2048);
            std::vector<std::uint8_t> frame(SmuxHeaderSize);
            // Mostly the session's own version; bit 7 flips it to test the mismatch path.
            const std::uint8_t version =
                static_cast<std::uint8_t>((cmdByte & 0x80) ? 3 - config.version : config.version);
            writeSmuxHeader(frame.data(), version, static_cast<SmuxCommand>(cmdByte % 6),
                            static_cast<std::uint16_t>(payload.size()), sid);
            frame.insert(frame.end(), payload.begin(), payload.end());
            const bool wasClosed = session.isClosed();
            const bool accepted = session.feed(frame);
            if (wasClosed)
                FUZZ_CHECK(!accepted);
            break;
        }
        case 2: // accept
            if (const auto id = session.acceptStream())
                known.push_back(*id);
            break;
        case 3:
        { // read
            const std::uint32_t sid = pickStream(in.u8());
            readChecked(session, sid, in.u16() % (MaxChunk * 8) + 1);
            break;
        }
        case 4:
        { // write
            const std::uint32_t sid = pickStream(in.u8());
            static const std::vector<std::uint8_t> filler(MaxChunk * 8, 0x5a);
            const std::size_t n =
                std::min<std::uint64_t>(in.u16() % filler.size() + 1, writeBudget);
            writeBudget -= writeChecked(session, sid, std::span(filler).first(n));
            break;
        }
        case 5: // open
            if (const auto id = session.openStream())
            {
                FUZZ_CHECK(*id % 2 == (role == SmuxRole::Client ? 1u : 0u));
                known.push_back(*id);
            }
            break;
        case 6: // close a stream
            session.closeStream(pickStream(in.u8()));
            break;
        case 7: // the transport takes some output
            drain(session, checker, in.u16());
            break;
        case 8:
        { // time passes
            now += in.u16();
            session.tick(now);
            break;
        }
        case 9:
            if ((in.u8() & 0x1f) == 0) // rare: ends the run's interesting part
                session.close();
            break;
        case 10:
            for (const SmuxEvent& e : session.takeEvents())
                if (e.type == SmuxEvent::Type::SessionClosed)
                    FUZZ_CHECK(session.isClosed());
            break;
        }
        checkStats(session);
        if (session.isClosed())
            FUZZ_CHECK(!session.acceptsInput());
    }
    drain(session, checker, SIZE_MAX);
}

// What one side wrote to and read from each stream.
struct StreamLog
{
    std::uint64_t written = 0;
    std::uint64_t received = 0;
};

struct Side
{
    Side(SmuxRole role, const SmuxConfig& config, Millis now)
        : session(role, config, now), checker(config)
    {
    }
    SmuxSession session;
    OutputChecker checker;
    std::vector<std::uint32_t> streams;
    std::map<std::uint32_t, StreamLog> logs;

    void acceptAll()
    {
        while (const auto id = session.acceptStream())
        {
            streams.push_back(*id);
            logs[*id];
        }
    }
    // Reads up to n bytes from the stream and checks them against what the peer wrote.
    // Returns how many bytes arrived.
    std::size_t readFrom(std::uint32_t sid, std::size_t n)
    {
        StreamLog& log = logs[sid];
        const auto bytes = readChecked(session, sid, n);
        FUZZ_CHECK(matchesPattern(sid, log.received, bytes));
        log.received += bytes.size();
        return bytes.size();
    }
    void writeTo(std::uint32_t sid, std::size_t n, std::uint64_t& budget)
    {
        n = std::min<std::uint64_t>(n, budget);
        StreamLog& log = logs[sid];
        static std::vector<std::uint8_t> data;
        data.resize(n);
        fillPattern(sid, log.written, data);
        const std::size_t took = writeChecked(session, sid, data);
        log.written += took;
        budget -= took;
    }
};

void deliver(Side& from, Side& to, std::size_t n)
{
    const std::vector<std::uint8_t> bytes = drain(from.session, from.checker, n);
    if (!bytes.empty())
        to.session.feed(bytes);
}

void runPair(ByteReader& in, const SmuxConfig& config)
{
    Millis now = 1000;
    Side client(SmuxRole::Client, config, now);
    Side server(SmuxRole::Server, config, now);
    Side* sides[2] = {&client, &server};
    std::uint64_t writeBudget = MaxWriteBytes;
    const auto pick = [](Side& s, std::uint8_t index) -> std::optional<std::uint32_t>
    {
        if (s.streams.empty())
            return std::nullopt;
        return s.streams[index % s.streams.size()];
    };

    for (std::size_t op = 0; op < MaxOps && !in.empty(); ++op)
    {
        const std::uint8_t code = in.u8();
        Side& self = *sides[code >> 7];
        Side& peer = *sides[1 - (code >> 7)];
        switch ((code & 0x7f) % 7)
        {
        case 0:
            if (const auto id = self.session.openStream())
            {
                self.streams.push_back(*id);
                self.logs[*id];
            }
            break;
        case 1:
            if (const auto sid = pick(self, in.u8()))
                self.writeTo(*sid, in.u16() % (MaxChunk * 8) + 1, writeBudget);
            break;
        case 2:
            deliver(self, peer, in.u16());
            break;
        case 3:
            self.acceptAll();
            if (const auto sid = pick(self, in.u8()))
                self.readFrom(*sid, in.u16() % (MaxChunk * 8) + 1);
            break;
        case 4: // time passes for both, but not past the keepalive timeout without traffic
            now += in.u8() * 16u;
            client.session.tick(now);
            server.session.tick(now);
            break;
        case 5:
            self.session.takeEvents();
            break;
        case 6: // half-close: the peer reads the rest, then EOF
            if (const auto sid = pick(self, in.u8()); sid && (in.u8() & 7) == 0)
            {
                self.session.closeStream(*sid);
                std::erase(self.streams, *sid);
            }
            break;
        }
        checkStats(client.session);
        checkStats(server.session);
    }

    // Drain: move and read everything until nothing moves. Writes were bounded by the peer's
    // window, so all of them must arrive unless a session died or a stream was closed.
    for (int round = 0; round < 10000; ++round)
    {
        const bool moved = !client.session.output().empty() || !server.session.output().empty();
        deliver(client, server, SIZE_MAX);
        deliver(server, client, SIZE_MAX);
        bool read = false;
        for (Side* s : sides)
        {
            s->acceptAll();
            for (std::uint32_t sid : s->streams)
                read |= s->readFrom(sid, std::max<std::size_t>(1, s->session.readable(sid))) > 0;
        }
        if (!moved && !read)
            break;
    }
    if (client.session.isClosed() || server.session.isClosed())
        return;
    for (Side* s : sides)
    {
        Side* other = s == &client ? &server : &client;
        for (std::uint32_t sid : s->streams)
        {
            // Between two correct sessions nothing resets a stream; a FIN from the writer comes
            // after its data, so even a stream the writer closed delivers everything.
            FUZZ_CHECK(s->session.streamState(sid) != SmuxStreamState::Reset);
            FUZZ_CHECK(s->logs[sid].received == other->logs[sid].written);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ByteReader in(data, size);
    bool serverRole = false;
    bool pairMode = false;
    const SmuxConfig config = readConfig(in, serverRole, pairMode);
    if (pairMode)
        runPair(in, config);
    else
        runSingle(in, config, serverRole ? SmuxRole::Server : SmuxRole::Client);
    return 0;
}
