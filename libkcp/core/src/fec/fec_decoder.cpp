#include "kcp/fec.h"
#include "kcp/reed_solomon.h"

#include "fec_wire.h"
#include "path_loss.h"

#include <bit>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace kcp
{

using namespace fec_detail;

namespace
{

// kcp-go rxFECMulti: the decoder keeps at most 3 * (ds + ps) shards.
constexpr int RxFecMulti = 3;

} // namespace

struct FecDecoder::Impl
{
    // One kept shard: its bytes from offset 6 of the packet live in a pool buffer.
    struct Entry
    {
        std::uint64_t slot; // unwrapped seqid
        Millis arrival;     // for the 60 s expiry
        std::uint16_t buffer;
        std::uint16_t length;   // data: size field (2 + KCP bytes); parity: packet length - 6
        std::uint16_t position; // slot % n
        bool data;
    };

    Impl(int ds, int ps, std::size_t maxPacketSize, GfEngine engine);

    // The per-packet path is declared inline so that it is inlined into input(): the library is
    // built -fPIC, where GCC does not inline calls to interposable (non-inline) functions.
    FecDecoder::Result input(std::span<const std::uint8_t> packet, Millis now);
    inline void keep(std::uint32_t seqid, bool data, const std::uint8_t* shard, std::size_t length,
                     Millis now);
    inline void store(const PathLossTracker::Observation& seen, bool data,
                      const std::uint8_t* shard, std::size_t length, Millis now);
    void recover(std::size_t first, std::size_t count);
    void onGeometryMismatch();
    inline bool quarantined();
    inline void freeRange(std::size_t first, std::size_t count);
    inline void expire(Millis now);
    std::uint8_t* bufferData(std::uint16_t buffer)
    {
        return poolBase + static_cast<std::size_t>(buffer) * bufferStride;
    }
    bool groupDone(std::uint64_t group) const { return doneGroups[group & doneMask] == group; }
    void markGroupDone(std::uint64_t group) { doneGroups[group & doneMask] = group; }

    int dataShards;
    int parityShards;
    int groupSize;
    std::uint32_t paws;
    std::size_t shardCapacity; // maxPacketSize - 6
    std::size_t bufferStride;  // shardCapacity rounded up to whole cache lines
    std::size_t rxLimit;
    ReedSolomon codec;
    PathLossTracker tracker;
    FecDecoderCounters counters;

    // rxLimit + 1 buffers (the queue holds one extra until trimmed), then ps recovery buffers.
    // Left uninitialised (every byte is written before it is read; recovery pads explicitly),
    // and handed out last-freed-first, so a slow session touches only the few pages it uses.
    std::unique_ptr<std::uint8_t[]> pool;
    std::uint8_t* poolBase; // pool's first cache-line boundary
    std::vector<std::uint16_t> freeBuffers;
    std::vector<Entry> queue; // ordered by slot, at most rxLimit + 1 (capacity reserved)

    std::uint8_t* recoveryBase; // ps buffers: at most ps data shards are missing
    std::vector<std::span<const std::uint8_t>> recovered;
    std::vector<std::uint8_t*> shardPointers;
    std::unique_ptr<bool[]> present;

    // Groups (slot / n) completed or recovered recently, so late shards do not re-open them. A
    // power-of-two ring covering the path-loss window, indexed by group & doneMask.
    std::vector<std::uint64_t> doneGroups;
    std::uint64_t doneMask;

    bool mismatchSeen = false;
    std::uint64_t quarantineEnd = 0;
};

FecDecoder::Impl::Impl(int ds, int ps, std::size_t maxPacketSize, GfEngine engine)
    : dataShards(ds)
    , parityShards(ps)
    , groupSize(ds + ps)
    , paws(computePaws(ds + ps))
    , shardCapacity(maxPacketSize - FecShardOffset)
    , bufferStride(alignUp(shardCapacity, VectorAlign))
    , rxLimit(static_cast<std::size_t>(RxFecMulti * (ds + ps)))
    , codec(ds, ps, engine)
    , tracker(ds, ps, paws)
    , pool(new std::uint8_t[(rxLimit + 1 + static_cast<std::size_t>(ps)) * bufferStride +
                            VectorAlign])
    , poolBase(alignUp(pool.get()))
    , recoveryBase(poolBase + (rxLimit + 1) * bufferStride)
    , shardPointers(static_cast<std::size_t>(ds + ps))
    , present(std::make_unique<bool[]>(static_cast<std::size_t>(ds + ps)))
    , doneGroups(std::bit_ceil(tracker.window() / static_cast<std::uint64_t>(ds + ps) + 2),
                 ~std::uint64_t{0})
    , doneMask(doneGroups.size() - 1)
{
    freeBuffers.reserve(rxLimit + 1);
    for (std::size_t i = rxLimit + 1; i-- > 0;)
        freeBuffers.push_back(static_cast<std::uint16_t>(i));
    queue.reserve(rxLimit + 1);
    recovered.reserve(static_cast<std::size_t>(ps));
}

FecDecoder::Result FecDecoder::Impl::input(std::span<const std::uint8_t> packet, Millis now)
{
    recovered.clear();
    Result result;
    if (packet.size() < FecHeaderSize || !isFecPacket(packet))
    {
        ++counters.malformed;
        return result;
    }

    const std::uint32_t seqid = readU32(packet.data());
    const bool data = readU16(packet.data() + 4) == FecTypeData;
    std::size_t shardLength;
    if (data)
    {
        // size u16le counts itself; kcp-go ignores it for data shards, we refuse one that lies.
        shardLength = readU16(packet.data() + FecShardOffset);
        if (shardLength < 2 || shardLength > packet.size() - FecShardOffset)
        {
            ++counters.malformed;
            return result;
        }
        result.kind = Result::Kind::Data;
        result.kcp = packet.subspan(FecHeaderSize, shardLength - 2);
    }
    else
    {
        ++counters.parityShards;
        result.kind = Result::Kind::Parity;
        shardLength = packet.size() - FecShardOffset;
    }

    keep(seqid, data, packet.data() + FecShardOffset, shardLength, now);
    expire(now);
    result.recovered = recovered;
    return result;
}

void FecDecoder::Impl::keep(std::uint32_t seqid, bool data, const std::uint8_t* shard,
                            std::size_t length, Millis now)
{
    if (seqid >= paws)
    {
        // A peer with our n never sends these; a bigger paws means a different n.
        onGeometryMismatch();
        return;
    }
    const PathLossTracker::Observation seen = tracker.observe(seqid, counters);
    if (seen.arrival == PathLossTracker::Arrival::Duplicate)
    {
        ++counters.duplicates;
        return;
    }
    if (seen.arrival == PathLossTracker::Arrival::Late)
    {
        ++counters.late;
        return;
    }
    // Groups are aligned to multiples of n: position < ds <=> data (wire-compat.md 2.2). The
    // slot's position is the seqid's, as paws is a multiple of n.
    const bool dataPosition = static_cast<int>(seen.position) < dataShards;
    if (dataPosition != data)
    {
        onGeometryMismatch();
        return;
    }
    if (quarantined())
        return;
    if (groupDone(seen.group))
        return;
    if (length > shardCapacity)
    {
        ++counters.oversized;
        return;
    }
    store(seen, data, shard, length, now);
}

void FecDecoder::Impl::store(const PathLossTracker::Observation& seen, bool data,
                             const std::uint8_t* shard, std::size_t length, Millis now)
{
    const std::uint64_t slot = seen.slot;
    // Ordered insertion, scanning from the back: shards mostly arrive in order.
    std::size_t index = queue.size();
    while (index > 0 && queue[index - 1].slot > slot)
        --index;
    const std::uint16_t buffer = freeBuffers.back();
    freeBuffers.pop_back();
    std::memcpy(bufferData(buffer), shard, length);
    const Entry entry{slot,
                      now,
                      buffer,
                      static_cast<std::uint16_t>(length),
                      static_cast<std::uint16_t>(seen.position),
                      data};
    if (index == queue.size())
        queue.push_back(entry); // capacity reserved: never allocates
    else
        queue.insert(queue.begin() + static_cast<std::ptrdiff_t>(index), entry);

    // The group's shards are contiguous in the ordered queue around the new one: slots
    // [groupStart, groupStart + n), tested with one unsigned compare (no division per entry).
    const std::uint64_t n = static_cast<std::uint64_t>(groupSize);
    const std::uint64_t group = seen.group;
    const std::uint64_t groupStart = slot - seen.position;
    std::size_t first = index;
    while (first > 0 && queue[first - 1].slot - groupStart < n)
        --first;
    std::size_t last = index + 1;
    while (last < queue.size() && queue[last].slot - groupStart < n)
        ++last;
    const std::size_t count = last - first;
    int dataCount = 0;
    for (std::size_t i = first; i < last; ++i)
        dataCount += queue[i].data ? 1 : 0;

    if (dataCount == dataShards)
    {
        // Nothing lost among the data: the group is of no further use.
        freeRange(first, count);
        markGroupDone(group);
    }
    else if (count >= static_cast<std::size_t>(dataShards))
    {
        recover(first, count);
        markGroupDone(group);
    }

    // kcp-go keeps rxlimit by dropping the oldest shard; a data shard dropped here is one whose
    // group never became usable (FECShortShards).
    if (queue.size() > rxLimit)
    {
        if (queue.front().data)
            ++counters.shortShards;
        freeRange(0, 1);
    }
}

void FecDecoder::Impl::recover(std::size_t first, std::size_t count)
{
    const int n = groupSize;
    for (int i = 0; i < n; ++i)
    {
        present[i] = false;
        shardPointers[i] = nullptr;
    }

    std::size_t maxLength = 0;
    for (std::size_t i = first; i < first + count; ++i)
    {
        const Entry& entry = queue[i];
        const int position = entry.position;
        // Every kept shard was checked on arrival; re-check so that nothing upstream of this
        // line can ever make us decode a group with the wrong geometry.
        if ((position < dataShards) != entry.data)
        {
            onGeometryMismatch();
            return;
        }
        if (entry.length > maxLength)
            maxLength = entry.length;
    }
    // The code runs over equal lengths: zero-pad every present shard to the longest, as the
    // encoder did. With a parity shard present this is the group's true longest data shard.
    for (std::size_t i = first; i < first + count; ++i)
    {
        const Entry& entry = queue[i];
        const int position = entry.position;
        std::uint8_t* bytes = bufferData(entry.buffer);
        std::memset(bytes + entry.length, 0, maxLength - entry.length);
        shardPointers[position] = bytes;
        present[position] = true;
    }
    int missing = 0;
    for (int position = 0; position < dataShards; ++position)
    {
        if (!present[position])
            shardPointers[position] = recoveryBase + missing++ * bufferStride;
    }

    if (codec.reconstructData(shardPointers.data(), present.get(), maxLength))
    {
        for (int position = 0; position < dataShards; ++position)
        {
            if (present[position])
                continue;
            // A rebuilt shard is size u16le | KCP bytes | zero padding; a size outside
            // [2, shard length] means the group was inconsistent (kcp-go FECErrs).
            const std::uint8_t* shard = shardPointers[position];
            const std::size_t size = readU16(shard);
            if (size >= 2 && size <= maxLength)
            {
                recovered.emplace_back(shard + 2, size - 2);
                ++counters.reconstructed;
            }
            else
            {
                ++counters.errors;
            }
        }
    }
    freeRange(first, count);
}

void FecDecoder::Impl::onGeometryMismatch()
{
    ++counters.geometryMismatch;
    mismatchSeen = true;
    quarantineEnd = tracker.end() + GeometryQuarantineSlots;
    // Whatever is kept may belong to groups the peer never formed.
    freeRange(0, queue.size());
}

bool FecDecoder::Impl::quarantined()
{
    if (mismatchSeen && tracker.end() >= quarantineEnd)
        mismatchSeen = false;
    return mismatchSeen;
}

void FecDecoder::Impl::freeRange(std::size_t first, std::size_t count)
{
    for (std::size_t i = first; i < first + count; ++i)
        freeBuffers.push_back(queue[i].buffer);
    queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(first),
                queue.begin() + static_cast<std::ptrdiff_t>(first + count));
}

