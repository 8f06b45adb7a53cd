#pragma once

#include "kcp/buffer_pool.h"
#include "kcp/fec.h"
#include "kcp/kcp.h"
#include "kcp/key_derivation.h"
#include "kcp/packet_crypto.h"
#include "kcp/random_source.h"
#include "kcp/session_stats.h"
#include "kcp/time.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kcp
{

// Per-session settings, with kcptun-client's defaults (wire-compat.md 5.3).
struct SessionConfig
{
    std::string crypt = "aes";     // a packetCryptNames() entry
    SessionKey key{};              // deriveKcptunKey(--key)
    int dataShards = 10;           // 0 with parityShards 0: no FEC header at all
    int parityShards = 3;
    int mtu = 1350;                // whole UDP payload, headers included; 50..1500
    int sndWnd = 128;              // segments
    int rcvWnd = 512;              // segments
    NoDelayParams noDelay{0, 30, 2, 1};  // kcptun --mode fast
    bool ackNoDelay = false;
    bool streamMode = true;        // kcptun always runs KCP in stream mode
    bool writeDelay = false;       // kcptun: off, every write flushes
    // Thin-flow redundancy (kcp.h Kcp::setThinRedundancy): while the application keeps only a
    // few segments in flight, datagrams carrying PUSH segments are sent k times, k from the
    // measured loss. Kcp::ThinRedundancyAuto (-1), 0 or 1 = off, 2..8 = always that many.
    // Not in kcptun; the peer only sees repeated segments, so any kcp-go peer copes.
    int thinRedundancy = Kcp::ThinRedundancyAuto;
    // Selective window (kcp.h Kcp::setSelectiveWindow): sndWnd bounds the segments in flight, so
    // a lost segment does not stall the sender for a round trip. Not in kcptun; the peer only
    // sees segments inside the window it advertised. false = kcp-go's window exactly.
    bool selectiveWindow = true;

    // Empty when usable, else a sentence naming the bad field.
    std::string validate() const;
};

// One KCP session's whole packet pipeline, sans I/O (DESIGN.md "The packet pipeline"):
//
//   send: write() -> KCP segments -> FEC data shard (+ parity every ds) -> nonce+crc32, encrypt
//         -> transmit queue, drained by nextTransmit()/popTransmit() or pollTransmit()
//         (the datagrams one call produces are sealed together before it returns, which lets
//         the cipher overlap them; the bytes are those of sealing one by one)
//   recv: onDatagram() -> decrypt + crc -> FEC (maybe recover) -> KCP input -> read()
//
// Time is the caller's ms clock (see time.h). The driver's loop: feed every received datagram to
// onDatagram(), write()/read() as the application wants, then drain the transmit queue with
// pollTransmit(now) and sleep until nextDeadline(). Not thread-safe; owned by one thread.
class SessionCore
{
public:
    // Throws std::invalid_argument (UnknownCryptError for the crypt name) for a bad config.
    SessionCore(std::uint32_t conv, const SessionConfig& config, RandomSource& random);
    ~SessionCore();
    SessionCore(const SessionCore&) = delete;
    SessionCore& operator=(const SessionCore&) = delete;

    // One received UDP payload; decrypted in place. Bad datagrams are counted and dropped.
    void onDatagram(Millis now, std::span<std::uint8_t> datagram);

    // Queues application bytes. Accepts as many as the send window has room for (kcp-go accepts
    // while WaitSnd < min(snd_wnd, rmt_wnd); with the selective window, segments acked out of
    // order do not count against snd_wnd) and returns that count, 0 when full.
    std::size_t write(Millis now, std::span<const std::uint8_t> data);
    // Bytes write() would accept now (0: wait until an ACK frees the window).
    std::size_t writable() const;
    // Copies received stream bytes into out; returns the count, 0 when nothing is ready.
    std::size_t read(std::span<std::uint8_t> out);
    // Whether read() would return data.
    bool readable() const;
    // At least what read() would return now (each queued segment counted as a full MSS): a
    // size for a destination buffer that read() then fills without an intermediate copy.
    std::size_t readableBound() const;

    // Runs the KCP update when due, then returns the next datagram to send (a view valid until
    // popTransmit() or any other call), or an empty span when the queue is empty.
    std::span<const std::uint8_t> nextTransmit(Millis now);
    void popTransmit();
    // nextTransmit + copy + popTransmit; out must hold mtu bytes. Returns 0 when none is due.
    std::size_t pollTransmit(Millis now, std::span<std::uint8_t> out);
    // Datagrams queued for the socket.
    std::size_t pendingTransmits() const;

    // Sends the ACKs owed now instead of at the next interval flush; true if any were owed.
    // For drivers that read datagrams in batches: called once per session after a batch, it
    // clocks the peer's window per batch rather than per interval (kcp-go acks at the interval
    // unless ackNoDelay, which flushes after every datagram). Same wire format, ACK timing only.
    bool flushAcks(Millis now);
    // ACKs owed (received PUSH segments not acknowledged yet).
    std::size_t pendingAcks() const { return m_kcp.pendingAcks(); }

    // When the core next needs a nextTransmit()/pollTransmit() call to run its timers.
    Millis nextDeadline() const;

    std::uint32_t conv() const;
    int mss() const;
    const SessionConfig& config() const { return m_config; }
    // Receive time of the last datagram that passed the crypto check (for idle expiry).
    std::optional<Millis> lastReceive() const { return m_lastReceive; }
    SessionStats stats() const;

private:
    struct Datagram
    {
        std::uint8_t* slab;
        std::size_t length; // the body length until sealQueued() seals it, then the datagram's
    };

    void onKcpOutput(std::uint8_t* buffer, std::size_t length);
    void enqueue(std::uint8_t* slab, std::size_t bodyLength);
    void sealQueued();
    void feedKcp(std::span<const std::uint8_t> segments, bool regular, Millis now);
    void runUpdate(Millis now);
    void updateThinLossHint();

    SessionConfig m_config;
    RandomSource& m_random;
    std::unique_ptr<PacketCrypto> m_crypto;
    std::size_t m_cryptoHeader = 0;
    std::size_t m_kcpOffset = 0;  // where KCP bytes start in an outgoing slab
    std::unique_ptr<FecEncoder> m_fecEncoder;
    std::unique_ptr<FecDecoder> m_fecDecoder;
    Kcp m_kcp;
    BufferPool m_pool{2048};  // datagrams: mtu <= 1500 plus slack for an oversized flush
    std::vector<Datagram> m_transmit;  // FIFO: [m_transmitHead, size)
    std::size_t m_transmitHead = 0;
    std::size_t m_sealedEnd = 0;       // m_transmit[m_sealedEnd, size) await sealQueued()
    std::vector<std::uint8_t*> m_paritySlabs;  // per group: where parity datagrams start
    std::vector<std::uint8_t*> m_parityOut;    // ... and where their FEC packets start
    std::vector<std::uint8_t> m_readBuffer;  // a KCP message larger than the caller's buffer
    std::size_t m_readOffset = 0;
    std::size_t m_readLength = 0;
    Millis m_nextUpdate = 0;
    bool m_updateArmed = false;
    std::optional<Millis> m_lastReceive;
    SnmpCounters m_counters;
    // Incoming path loss from the FEC decoder, smoothed over windows of datagrams, for the
    // thin-flow redundancy (Kcp::setThinLossHint).
    std::uint64_t m_hintSeen = 0;
    std::uint64_t m_hintLost = 0;
    // Until measured, assume a lossy path. The decoder judges a datagram lost only once it is
    // 256 seqids behind (reordering), so the first evidence comes after ~300 datagrams: a fresh
    // session starting at one copy would meet every loss of that time unprotected (a
    // request/response session's first seconds, the latency the benchmark measures). Starting
    // at 10 % costs a few copies of thin flights on a clean path until it is measured clean.
    double m_pathLoss = 0.10;
};

} // namespace kcp
