#pragma once

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
constexpr std::size_t FecHeaderSize = 8;      // seqid + type + size
constexpr std::size_t FecShardOffset = 6;     // parity covers data bytes from the size field on
constexpr std::uint16_t FecTypeData = 0x00f1;
constexpr std::uint16_t FecTypeParity = 0x00f2;
// Shards older than this are dropped by the decoder (kcp-go fecExpire).
constexpr Millis FecShardExpiry = 60000;

class ReedSolomon;

// Whether a datagram body (after the crypto layer) is FEC-framed: bytes 4..5 read 0xf1 or 0xf2.
// A bare KCP segment has its cmd (81..84) in byte 4, so the two cannot collide.
bool isFecPacket(std::span<const std::uint8_t> body);

// Sender side: one per session. Every KCP output buffer becomes one data shard immediately; after
// every ds-th data shard, ps parity shards are produced.
class FecEncoder
{
public:
    // maxPacketSize: the largest FEC packet (header included) encode() will see.
    FecEncoder(int dataShards, int parityShards, std::size_t maxPacketSize);
    ~FecEncoder();

    // packet points at FecHeaderSize free bytes followed by kcpLength bytes of KCP segments.
    // Writes the header in place and remembers the shard. Returns true when the group is
    // complete and parity must be emitted with emitParity() before the next encode().
    bool encode(std::uint8_t* packet, std::size_t kcpLength);

    // Writes parityShards() parity packets (header + parity) to out[0..ps), each with room for
    // maxPacketSize bytes, and returns their common length (that of the group's longest shard).
    std::size_t emitParity(std::uint8_t* const* out);

    int dataShards() const { return m_dataShards; }
    int parityShards() const { return m_parityShards; }
    std::uint32_t nextSeqid() const { return m_next; }

private:
    int m_dataShards;
    int m_parityShards;
    std::uint32_t m_paws;
    std::uint32_t m_next = 0;
    std::size_t m_maxPacketSize;
    std::unique_ptr<ReedSolomon> m_codec;
    std::vector<std::uint8_t> m_shardStore;   // ds * maxPacketSize, shard bytes from offset 6
    std::vector<std::size_t> m_shardLengths;
    int m_filled = 0;
    std::size_t m_maxShardLength = 0;
};

struct FecDecoderCounters
{
    std::uint64_t parityShards = 0;      // kcp-go FECParityShards: parity datagrams received
    std::uint64_t reconstructed = 0;     // data shards rebuilt by RS (before KCP's verdict)
    std::uint64_t errors = 0;            // kcp-go FECErrs: rebuilt shards with an invalid size
    std::uint64_t shortShards = 0;       // kcp-go FECShortShards: data shards evicted unused
    std::uint64_t malformed = 0;         // shorter than the header, or bad size field
    std::uint64_t duplicates = 0;        // same seqid seen twice
    std::uint64_t geometryMismatch = 0;  // shard type contradicts our ds/ps: peer configured
                                         // differently; such groups are never recovered
    // True path loss from seqid gaps: shards the sender sent (every seqid below the highest one
    // seen was sent) that never arrived within the reorder window.
    std::uint64_t pathReceived = 0;
    std::uint64_t pathLost = 0;
    std::uint64_t pathLostData = 0;
};

// Receiver side: one per session.
class FecDecoder
{
public:
    FecDecoder(int dataShards, int parityShards, std::size_t maxPacketSize);
    ~FecDecoder();

    struct Result
    {
        enum class Kind
        {
            Data,       // kcp holds the data shard's KCP bytes: feed them to KCP as regular input
            Parity,     // nothing to feed unless recovered is non-empty
            Malformed,  // dropped and counted
        };
        Kind kind = Kind::Malformed;
        std::span<const std::uint8_t> kcp;
        // KCP bytes of data shards rebuilt by this input; feed each to KCP as non-regular input.
        // The views stay valid until the next input() call.
        std::span<const std::span<const std::uint8_t>> recovered;
    };

    // packet: one FEC datagram body (isFecPacket() is true), now: receive time.
    Result input(std::span<const std::uint8_t> packet, Millis now);

    const FecDecoderCounters& counters() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kcp
