#include "kcp/smux_session.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace kcp
{

namespace
{

// smux's initialPeerWindow: what a v2 writer may send before the peer's first UPD.
constexpr std::uint32_t InitialPeerWindow = 262144;
// smux's defaultAcceptBacklog: with this many streams unaccepted its receive loop blocks; we stop
// asking for input instead.
constexpr std::size_t AcceptBacklog = 1024;
// The largest frame feed() ever stitches together: a header and a UPD payload.
constexpr std::size_t MaxStitchedFrame = SmuxHeaderSize + SmuxUpdatePayloadSize;
// Compact a buffer's consumed front once it is this large and more than half the buffer.
constexpr std::size_t CompactThreshold = 64 * 1024;

void putU32le(std::uint8_t* out, std::uint32_t v)
{
    out[0] = std::uint8_t(v);
    out[1] = std::uint8_t(v >> 8);
    out[2] = std::uint8_t(v >> 16);
    out[3] = std::uint8_t(v >> 24);
}

std::uint32_t getU32le(const std::uint8_t* in)
{
    return std::uint32_t(in[0]) | std::uint32_t(in[1]) << 8 | std::uint32_t(in[2]) << 16 |
           std::uint32_t(in[3]) << 24;
}

// Drops the consumed front of a [head, size) buffer when that is worth a move.
void compact(std::vector<std::uint8_t>& buffer, std::size_t& head)
{
    if (head == buffer.size())
    {
        buffer.clear();
        head = 0;
    }
    else if (head >= CompactThreshold && head * 2 >= buffer.size())
    {
        buffer.erase(buffer.begin(), buffer.begin() + std::ptrdiff_t(head));
        head = 0;
    }
}

} // namespace

std::string SmuxConfig::validate() const
{
    // smux 1.5.16 VerifyConfig, same order and wording.
    if (version != 1 && version != 2)
        return "unsupported protocol version " + std::to_string(version) + " (smux speaks 1, 2)";
    if (!keepAliveDisabled)
    {
        if (keepAliveInterval == 0)
            return "keep-alive interval must be positive";
        if (keepAliveTimeout < keepAliveInterval)
            return "keep-alive timeout (" + std::to_string(keepAliveTimeout / 1000) +
                   " s) must be larger than keep-alive interval (" +
                   std::to_string(keepAliveInterval / 1000) + " s)";
    }
    if (maxFrameSize <= 0)
        return "max frame size must be positive";
    if (maxFrameSize > 65535)
        return "max frame size must not be larger than 65535";
    if (maxReceiveBuffer <= 0)
        return "max receive buffer must be positive";
    if (maxStreamBuffer <= 0)
        return "max stream buffer must be positive";
    if (maxStreamBuffer > maxReceiveBuffer)
        return "max stream buffer (" + std::to_string(maxStreamBuffer) +
               ") must not be larger than max receive buffer (" +
               std::to_string(maxReceiveBuffer) + ")";
    // maxStreamBuffer > 2^31-1 cannot happen with an int; kept by the type.
    if (maxOutputBuffer == 0)
        return "max output buffer must be positive";
    return {};
}

std::string_view smuxErrorString(SmuxError error)
{
    switch (error)
    {
    case SmuxError::None:
        return {};
    case SmuxError::InvalidProtocol:
        return "smux: invalid protocol";
    case SmuxError::KeepAliveTimeout:
        return "smux: keepalive timeout";
    case SmuxError::Closed:
        return "smux: session closed";
    }
    return "smux: unknown error";
}

SmuxSession::SmuxSession(SmuxRole role, const SmuxConfig& config, Millis now)
    : m_role(role)
    , m_config(config)
    , m_version(std::uint8_t(config.version))
    // smux adds 2 before use: client 3, 5, 7 ..., server 2, 4, 6 ...
    , m_nextStreamId(role == SmuxRole::Client ? 1 : 0)
    , m_budget(config.maxReceiveBuffer)
    , m_nextPing(now + config.keepAliveInterval)
    , m_nextTimeoutCheck(now + config.keepAliveTimeout)
{
    if (const std::string problem = config.validate(); !problem.empty())
        throw std::invalid_argument("smux config: " + problem);
}

// --- transport side ---

bool SmuxSession::feed(std::span<const std::uint8_t> bytes)
{
    if (isClosed())
        return false;

    // PSH payloads go straight from bytes into their stream, even while the frame is still
    // incomplete; only headers and UPD payloads (at most 16 bytes) are ever stitched together.
    // Buffering whole frames would copy every byte once more: frames (32 KB) rarely line up
    // with the transport's reads.
    std::size_t pos = 0;
    while (!isClosed() && pos < bytes.size())
    {
        if (m_payloadLeft > 0)
        {
            const std::size_t n = std::min(m_payloadLeft, bytes.size() - pos);
            receivePayload(m_payloadStream, bytes.subspan(pos, n));
            m_payloadLeft -= n;
            pos += n;
            continue;
        }
        if (m_input.empty())
            pos += takeFrame(bytes.subspan(pos), 0);
        else
        {
            const std::size_t stitched = m_input.size();
            const std::size_t add = std::min(MaxStitchedFrame - stitched, bytes.size() - pos);
            m_input.insert(m_input.end(), bytes.begin() + std::ptrdiff_t(pos),
                           bytes.begin() + std::ptrdiff_t(pos + add));
            const std::vector<std::uint8_t> frame = std::exchange(m_input, {});
            // What takeFrame() used beyond the bytes stitched before is what it used of bytes.
            pos += takeFrame(frame, stitched);
        }
    }
    return !isClosed();
}

std::size_t SmuxSession::takeFrame(std::span<const std::uint8_t> bytes, std::size_t stitched)
{
    const SmuxParseResult r = parseSmuxFrame(bytes, m_version);
    if (r.status == SmuxParseStatus::Frame)
    {
        handleFrame(r.frame);
        return r.consumed - stitched;
    }
    if (r.status == SmuxParseStatus::NeedMore)
    {
        if (bytes.size() >= SmuxHeaderSize && bytes[1] == std::uint8_t(SmuxCommand::Psh))
        {
            // A valid PSH header (parseSmuxFrame checked it) with part of its payload.
            const std::size_t length = std::size_t(bytes[2]) | std::size_t(bytes[3]) << 8;
            const std::uint32_t id = getU32le(bytes.data() + 4);
            const std::span<const std::uint8_t> part = bytes.subspan(SmuxHeaderSize);
            handleFrame({m_version, SmuxCommand::Psh, id, part});
            m_payloadStream = id;
            m_payloadLeft = length - part.size();
        }
        else
            m_input.assign(bytes.begin(), bytes.end());
        return bytes.size() - stitched;
    }
    std::string detail;
    if (r.status == SmuxParseStatus::BadVersion)
        detail = "frame version " + std::to_string(bytes[0]) + ", this session speaks " +
                 std::to_string(m_version) + ": peers must use the same --smuxver";
    else
        detail = "bad frame (cmd " + std::to_string(bytes[1]) + ", length " +
                 std::to_string(bytes[2] | bytes[3] << 8) + ")";
    fail(SmuxError::InvalidProtocol, "smux: invalid protocol: " + detail);
    return bytes.size() - stitched;
}

bool SmuxSession::acceptsInput() const
{
    return !isClosed() && m_budget > 0 && m_acceptQueue.size() < AcceptBacklog;
}

std::span<const std::uint8_t> SmuxSession::output() const
{
    return std::span(m_output).subspan(m_outputHead);
}

void SmuxSession::consumeOutput(std::size_t n)
{
    m_outputHead += std::min(n, outputSize());
    compact(m_output, m_outputHead);
    notifyWritable();
}

void SmuxSession::tick(Millis now)
{
    if (isClosed() || m_config.keepAliveDisabled)
        return;
    if (timeDiff(now, m_nextPing) >= 0)
    {
        queueFrame(SmuxCommand::Nop, 0);
        // A ticker: keep the cadence, but do not burst NOPs after a long sleep.
        m_nextPing += m_config.keepAliveInterval;
        if (timeDiff(now, m_nextPing) >= 0)
            m_nextPing = now + m_config.keepAliveInterval;
    }
    if (timeDiff(now, m_nextTimeoutCheck) >= 0)
    {
        // While our budget is spent we are the ones not reading, so silence is not the peer's.
        if (!m_dataReady && m_budget > 0)
        {
            fail(SmuxError::KeepAliveTimeout,
                 "smux: keepalive timeout: nothing received for " +
                     std::to_string(m_config.keepAliveTimeout / 1000) + " s");
            return;
        }
        m_dataReady = false;
        m_nextTimeoutCheck += m_config.keepAliveTimeout;
        if (timeDiff(now, m_nextTimeoutCheck) >= 0)
            m_nextTimeoutCheck = now + m_config.keepAliveTimeout;
    }
}

Millis SmuxSession::nextDeadline() const
{
    return timeDiff(m_nextPing, m_nextTimeoutCheck) < 0 ? m_nextPing : m_nextTimeoutCheck;
}

// --- application side ---

std::optional<std::uint32_t> SmuxSession::openStream()
{
    if (isClosed() || m_goAway)
        return std::nullopt;
    m_nextStreamId += 2;
    const std::uint32_t id = m_nextStreamId;
    if (id == id % 2)  // wrapped: smux's go-away, a new session is needed
    {
        m_goAway = true;
        return std::nullopt;
    }
    Stream& stream = m_streams[id];
    stream.peerWindow = InitialPeerWindow;
    queueFrame(SmuxCommand::Syn, id);
    ++m_stats.streamsOpened;
    return id;
}

std::optional<std::uint32_t> SmuxSession::acceptStream()
{
    while (!m_acceptQueue.empty())
    {
        const std::uint32_t id = m_acceptQueue.front();
        m_acceptQueue.pop_front();
        if (m_streams.contains(id))
            return id;
    }
    return std::nullopt;
}

std::size_t SmuxSession::read(std::uint32_t streamId, std::span<std::uint8_t> out)
{
    const std::span<const std::uint8_t> data = peek(streamId);
    const std::size_t n = std::min(out.size(), data.size());
    if (n > 0)
        std::memcpy(out.data(), data.data(), n);
    consume(streamId, n);
    return n;
}

std::span<const std::uint8_t> SmuxSession::peek(std::uint32_t streamId) const
{
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end())
        return {};
    const Stream& s = it->second;
    return std::span(s.buffer).subspan(s.head);
}

