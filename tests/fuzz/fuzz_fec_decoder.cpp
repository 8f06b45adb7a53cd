// libFuzzer target: FecDecoder::input() with packets straight from the input (no crypto layer).
//
// Input: ds byte, ps byte, maxPacketSize u16, mode byte, then records.
//   ds = 1 + byte % 32, ps = 1 + byte % 32 (mode bit 7: ds up to 128, ds + ps up to 256),
//   maxPacketSize = 8 + u16 % 1493 (8..1500)
//   mode bit 0  0: raw     records are [u8 time step][u16 length][bytes], fed as they are
//               1: encoder records are operations on packets a FecEncoder of the same geometry
//                  produced: encode, deliver, deliver a copy, drop, advance time (see below)
//   mode bit 1  encoder mode: start the encoder a few groups below paws (seqid wrap)
// Invariants checked, both modes: a data result's KCP bytes are packet[8, 6 + size); parity and
// malformed results carry none; a malformed packet recovers nothing; every recovered span fits
// the decoder's shard buffers (readable to its last byte, <= maxPacketSize - 8 bytes, outside the
// input packet, no two overlapping) and counters().reconstructed grows by their number.
// Encoder mode adds exactness, since nothing there is forged: every data packet comes back as
// Data with the bytes that were encoded, every recovered span equals a data shard of the
// delivered packet's group, and nothing is ever counted as malformed, mismatched or FECErrs.
#include "fuzz_support.h"

#include "kcp/fec.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

