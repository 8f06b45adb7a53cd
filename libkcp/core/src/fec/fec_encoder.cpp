#include "kcp/fec.h"
#include "kcp/reed_solomon.h"

#include "fec_wire.h"

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

FecEncoder::FecEncoder(int dataShards, int parityShards, std::size_t maxPacketSize)
    : m_dataShards(checkedShards(dataShards, parityShards))
    , m_parityShards(parityShards)
    , m_paws(computePaws(dataShards + parityShards))
    , m_maxPacketSize(checkedPacketSize(maxPacketSize))
    , m_codec(std::make_unique<ReedSolomon>(dataShards, parityShards))
    , m_shardStore(static_cast<std::size_t>(dataShards) * (maxPacketSize - FecShardOffset))
    , m_shardLengths(static_cast<std::size_t>(dataShards), 0)
    , m_dataPointers(static_cast<std::size_t>(dataShards))
    , m_parityPointers(static_cast<std::size_t>(parityShards))
{
    const std::size_t stride = m_maxPacketSize - FecShardOffset;
    for (int i = 0; i < m_dataShards; ++i)
        m_dataPointers[i] = m_shardStore.data() + i * stride;
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
        m_filled = 0;
        m_maxShardLength = 0;
    }

    // seqid u32le | 0x00f1 u16le | size u16le = 2 + kcpLength (the size counts itself)
    const std::size_t shardLength = 2 + kcpLength;
    writeU32(packet, m_next);
    writeU16(packet + 4, FecTypeData);
    writeU16(packet + FecShardOffset, static_cast<std::uint16_t>(shardLength));
    // Data seqids never reach paws: a group's data always precedes its parity, and paws is a
    // multiple of n, so only the last parity shard wraps (kcp-go markData/markParity).
    ++m_next;

    const std::size_t stride = m_maxPacketSize - FecShardOffset;
    std::uint8_t* shard = m_shardStore.data() + m_filled * stride;
    std::memcpy(shard, packet + FecShardOffset, shardLength);
    m_shardLengths[m_filled] = shardLength;
    if (shardLength > m_maxShardLength)
        m_maxShardLength = shardLength;
    ++m_filled;
    return m_filled == m_dataShards;
}

std::size_t FecEncoder::emitParity(std::uint8_t* const* out)
{
    if (m_filled != m_dataShards)
        return 0;

    // The code runs over equal-length shards: right-pad each with zeros to the longest. Only the
    // computation sees the padding; the data packets already left unpadded.
    const std::size_t stride = m_maxPacketSize - FecShardOffset;
    for (int i = 0; i < m_dataShards; ++i)
    {
        std::uint8_t* shard = m_shardStore.data() + i * stride;
        std::memset(shard + m_shardLengths[i], 0, m_maxShardLength - m_shardLengths[i]);
    }
    for (int p = 0; p < m_parityShards; ++p)
        m_parityPointers[p] = out[p] + FecShardOffset;
    m_codec->encode(m_dataPointers.data(), m_parityPointers.data(), m_maxShardLength);

    // seqid u32le | 0x00f2 u16le | parity; the seqid wraps to 0 at paws after the last parity.
    for (int p = 0; p < m_parityShards; ++p)
    {
        writeU32(out[p], m_next);
        writeU16(out[p] + 4, FecTypeParity);
        m_next = (m_next + 1) % m_paws;
    }

    const std::size_t length = FecShardOffset + m_maxShardLength;
    m_filled = 0;
    m_maxShardLength = 0;
    return length;
}

void FecEncoder::setNextSeqid(std::uint32_t groupStart)
{
    const auto n = static_cast<std::uint32_t>(m_dataShards + m_parityShards);
    if (groupStart % n != 0 || groupStart >= m_paws)
        throw std::invalid_argument("FEC seqid must start a group below paws");
    m_next = groupStart;
    m_filled = 0;
    m_maxShardLength = 0;
}

} // namespace kcp