void SmuxSession::consume(std::uint32_t streamId, std::size_t n)
{
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end())
        return;
    Stream& s = it->second;
    s.readArmed = true;
    n = std::min(n, s.unread());
    if (n == 0)
        return;
    s.head += n;
    compact(s.buffer, s.head);
    if (s.buffer.empty() && s.buffer.capacity() > std::size_t(m_config.maxStreamBuffer))
        s.buffer.shrink_to_fit();  // a burst once filled it; do not pin that memory per stream
    returnBudget(n);

    if (m_version >= 2 && !isClosed() && !s.reset)
    {
        // smux tryReadv2: announce on the first read, then every maxStreamBuffer/2 bytes.
        s.numRead += std::uint32_t(n);
        s.incr += std::uint32_t(n);
        if (s.incr >= std::uint32_t(m_config.maxStreamBuffer / 2) || s.numRead == std::uint32_t(n))
        {
            std::uint8_t payload[SmuxUpdatePayloadSize];
            putU32le(payload, s.numRead);
            putU32le(payload + 4, std::uint32_t(m_config.maxStreamBuffer));
            queueFrame(SmuxCommand::Update, streamId, payload);
            s.incr = 0;
        }
    }
}

std::size_t SmuxSession::readable(std::uint32_t streamId) const
{
    const auto it = m_streams.find(streamId);
    return it == m_streams.end() ? 0 : it->second.unread();
}