void FecDecoder::Impl::expire(Millis now)
{
    // kcp-go fecExpire: drop shards kept longer than 60 s, checking from the oldest seqid on.
    std::size_t expired = 0;
    while (expired < queue.size() &&
           timeDiff(now, queue[expired].arrival) > static_cast<std::int32_t>(FecShardExpiry))
        ++expired;
    if (expired > 0)
        freeRange(0, expired);
}

FecDecoder::FecDecoder(int dataShards, int parityShards, std::size_t maxPacketSize, GfEngine engine)
{
    if (dataShards < 1 || parityShards < 1 || dataShards + parityShards > 256)
    {
        throw std::invalid_argument("FEC needs 1 <= datashard, 1 <= parityshard, sum <= 256; got " +
                                    std::to_string(dataShards) + "/" +
                                    std::to_string(parityShards));
    }
    if (maxPacketSize < FecHeaderSize || maxPacketSize > FecShardOffset + 0xffff)
        throw std::invalid_argument("FEC max packet size out of range: " +
                                    std::to_string(maxPacketSize));
    m_impl = std::make_unique<Impl>(dataShards, parityShards, maxPacketSize, engine);
}

FecDecoder::~FecDecoder() = default;

FecDecoder::Result FecDecoder::input(std::span<const std::uint8_t> packet, Millis now)
{
    return m_impl->input(packet, now);
}

const FecDecoderCounters& FecDecoder::counters() const
{
    return m_impl->counters;
}

} // namespace kcp
