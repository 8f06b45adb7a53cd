// libFuzzer target: the whole receive path of a SessionCore, datagram in to stream out
// (decrypt + crc -> FEC, maybe recovery -> KCP input -> read), interleaved with what a driver
// does between datagrams: time steps with pollTransmit, reads and writes.
//
// Input: two variant bytes, then operations.
//   byte 0  bits 0-1 crypt (with byte 1 bit 6: aes none null aes-128 | salsa20 xor aes-128-gcm
//           tea), bits 2-3 FEC {off, 10/3, 3/2, 10/3}, bit 4 writeDelay, bit 5 message mode,
//           bit 6 ackNoDelay, bit 7 --mode fast3 (else fast)
//   byte 1  bits 0-1 key (capture, kcp_crypt.json), bits 2-4 conv (SeedConvs), bit 5 start the
//           clock just below the u32 wrap, bit 7 mtu 1400 (else kcptun's 1350)
//   ops     0 [u16 length][bytes] a datagram    1 [u8 steps] time += 4 * steps, drain transmits
//           2 [u16 capacity] read               3 [u16 length] write
//           4 one nextTransmit/popTransmit, stats()
//           5 [u16 length][bytes] a datagram body, sealed here with the session's crypt and key
// The null and none crypts let the fuzzer reach FEC and KCP parsing without forging a crc (null
// has none at all; none's crc is in clear); the capture key with aes replays real kcptun traffic.
// Invariants checked: read() returns at most the capacity and at most the datagram bytes fed so
// far, returns data exactly when readable() said so; write() accepts at most writable(); every
// datagram leaving fits the mtu. ASan/UBSan/LSan do the rest.
#include "fuzz_support.h"

#include "kcp/mode_preset.h"
#include "kcp/packet_crypto.h"
#include "kcp/session_core.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