std::size_t SmuxSession::write(std::uint32_t streamId, std::span<const std::uint8_t> data)
{
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end() || data.empty())
        return 0;
    Stream& s = it->second;
    const std::size_t n = std::min(data.size(), writableFor(s));
    if (n < data.size())
        s.wantWrite = true;

    const std::size_t frameSize = std::size_t(m_config.maxFrameSize);
    for (std::size_t at = 0; at < n; at += frameSize)
    {
        const std::size_t size = std::min(frameSize, n - at);
        queueFrame(SmuxCommand::Psh, streamId, data.subspan(at, size));
        s.numWritten += std::uint32_t(size);
        m_stats.bytesOut += size;
    }
    return n;
}

std::size_t SmuxSession::writable(std::uint32_t streamId) const
{
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end())
        return 0;
    const std::size_t n = writableFor(it->second);
    if (n == 0)
        it->second.wantWrite = true;
    return n;
}

std::size_t SmuxSession::writableFor(const Stream& s) const
{
    if (isClosed() || s.reset)
        return 0;
    const std::size_t queued = outputSize();
    std::size_t room = queued < m_config.maxOutputBuffer ? m_config.maxOutputBuffer - queued : 0;
    if (m_version >= 2)
    {
        // smux writeV2: [consumed ... written] in flight, peerWindow beyond consumed.
        const std::int32_t inflight = std::int32_t(s.numWritten - s.peerConsumed);
        if (inflight < 0)
            return 0;
        const std::int64_t window = std::int64_t(std::int32_t(s.peerWindow)) - inflight;
        room = window > 0 ? std::min<std::size_t>(room, std::size_t(window)) : 0;
    }
    return room;
}

