#pragma once

#include "kcp/smux_frame.h"
#include "kcp/time.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kcp
{

// xtaci/smux session settings (smux 1.5.16 Config). Defaults are smux's DefaultConfig(); kcptun
// overrides version (--smuxver), keepAliveInterval (--keepalive), maxReceiveBuffer (--smuxbuf)
// and maxStreamBuffer (--streambuf, 2097152). None of these is negotiated: both peers must use
// the same version, and each side's buffers only shape its own receiving.
struct SmuxConfig
{
    int version = 1;                  // 1 or 2; the version byte of every frame
    bool keepAliveDisabled = false;
    Millis keepAliveInterval = 10000; // ms between NOPs we send
    Millis keepAliveTimeout = 30000;  // ms: close if nothing arrived during one such period
    int maxFrameSize = 32768;         // payload bytes per PSH frame we send (writes are split)
    int maxReceiveBuffer = 4194304;   // session-wide bytes received but not yet read
    int maxStreamBuffer = 65536;      // v2: per-stream window we advertise in UPD

    // Local knob, not on the wire: bytes of frames queued for the transport before stream
    // writes are refused (backpressure towards the writer). Control frames ignore it.
    std::size_t maxOutputBuffer = 256 * 1024;

    // Empty when usable, else smux's VerifyConfig message (wire-compat.md 4.5): version 1 or 2;
    // keepalive interval > 0 and <= timeout (unless disabled); 0 < maxFrameSize <= 65535;
    // maxReceiveBuffer > 0; 0 < maxStreamBuffer <= maxReceiveBuffer (and <= 2^31-1).
    std::string validate() const;
};

enum class SmuxRole
{
    Client,  // opens streams 3, 5, 7, ... (kcptun's client side)
    Server,  // opens streams 2, 4, 6, ...
};

enum class SmuxError
{
    None,
    InvalidProtocol,   // version byte or frame the local config does not speak: peers differ
    KeepAliveTimeout,  // nothing arrived for a whole keepAliveTimeout period
    Closed,            // close() was called
};

std::string_view smuxErrorString(SmuxError error);

enum class SmuxStreamState
{
    Open,      // readable and writable
    FinReceived,  // peer closed its side: read the rest, then EOF; writes still allowed
    Reset,     // the session died (or the peer's UPD was invalid): abort the byte stream
    Unknown,   // no such stream (never existed, or closed locally)
};

// What happened during the last feed()/tick()/read()/consumeOutput() calls, drained by
// takeEvents(). Per stream, Readable and Writable are edge-triggered: each is reported once,
// then again only after read() (resp. a write() that was cut short) re-arms it.
struct SmuxEvent
{
    enum class Type
    {
        IncomingStream,  // peer opened a stream: acceptStream() returns it
        Readable,        // new data (or EOF after FinReceived) for streamId
        Finished,        // FIN arrived for streamId; read() drains, then returns EOF
        Writable,        // write() on streamId would take bytes again
        StreamReset,     // streamId is dead (session error or peer flow-control violation)
        SessionClosed,   // the session is over; error() says why
    };
    Type type;
    std::uint32_t streamId = 0;
};

// Counters of one smux session, for stats snapshots.
struct SmuxStats
{
    std::uint64_t framesIn = 0;
    std::uint64_t framesOut = 0;
    std::uint64_t bytesIn = 0;       // PSH payload bytes received (for live streams)
    std::uint64_t bytesOut = 0;      // PSH payload bytes queued
    std::uint64_t droppedBytes = 0;  // PSH payload for unknown / closed streams (discarded)
    std::uint64_t nopsIn = 0;
    std::uint64_t updatesIn = 0;
    std::uint64_t streamsOpened = 0;    // by us
    std::uint64_t streamsAccepted = 0;  // by the peer
    std::uint64_t streamResets = 0;
    std::size_t streams = 0;         // alive right now (NumStreams)
    std::int64_t receiveBudget = 0;  // MaxReceiveBuffer minus unread bytes (may dip below 0)
};

// One xtaci/smux session (v1 or v2, wire-compat.md 4), sans I/O: the caller moves bytes.
//
//   transport -> feed(bytes)            parses frames, fills stream buffers, answers nothing
//   transport <- output()/consumeOutput() frames to send (SYN, PSH, FIN, NOP, UPD)
//   app       <- acceptStream(), read(), write(), closeStream(), openStream()
//   timers    -> tick(now) at nextDeadline(): keepalive NOP and timeout check
//
// Backpressure, both ways, as return values:
//   * write() returns how many bytes it framed; fewer than offered when the v2 peer window
//     (window - (written - consumed), 262144 before the first UPD) or maxOutputBuffer is
//     exhausted. A Writable event says when to try again.
//   * acceptsInput() is false while the session-wide receive budget (maxReceiveBuffer) is spent
//     by unread data: stop reading the transport then (so KCP's window closes on the peer),
//     resume after read()/closeStream(). feed() always takes what it is given.
//
// Matches smux 1.5.16 behaviour: client stream ids 3, 5, 7, ...; a duplicate SYN is ignored;
// PSH/FIN/UPD for unknown streams are discarded; closeStream() sends FIN and forgets the stream
// (unread data is dropped and its budget returned); v2 sends UPD(consumed, maxStreamBuffer) on
// the first read and whenever maxStreamBuffer/2 more bytes were read. A frame whose version or
// shape the config does not allow kills the session with InvalidProtocol (smux: "invalid
// protocol"), resetting every stream; nothing after the bad frame is delivered.
//
// Not thread-safe; owned by one thread. Time is the caller's ms clock (time.h).
class SmuxSession
{
public:
    // config must validate() (throws std::invalid_argument otherwise).
    SmuxSession(SmuxRole role, const SmuxConfig& config, Millis now);

    // --- transport side ---

    // Bytes received from the transport (KCP, after snappy). Returns false once the session is
    // closed (the bytes are then ignored).
    bool feed(std::span<const std::uint8_t> bytes);
    // Whether the transport should be read now (receive budget left, session alive).
    bool acceptsInput() const;

    // Frames waiting to be sent: a view valid until the next non-const call.
    std::span<const std::uint8_t> output() const;
    // The transport took n bytes from the front of output().
    void consumeOutput(std::size_t n);

    // Runs the keepalive: NOP every keepAliveInterval, and every keepAliveTimeout the check that
    // something arrived since the previous check (skipped while the receive budget is spent, as
    // smux does, since then we are the ones not reading).
    void tick(Millis now);
    // When tick() should next run.
    Millis nextDeadline() const;

    // --- application side ---

    // Opens a stream (queues SYN). nullopt when closed or the stream ids are exhausted.
    std::optional<std::uint32_t> openStream();
    // The oldest stream the peer opened and nobody accepted yet, or nullopt.
    std::optional<std::uint32_t> acceptStream();
    std::size_t pendingAccepts() const { return m_acceptQueue.size(); }

    // Copies up to out.size() bytes of streamId's data. Returns the count; 0 with
    // streamState() FinReceived (and readable() 0) means EOF.
    std::size_t read(std::uint32_t streamId, std::span<std::uint8_t> out);
    std::size_t readable(std::uint32_t streamId) const;
    // read() without the copy: the unread data of streamId, valid until the next non-const
    // call, and then consume() of the bytes the caller took (re-arms Readable, returns budget,
    // sends v2 UPDs as read() does).
    std::span<const std::uint8_t> peek(std::uint32_t streamId) const;
    void consume(std::uint32_t streamId, std::size_t n);

    // Frames up to data.size() bytes as PSH (split at maxFrameSize). Returns bytes taken.
    std::size_t write(std::uint32_t streamId, std::span<const std::uint8_t> data);
    // How many bytes write() would take right now. Like a short write(), a 0 here arms the
    // stream's Writable event, so a caller that waits after seeing 0 is always woken.
    std::size_t writable(std::uint32_t streamId) const;

    // Sends FIN and forgets the stream (smux Stream.Close). Unknown ids are ignored.
    void closeStream(std::uint32_t streamId);
    SmuxStreamState streamState(std::uint32_t streamId) const;
    // v2: bytes the peer lets us send on streamId right now (peerWindow - inflight).
    std::int64_t peerWindow(std::uint32_t streamId) const;

    // Ends the session (smux Session.Close): resets every stream, discards queued output.
    void close();

    bool isClosed() const { return m_error != SmuxError::None; }
    SmuxError error() const { return m_error; }
    // Human-readable reason, e.g. "smux: invalid protocol (frame version 2, session speaks 1)".
    const std::string& errorString() const { return m_errorString; }

    std::vector<SmuxEvent> takeEvents();
    bool hasEvents() const { return !m_events.empty(); }

    SmuxRole role() const { return m_role; }
    const SmuxConfig& config() const { return m_config; }
    SmuxStats stats() const;

private:
    struct Stream
    {
        std::vector<std::uint8_t> buffer;  // received, unread: [head, size)
        std::size_t head = 0;
        bool finReceived = false;
        bool reset = false;
        bool readArmed = true;    // report the next Readable
        // write() was cut short or writable() said 0: report Writable when possible (set from
        // the const writable(), hence mutable)
        mutable bool wantWrite = false;
        // v2 flow control (all u32, wrapping, as on the wire)
        std::uint32_t numRead = 0;      // bytes the app read
        std::uint32_t incr = 0;         // bytes read since the last UPD we sent
        std::uint32_t numWritten = 0;   // payload bytes we framed
        std::uint32_t peerConsumed = 0;
        std::uint32_t peerWindow = 0;

        std::size_t unread() const { return buffer.size() - head; }
    };

    // Parses and handles the frame at the start of bytes, of which the first `stitched` came
    // from m_input; returns how many of the others it used.
    std::size_t takeFrame(std::span<const std::uint8_t> bytes, std::size_t stitched);
    void handleFrame(const SmuxFrame& frame);
    void receivePayload(std::uint32_t streamId, std::span<const std::uint8_t> payload);
    void queueFrame(SmuxCommand command, std::uint32_t streamId,
                    std::span<const std::uint8_t> payload = {});
    void fail(SmuxError error, std::string message);
    void resetStream(std::uint32_t streamId, Stream& stream);
    void notifyWritable();
    void returnBudget(std::size_t n);
    std::size_t writableFor(const Stream& stream) const;
    std::size_t outputSize() const { return m_output.size() - m_outputHead; }

    SmuxRole m_role;
    SmuxConfig m_config;
    std::uint8_t m_version;
    std::uint32_t m_nextStreamId;
    bool m_goAway = false;
    std::map<std::uint32_t, Stream> m_streams;
    std::uint32_t m_firstWritable = 0;  // the stream told first by the last notifyWritable()
    std::deque<std::uint32_t> m_acceptQueue;
    std::vector<SmuxEvent> m_events;

    std::vector<std::uint8_t> m_input;   // a header or UPD split across feed() calls
    std::size_t m_payloadLeft = 0;       // of the PSH frame being received, for m_payloadStream
    std::uint32_t m_payloadStream = 0;
    std::vector<std::uint8_t> m_output;  // [m_outputHead, size) not yet taken
    std::size_t m_outputHead = 0;
    std::int64_t m_budget;               // smux's token bucket

    Millis m_nextPing;
    Millis m_nextTimeoutCheck;
    bool m_dataReady = false;            // a frame arrived since the last timeout check

    SmuxError m_error = SmuxError::None;
    std::string m_errorString;
    SmuxStats m_stats;
};

} // namespace kcp