namespace
{

using namespace kcp;
using kcp::fuzz::ByteReader;

constexpr std::size_t MaxOps = 4096;
constexpr std::size_t MaxDrain = 512; // datagrams sent per time step

constexpr const char* Crypts[] = {"aes",     "none", "null",        "aes-128",
                                  "salsa20", "xor",  "aes-128-gcm", "tea"};

SessionConfig readConfig(std::uint8_t b0, std::uint8_t b1)
{
    SessionConfig c;
    c.crypt = Crypts[(b0 & 3) | ((b1 >> 6) & 1) << 2];
    switch ((b0 >> 2) & 3)
    {
    case 0:
        c.dataShards = 0;
        c.parityShards = 0;
        break;
    case 2:
        c.dataShards = 3;
        c.parityShards = 2;
        break;
    default:
        c.dataShards = 10;
        c.parityShards = 3;
        break;
    }
    c.writeDelay = b0 & 0x10;
    c.streamMode = !(b0 & 0x20);
    c.ackNoDelay = b0 & 0x40;
    c.noDelay = *modePreset((b0 & 0x80) ? "fast3" : "fast");
    c.key = (b1 & 1) ? fuzz::testKey() : fuzz::captureKey();
    c.mtu = (b1 & 0x80) ? 1400 : 1350;
    return c;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ByteReader in(data, size);
    const std::uint8_t b0 = in.u8();
    const std::uint8_t b1 = in.u8();
    const SessionConfig config = readConfig(b0, b1);
    const std::uint32_t conv = fuzz::SeedConvs[((b1 >> 2) & 7) % std::size(fuzz::SeedConvs)];
    fuzz::DeterministicRandom random;
    SessionCore session(conv, config, random);
    const std::unique_ptr<PacketCrypto> sealer = makePacketCrypto(config.crypt, config.key);
    fuzz::DeterministicRandom sealRandom(7);

    Millis now = (b1 & 0x20) ? 0xffffff00u : 1000;
    std::uint64_t fed = 0;
    std::uint64_t delivered = 0;
    const auto mtu = static_cast<std::size_t>(config.mtu);
    std::vector<std::uint8_t> transmit(mtu);
    std::vector<std::uint8_t> buffer;

    const auto drain = [&]
    {
        for (std::size_t i = 0; i < MaxDrain; ++i)
        {
            const std::size_t length = session.pollTransmit(now, transmit);
            if (length == 0)
                break;
            FUZZ_CHECK(length <= mtu);
        }
    };

    for (std::size_t op = 0; op < MaxOps && !in.empty(); ++op)
    {
        switch (in.u8() % 6)
        {
        case 0:
        {
            const std::span<const std::uint8_t> datagram = in.bytes(in.u16());
            // Exactly sized, so that ASan flags a read or write past the datagram's end.
            buffer.assign(datagram.begin(), datagram.end());
            buffer.shrink_to_fit();
            session.onDatagram(now, buffer);
            fed += buffer.size();
            break;
        }
        case 5:
        {
            // A body sealed here with the session's own crypt and key: reaches FEC and KCP
            // through every cipher, not only where a crc can be forged (none) or is absent (null).
            const std::span<const std::uint8_t> body =
                in.bytes(std::min<std::size_t>(in.u16(), mtu - sealer->overhead()));
            buffer.assign(sealer->overhead() + body.size(), 0);
            std::copy(body.begin(), body.end(),
                      buffer.begin() + static_cast<std::ptrdiff_t>(sealer->headerSize()));
            FUZZ_CHECK(sealer->seal(buffer.data(), body.size(), sealRandom) == buffer.size());
            session.onDatagram(now, buffer);
            fed += buffer.size();
            break;
        }
        case 1:
            now += 4u * in.u8();
            drain();
            break;
        case 2:
        {
            const std::size_t capacity = in.u16() % 16384u;
            buffer.assign(capacity, 0);
            buffer.shrink_to_fit();
            const bool readable = session.readable();
            const std::size_t got = session.read(buffer);
            FUZZ_CHECK(got <= capacity);
            if (capacity > 0)
                FUZZ_CHECK((got > 0) == readable);
            delivered += got;
            // Stream bytes can only come out of datagram bytes that went in (FEC rebuilds data
            // from parity bytes, which were fed too).
            FUZZ_CHECK(delivered <= fed);
            break;
        }
        case 3:
        {
            buffer.assign(in.u16() % 16384u, 0xa5);
            const std::size_t room = session.writable();
            const std::size_t accepted = session.write(now, buffer);
            FUZZ_CHECK(accepted <= room && accepted <= buffer.size());
            break;
        }
        case 4:
        {
            const std::span<const std::uint8_t> next = session.nextTransmit(now);
            FUZZ_CHECK(next.size() <= mtu);
            FUZZ_CHECK(next.empty() == (session.pendingTransmits() == 0));
            session.popTransmit();
            const SessionStats stats = session.stats();
            FUZZ_CHECK(stats.conv == conv);
            FUZZ_CHECK(stats.waitSnd == stats.sndQueue + stats.sndBuf);
            break;
        }
        }
        // A driver that never drains would queue without bound; real ones always drain.
        if (session.pendingTransmits() > 4 * MaxDrain)
            drain();
    }

    // FUZZ_VERBOSE=1 with seed files as arguments shows how deep each seed gets.
    static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
    if (verbose)
    {
        const SnmpCounters c = session.stats().counters;
        std::fprintf(stderr,
                     "crypt %s fec %d/%d: in %llu csum-err %llu in-err %llu kcp-err %llu segs "
                     "%llu fec-recovered %llu parity %llu read %llu bytes\n",
                     config.crypt.c_str(), config.dataShards, config.parityShards,
                     static_cast<unsigned long long>(c.InPkts),
                     static_cast<unsigned long long>(c.InCsumErrors),
                     static_cast<unsigned long long>(c.InErrs),
                     static_cast<unsigned long long>(c.KCPInErrors),
                     static_cast<unsigned long long>(c.InSegs),
                     static_cast<unsigned long long>(c.FECRecovered),
                     static_cast<unsigned long long>(c.FECParityShards),
                     static_cast<unsigned long long>(delivered));
    }
    return 0;
}
