#pragma once

#include "kcp/reed_solomon.h"
#include "kcp/time.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace kcp
{

// FEC framing (kcp-go 5.6.1 fec.go, wire-compat.md section 2):
//     data:   seqid u32le | 0x00f1 u16le | size u16le (= 2 + KCP bytes) | KCP segments
//     parity: seqid u32le | 0x00f2 u16le | RS parity over the data shards' bytes from offset 6
// Shards of one group have seqids [k*n, k*n + n) with n = ds + ps: data first, parity after.
constexpr std::size_t FecHeaderSize = 8;  // seqid + type + size
constexpr std::size_t FecShardOffset = 6; // parity covers data bytes from the size field on
constexpr std::uint16_t FecTypeData = 0x00f1;
constexpr std::uint16_t FecTypeParity = 0x00f2;
// Shards older than this are dropped by the decoder (kcp-go fecExpire).
constexpr Millis FecShardExpiry = 60000;

// Whether a datagram body (after the crypto layer) is FEC-framed: bytes 4..5 read 0xf1 or 0xf2.
// A bare KCP segment has its cmd (81..84) in byte 4, so the two cannot collide.
bool isFecPacket(std::span<const std::uint8_t> body);

// Sender side: one per session. Every KCP output buffer becomes one data shard immediately; after
// every ds-th data shard, ps parity shards are produced. Parity is accumulated while the shards
// are still in cache (ReedSolomon::encodeUpdate), two shards per pass: every other shard is
// copied aside and folded in with the next, so the group is never stored or padded.
class FecEncoder
{
public:
    // maxPacketSize: the largest FEC packet (header included) encode() will see. Throws
    // std::invalid_argument unless 1 <= ds, 1 <= ps, ds + ps <= 256 and
    // FecHeaderSize <= maxPacketSize <= FecShardOffset + 65535. engine: see GfEngine (the bytes
    // are the same for every engine).
    FecEncoder(int dataShards, int parityShards, std::size_t maxPacketSize,
               GfEngine engine = GfEngine::Best);
    ~FecEncoder();

    // packet points at FecHeaderSize free bytes followed by kcpLength bytes of KCP segments.
    // Writes the header in place and remembers the shard. Returns true when the group is
    // complete and parity must be emitted with emitParity() before the next encode().
    // If it was not, the group's parity is skipped but its seqids stay reserved (upstream
    // kcp-go does the same when it skips parity), so positions stay aligned for the receiver.
    // Throws std::length_error when FecHeaderSize + kcpLength > maxPacketSize.
    bool encode(std::uint8_t* packet, std::size_t kcpLength);

    // Writes parityShards() parity packets (header + parity) to out[0..ps), each with room for
    // maxPacketSize bytes, and returns their common length: FecShardOffset + the group's longest
    // shard (2 + kcpLength), i.e. the length of its longest data packet. Returns 0 and writes
    // nothing unless encode() just returned true.
    std::size_t emitParity(std::uint8_t* const* out);

    int dataShards() const { return m_dataShards; }
    int parityShards() const { return m_parityShards; }
    std::uint32_t nextSeqid() const { return m_next; }
    // Seqids run in [0, paws): paws = floor(0xffffffff / n) * n (wire-compat.md 2.2).
    std::uint32_t paws() const { return m_paws; }
    // Restarts numbering at groupStart (a multiple of ds + ps below paws), dropping any partly
    // filled group. For tests and simulations of the seqid wrap; a session never needs it.
    void setNextSeqid(std::uint32_t groupStart);

private:
    void startGroup();

    int m_dataShards;
    int m_parityShards;
    std::uint32_t m_paws;
    std::uint32_t m_next = 0;
    std::size_t m_maxPacketSize;
    std::unique_ptr<ReedSolomon> m_codec;
    // ps parity accumulators of maxPacketSize - 6 bytes, then the pending shard, each 64-byte
    // aligned. Only [0, m_accumulated) of each accumulator holds this group's parity so far;
    // bytes above are stale.
    std::vector<std::uint8_t> m_parityStore;
    std::vector<std::uint8_t*> m_parityPointers;
    std::uint8_t* m_pending = nullptr; // a data shard waiting to be paired with the next
    std::size_t m_pendingLength = 0;   // 0: none waiting (a shard is at least 2 bytes)
    int m_pendingIndex = 0;
    int m_filled = 0;
    std::size_t m_accumulated = 0;    // longest shard folded into the accumulators
    std::size_t m_maxShardLength = 0; // longest shard of the group so far
};

struct FecDecoderCounters
{
    std::uint64_t parityShards = 0;     // kcp-go FECParityShards: parity datagrams received
    std::uint64_t reconstructed = 0;    // data shards rebuilt by RS (before KCP's verdict)
    std::uint64_t errors = 0;           // kcp-go FECErrs: rebuilt shards with an invalid size
    std::uint64_t shortShards = 0;      // kcp-go FECShortShards: data shards evicted unused
    std::uint64_t malformed = 0;        // shorter than the header, or bad size field
    std::uint64_t duplicates = 0;       // same seqid seen twice
    std::uint64_t geometryMismatch = 0; // shard type contradicts our ds/ps (or seqid >= our
                                        // paws): peer configured differently; such groups are
                                        // never recovered
    std::uint64_t late = 0;             // arrived behind the reorder window: too old to use
    std::uint64_t oversized = 0;        // longer than maxPacketSize: not kept for recovery
    // True path loss from seqid gaps: shards the sender sent (every seqid below the highest one
    // seen was sent) that never arrived within the reorder window.
    std::uint64_t pathReceived = 0;
    std::uint64_t pathLost = 0;
    std::uint64_t pathLostData = 0;
};

// Receiver side: one per session. kcp-go 5.6.1 decoder semantics (wire-compat.md 2.3) with these
// deliberate differences, none visible to a correctly configured peer:
//  * No autotune. A shard whose type contradicts its position for our ds/ps (gotcha 6) means
//    the peer's geometry differs: it is counted in geometryMismatch, every kept shard is dropped
//    and recovery stays off until GeometryQuarantineSlots seqids pass without another
//    contradiction. Per-group checks alone are not enough: with a 10/3 peer and a 3/2 receiver,
//    seqids 20..24 all carry the types 3/2 expects yet belong to other groups.
//  * Duplicates, shards behind the reorder window and late shards of a group that was already
//    completed or recovered are not kept (kcp-go re-opens such groups, which can only be
//    evicted later or, for ds = 1, "recover" a shard KCP already has).
//  * Data shards still come back as Kind::Data in all these cases (also duplicates), exactly as
//    kcp-go hands them to KCP; only recovery bookkeeping differs.
// Memory is fixed at construction: 3 * n + 1 shard buffers, ps recovery buffers and the
// decode-table cache; input() never allocates.
class FecDecoder
{
public:
    // Seqids a contradicting shard keeps recovery off for (about 88 MB of 1350-byte datagrams).
    static constexpr std::uint64_t GeometryQuarantineSlots = 1 << 16;

    // Same argument rules as FecEncoder (throws std::invalid_argument).
    FecDecoder(int dataShards, int parityShards, std::size_t maxPacketSize,
               GfEngine engine = GfEngine::Best);
    ~FecDecoder();

    struct Result
    {
        enum class Kind
        {
            Data,      // kcp holds the data shard's KCP bytes: feed them to KCP as regular input
            Parity,    // nothing to feed unless recovered is non-empty
            Malformed, // dropped and counted
        };
        Kind kind = Kind::Malformed;
        std::span<const std::uint8_t> kcp;
        // KCP bytes of data shards rebuilt by this input; feed each to KCP as non-regular input.
        // The views stay valid until the next input() call.
        std::span<const std::span<const std::uint8_t>> recovered;
    };

    // packet: one FEC datagram body (isFecPacket() is true), now: receive time. Packets shorter
    // than FecHeaderSize, of another type, or data whose size field is < 2 or > length - 6 are
    // Malformed. A data shard's KCP bytes are packet[8 .. 6 + size).
    Result input(std::span<const std::uint8_t> packet, Millis now);

    const FecDecoderCounters& counters() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kcp