void SmuxSession::closeStream(std::uint32_t streamId)
{
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end())
        return;
    if (!isClosed())
        queueFrame(SmuxCommand::Fin, streamId);
    returnBudget(it->second.unread());
    m_streams.erase(it);
    // A never-accepted stream leaves the accept queue lazily (acceptStream skips it).
}

SmuxStreamState SmuxSession::streamState(std::uint32_t streamId) const
{
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end())
        return SmuxStreamState::Unknown;
    if (it->second.reset)
        return SmuxStreamState::Reset;
    return it->second.finReceived ? SmuxStreamState::FinReceived : SmuxStreamState::Open;
}

std::int64_t SmuxSession::peerWindow(std::uint32_t streamId) const
{
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end())
        return 0;
    const Stream& s = it->second;
    return std::int64_t(std::int32_t(s.peerWindow)) - std::int32_t(s.numWritten - s.peerConsumed);
}

void SmuxSession::close()
{
    if (!isClosed())
        fail(SmuxError::Closed, "smux: session closed locally");
}

std::vector<SmuxEvent> SmuxSession::takeEvents()
{
    std::vector<SmuxEvent> events;
    events.swap(m_events);
    return events;
}

SmuxStats SmuxSession::stats() const
{
    SmuxStats s = m_stats;
    s.streams = isClosed() ? 0 : m_streams.size();
    s.receiveBudget = m_budget;
    return s;
}

// --- internals ---