namespace
{

using namespace kcp;
using kcp::fuzz::ByteReader;

constexpr std::size_t MaxOps = 4096;
constexpr std::size_t MaxWire = 1024; // packets in flight in encoder mode

std::uint16_t readU16(const std::uint8_t* p)
{
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

std::uint32_t readU32(const std::uint8_t* p)
{
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

bool overlaps(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b)
{
    if (a.empty() || b.empty())
        return false;
    return a.data() < b.data() + b.size() && b.data() < a.data() + a.size();
}

// Checks what holds for any input, forged or not, and returns the result.
FecDecoder::Result inputChecked(FecDecoder& decoder, std::span<const std::uint8_t> packet,
                                Millis now, int parityShards, std::size_t maxPacketSize)
{
    const std::uint64_t reconstructedBefore = decoder.counters().reconstructed;
    const FecDecoder::Result result = decoder.input(packet, now);

    switch (result.kind)
    {
    case FecDecoder::Result::Kind::Data:
    {
        FUZZ_CHECK(packet.size() >= FecHeaderSize);
        const std::size_t size = readU16(packet.data() + FecShardOffset);
        FUZZ_CHECK(size >= 2 && FecShardOffset + size <= packet.size());
        FUZZ_CHECK(result.kcp.data() == packet.data() + FecHeaderSize);
        FUZZ_CHECK(result.kcp.size() == size - 2);
        break;
    }
    case FecDecoder::Result::Kind::Parity:
        FUZZ_CHECK(result.kcp.empty());
        break;
    case FecDecoder::Result::Kind::Malformed:
        FUZZ_CHECK(result.kcp.empty());
        FUZZ_CHECK(result.recovered.empty());
        break;
    }

    FUZZ_CHECK(result.recovered.size() <= static_cast<std::size_t>(parityShards));
    FUZZ_CHECK(decoder.counters().reconstructed - reconstructedBefore == result.recovered.size());
    for (std::size_t i = 0; i < result.recovered.size(); ++i)
    {
        const std::span<const std::uint8_t> shard = result.recovered[i];
        FUZZ_CHECK(shard.size() <= maxPacketSize - FecHeaderSize);
        FUZZ_CHECK(!overlaps(shard, packet));
        for (std::size_t j = 0; j < i; ++j)
            FUZZ_CHECK(!overlaps(shard, result.recovered[j]));
        // Touch every byte: ASan reports a span that runs outside the decoder's buffers.
        volatile std::uint8_t sink = 0;
        for (const std::uint8_t b : shard)
            sink = sink ^ b;
        (void)sink;
    }
    return result;
}

// Exactly sized heap copy, so that ASan flags any read past the packet's end.
std::vector<std::uint8_t> exactCopy(std::span<const std::uint8_t> bytes)
{
    std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    copy.shrink_to_fit();
    return copy;
}

void runRaw(ByteReader& in, FecDecoder& decoder, int ps, std::size_t maxPacketSize)
{
    Millis now = 1000;
    for (std::size_t op = 0; op < MaxOps && !in.empty(); ++op)
    {
        now += in.u8() * 300u; // 255 steps span the 60 s expiry in one go
        const std::uint16_t length = in.u16();
        const std::vector<std::uint8_t> packet = exactCopy(in.bytes(length));
        inputChecked(decoder, packet, now, ps, maxPacketSize);
    }
}

void runEncoder(ByteReader& in, std::uint8_t mode, int ds, int ps, std::size_t maxPacketSize,
                FecDecoder& decoder)
{
    const auto n = static_cast<std::uint32_t>(ds + ps);
    FecEncoder encoder(ds, ps, maxPacketSize);
    if (mode & 2)
        encoder.setNextSeqid(encoder.paws() - n * (1 + in.u8() % 4u));

    std::map<std::uint32_t, std::vector<std::uint8_t>> encoded; // seqid -> KCP bytes
    std::vector<std::vector<std::uint8_t>> wire;                // packets not yet delivered
    std::vector<std::uint8_t> packet(maxPacketSize);
    std::vector<std::vector<std::uint8_t>> parity(static_cast<std::size_t>(ps),
                                                  std::vector<std::uint8_t>(maxPacketSize));
    std::vector<std::uint8_t*> parityOut;
    for (auto& p : parity)
        parityOut.push_back(p.data());

    Millis now = 1000;
    const auto deliver = [&](std::size_t index, bool keep)
    {
        const std::vector<std::uint8_t> bytes = wire[index];
        if (!keep)
            wire.erase(wire.begin() + static_cast<std::ptrdiff_t>(index));
        const std::uint32_t seqid = readU32(bytes.data());
        const bool data = readU16(bytes.data() + 4) == FecTypeData;
        const FecDecoder::Result result = inputChecked(decoder, bytes, now, ps, maxPacketSize);
        if (data)
        {
            FUZZ_CHECK(result.kind == FecDecoder::Result::Kind::Data);
            const std::vector<std::uint8_t>& original = encoded.at(seqid);
            FUZZ_CHECK(
                std::equal(result.kcp.begin(), result.kcp.end(), original.begin(), original.end()));
        }
        else
        {
            FUZZ_CHECK(result.kind == FecDecoder::Result::Kind::Parity);
        }
        const std::uint32_t groupStart = seqid - seqid % n;
        for (const std::span<const std::uint8_t> shard : result.recovered)
        {
            bool matches = false;
            for (std::uint32_t s = groupStart; s < groupStart + static_cast<std::uint32_t>(ds); ++s)
            {
                const auto it = encoded.find(s);
                matches = matches ||
                          (it != encoded.end() && std::equal(shard.begin(), shard.end(),
                                                             it->second.begin(), it->second.end()));
            }
            FUZZ_CHECK(matches);
        }
        const FecDecoderCounters& c = decoder.counters();
        FUZZ_CHECK(c.malformed == 0 && c.geometryMismatch == 0 && c.errors == 0);
    };

    for (std::size_t op = 0; op < MaxOps && !in.empty(); ++op)
    {
        const std::uint8_t code = in.u8();
        switch (code % 5)
        {
        case 0: // encode one data shard (and its group's parity, unless bit 7 skips it)
        {
            if (wire.size() + 1 + static_cast<std::size_t>(ps) > MaxWire)
                break;
            const std::size_t kcpLength = in.u16() % (maxPacketSize - FecHeaderSize + 1);
            const std::span<const std::uint8_t> kcpBytes = in.bytes(kcpLength);
            std::fill(packet.begin(), packet.end(), 0);
            std::copy(kcpBytes.begin(), kcpBytes.end(), packet.begin() + FecHeaderSize);
            const bool complete = encoder.encode(packet.data(), kcpLength);
            const std::uint32_t seqid = readU32(packet.data());
            encoded[seqid].assign(packet.begin() + FecHeaderSize,
                                  packet.begin() + FecHeaderSize +
                                      static_cast<std::ptrdiff_t>(kcpLength));
            wire.emplace_back(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(
                                                                   FecHeaderSize + kcpLength));
            if (complete && !(code & 0x80))
            {
                const std::size_t length = encoder.emitParity(parityOut.data());
                FUZZ_CHECK(length >= FecShardOffset + 2 && length <= maxPacketSize);
                for (const auto& p : parity)
                    wire.emplace_back(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(length));
            }
            break;
        }
        case 1: // deliver one packet
        case 2: // deliver a copy, keeping the packet for a later duplicate
            if (!wire.empty())
                deliver(in.u8() % wire.size(), code % 5 == 2);
            break;
        case 3: // lose one packet
            if (!wire.empty())
                wire.erase(wire.begin() + static_cast<std::ptrdiff_t>(in.u8() % wire.size()));
            break;
        case 4:
            now += in.u8() * 300u;
            break;
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ByteReader in(data, size);
    const std::uint8_t dsByte = in.u8();
    const std::uint8_t psByte = in.u8();
    const std::size_t maxPacketSize = FecHeaderSize + in.u16() % 1493u;
    const std::uint8_t mode = in.u8();
    // Building a code costs O((ds + ps) * ds^2) under coverage instrumentation: 1.2 s for 240/16,
    // which would eat a CI run. Mode bit 7 opts into large codes, still up to n = 256 (the limit
    // the u8/u16 bookkeeping must survive) but with ds <= 128, about 0.2 s at worst.
    const bool large = mode & 0x80;
    const int ds = 1 + dsByte % (large ? 128 : 32);
    const int ps = 1 + psByte % (large ? 256 - ds : 32);

    FecDecoder decoder(ds, ps, maxPacketSize);
    if (mode & 1)
        runEncoder(in, mode, ds, ps, maxPacketSize, decoder);
    else
        runRaw(in, decoder, ps, maxPacketSize);

    // FUZZ_VERBOSE=1 with seed files as arguments shows how deep each seed gets.
    static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
    if (verbose)
    {
        const FecDecoderCounters& c = decoder.counters();
        std::fprintf(stderr,
                     "fec %d/%d max %zu: parity %llu reconstructed %llu errors %llu malformed "
                     "%llu mismatch %llu path-lost %llu\n",
                     ds, ps, maxPacketSize, static_cast<unsigned long long>(c.parityShards),
                     static_cast<unsigned long long>(c.reconstructed),
                     static_cast<unsigned long long>(c.errors),
                     static_cast<unsigned long long>(c.malformed),
                     static_cast<unsigned long long>(c.geometryMismatch),
                     static_cast<unsigned long long>(c.pathLost));
    }
    return 0;
}
