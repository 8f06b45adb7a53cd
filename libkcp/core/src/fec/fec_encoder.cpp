#include "kcp/fec.h"
#include "kcp/reed_solomon.h"

#include "fec_wire.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace kcp
{

using namespace fec_detail;

namespace
{

// The size field is a u16 and counts itself, so a packet holds at most 65535 - 2 KCP bytes.
constexpr std::size_t MaxPacketSizeLimit = FecShardOffset + 0xffff;

int checkedShards(int dataShards, int parityShards)
{
    if (dataShards < 1 || parityShards < 1 || dataShards + parityShards > 256)
    {
        throw std::invalid_argument("FEC needs 1 <= datashard, 1 <= parityshard, sum <= 256; got " +
                                    std::to_string(dataShards) + "/" +
                                    std::to_string(parityShards));
    }
    return dataShards;
}

std::size_t checkedPacketSize(std::size_t maxPacketSize)
{
    if (maxPacketSize < FecHeaderSize || maxPacketSize > MaxPacketSizeLimit)
        throw std::invalid_argument("FEC max packet size out of range: " +
                                    std::to_string(maxPacketSize));
    return maxPacketSize;
}

} // namespace

FecEncoder::FecEncoder(int dataShards, int parityShards, std::size_t maxPacketSize, GfEngine engine)
    : m_dataShards(checkedShards(dataShards, parityShards))
    , m_parityShards(parityShards)
    , m_paws(computePaws(dataShards + parityShards))
    , m_maxPacketSize(checkedPacketSize(maxPacketSize))
    , m_codec(std::make_unique<ReedSolomon>(dataShards, parityShards, engine))
    , m_parityPointers(static_cast<std::size_t>(parityShards))
{
    // Each buffer starts on a cache line: the kernels stream them in 64-byte vectors.
    const std::size_t stride = alignUp(m_maxPacketSize - FecShardOffset, VectorAlign);
    m_parityStore.resize(static_cast<std::size_t>(parityShards + 1) * stride + VectorAlign);
    std::uint8_t* base = alignUp(m_parityStore.data());
    for (int p = 0; p < m_parityShards; ++p)
        m_parityPointers[p] = base + p * stride;
    m_pending = base + static_cast<std::size_t>(parityShards) * stride;
}

FecEncoder::~FecEncoder() = default;

bool FecEncoder::encode(std::uint8_t* packet, std::size_t kcpLength)
{
    if (FecHeaderSize + kcpLength > m_maxPacketSize)
        throw std::length_error("FEC packet of " + std::to_string(FecHeaderSize + kcpLength) +
                                " bytes exceeds " + std::to_string(m_maxPacketSize));

    if (m_filled == m_dataShards)
    {
        // Parity of the previous group was never emitted: keep its seqids reserved so that
        // seqid % n still tells the receiver data from parity.
        m_next = static_cast<std::uint32_t>((std::uint64_t{m_next} + m_parityShards) % m_paws);
        startGroup();
    }

    // seqid u32le | 0x00f1 u16le | size u16le = 2 + kcpLength (the size counts itself)
    const std::size_t shardLength = 2 + kcpLength;
    writeU32(packet, m_next);
    writeU16(packet + 4, FecTypeData);
    writeU16(packet + FecShardOffset, static_cast<std::uint16_t>(shardLength));
    // Data seqids never reach paws: a group's data always precedes its parity, and paws is a
    // multiple of n, so only the last parity shard wraps (kcp-go markData/markParity).
    ++m_next;

    // The code runs over shards zero-padded to the group's longest. Padding contributes nothing,
    // so each shard is added over its own length only; accumulator bytes at and above the longest
    // length folded in so far hold no contribution yet and are written rather than added to.
    // Shards go in pairs (one pass over the accumulators per two shards): the first of a pair is
    // copied aside, since the caller's buffer is sealed in place before the next encode().
    const std::uint8_t* shard = packet + FecShardOffset;
    if (m_pendingLength != 0)
    {
        const ReedSolomon::DataShard pair[2] = {{m_pendingIndex, m_pending, m_pendingLength},
                                                {m_filled, shard, shardLength}};
        m_codec->encodeUpdate(pair, m_parityPointers.data(), m_accumulated);
        m_accumulated = std::max({m_accumulated, m_pendingLength, shardLength});
        m_pendingLength = 0;
    }
    else if (m_filled + 1 < m_dataShards)
    {
        // libc's memmove: a plain 64-byte vector loop was no faster here and made
        // FecDecoder's copy of each shard 3x slower in BenchmarkFECDecode.
        std::memcpy(m_pending, shard, shardLength);
        m_pendingIndex = m_filled;
        m_pendingLength = shardLength;
    }
    else
    {
        // The group's last shard with nothing to pair it with (odd ds).
        m_codec->encodeUpdate(m_filled, shard, shardLength, m_parityPointers.data(), m_accumulated);
        m_accumulated = std::max(m_accumulated, shardLength);
    }
    if (shardLength > m_maxShardLength)
        m_maxShardLength = shardLength;
    ++m_filled;
    return m_filled == m_dataShards;
}

void FecEncoder::startGroup()
{
    m_filled = 0;
    m_pendingLength = 0;
    m_accumulated = 0;
    m_maxShardLength = 0;
}

std::size_t FecEncoder::emitParity(std::uint8_t* const* out)
{
    if (m_filled != m_dataShards)
        return 0;

    // seqid u32le | 0x00f2 u16le | parity; the seqid wraps to 0 at paws after the last parity.
    for (int p = 0; p < m_parityShards; ++p)
    {
        writeU32(out[p], m_next);
        writeU16(out[p] + 4, FecTypeParity);
        std::memcpy(out[p] + FecShardOffset, m_parityPointers[p], m_maxShardLength);
        if (++m_next == m_paws)
            m_next = 0;
    }

    const std::size_t length = FecShardOffset + m_maxShardLength;
    startGroup();
    return length;
}

void FecEncoder::setNextSeqid(std::uint32_t groupStart)
{
    const auto n = static_cast<std::uint32_t>(m_dataShards + m_parityShards);
    if (groupStart % n != 0 || groupStart >= m_paws)
        throw std::invalid_argument("FEC seqid must start a group below paws");
    m_next = groupStart;
    startGroup();
}

} // namespace kcp