void SmuxSession::handleFrame(const SmuxFrame& frame)
{
    m_dataReady = true;
    ++m_stats.framesIn;
    const std::uint32_t id = frame.streamId;
    const auto it = m_streams.find(id);
    switch (frame.command)
    {
    case SmuxCommand::Nop:
        ++m_stats.nopsIn;
        break;

    case SmuxCommand::Syn:
        if (it == m_streams.end())  // a duplicate SYN is ignored
        {
            m_streams[id].peerWindow = InitialPeerWindow;
            m_acceptQueue.push_back(id);
            ++m_stats.streamsAccepted;
            m_events.push_back({SmuxEvent::Type::IncomingStream, id});
        }
        break;

    case SmuxCommand::Fin:
        if (it != m_streams.end() && !it->second.finReceived)
        {
            it->second.finReceived = true;
            m_events.push_back({SmuxEvent::Type::Finished, id});
        }
        break;

    case SmuxCommand::Psh:
        receivePayload(id, frame.payload);
        break;

    case SmuxCommand::Update:
        ++m_stats.updatesIn;
        if (it != m_streams.end() && !it->second.reset)
        {
            Stream& s = it->second;
            s.peerConsumed = getU32le(frame.payload.data());
            s.peerWindow = getU32le(frame.payload.data() + 4);
            // smux ErrConsumed: the peer claims to have read more than we ever sent.
            if (std::int32_t(s.numWritten - s.peerConsumed) < 0)
            {
                resetStream(id, s);
                break;
            }
            if (s.wantWrite && writableFor(s) > 0)
            {
                s.wantWrite = false;
                m_events.push_back({SmuxEvent::Type::Writable, id});
            }
        }
        break;
    }
}

void SmuxSession::receivePayload(std::uint32_t streamId, std::span<const std::uint8_t> payload)
{
    if (payload.empty())
        return;
    m_dataReady = true;
    // Looked up per piece: the stream may have been closed or reset between two pieces.
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end() || it->second.reset)
    {
        m_stats.droppedBytes += payload.size();
        return;
    }
    Stream& s = it->second;
    s.buffer.insert(s.buffer.end(), payload.begin(), payload.end());
    m_budget -= std::int64_t(payload.size());
    m_stats.bytesIn += payload.size();
    if (s.readArmed)
    {
        s.readArmed = false;
        m_events.push_back({SmuxEvent::Type::Readable, streamId});
    }
}

void SmuxSession::queueFrame(SmuxCommand command, std::uint32_t streamId,
                             std::span<const std::uint8_t> payload)
{
    if (isClosed())
        return;
    const std::size_t at = m_output.size();
    m_output.resize(at + SmuxHeaderSize + payload.size());
    writeSmuxHeader(m_output.data() + at, m_version, command, std::uint16_t(payload.size()),
                    streamId);
    if (!payload.empty())
        std::memcpy(m_output.data() + at + SmuxHeaderSize, payload.data(), payload.size());
    ++m_stats.framesOut;
}

void SmuxSession::fail(SmuxError error, std::string message)
{
    m_error = error;
    m_errorString = std::move(message);
    for (auto& [id, stream] : m_streams)
        if (!stream.reset)
            resetStream(id, stream);
    m_output.clear();
    m_outputHead = 0;
    m_input.clear();
    m_input.shrink_to_fit();
    m_payloadLeft = 0;
    m_events.push_back({SmuxEvent::Type::SessionClosed, 0});
}

void SmuxSession::resetStream(std::uint32_t streamId, Stream& stream)
{
    stream.reset = true;
    ++m_stats.streamResets;
    m_events.push_back({SmuxEvent::Type::StreamReset, streamId});
}

void SmuxSession::notifyWritable()
{
    if (outputSize() >= m_config.maxOutputBuffer)
        return;
    // Streams are told in turn, and the first one told usually fills the output again: start
    // after the stream that went first last time, or the lowest id would starve the others.
    const auto notify = [this](std::uint32_t id, Stream& stream) {
        if (stream.wantWrite && writableFor(stream) > 0)
        {
            stream.wantWrite = false;
            m_events.push_back({SmuxEvent::Type::Writable, id});
        }
    };
    const std::size_t before = m_events.size();
    const auto start = m_streams.upper_bound(m_firstWritable);
    for (auto it = start; it != m_streams.end(); ++it)
        notify(it->first, it->second);
    for (auto it = m_streams.begin(); it != start; ++it)
        notify(it->first, it->second);
    if (m_events.size() > before)
        m_firstWritable = m_events[before].streamId;
}

void SmuxSession::returnBudget(std::size_t n)
{
    m_budget += std::int64_t(n);
}

} // namespace kcp
