// libFuzzer target: PacketCrypto::open(), the first code every received datagram meets, for
// every crypt name and every CipherEngine.
//
// Input: one mode byte, then the rest R.
//   bit 0  0: open R as a received datagram; 1: seal R as a body, then open what was sealed
//   bit 1  key: 0 the capture key, 1 the kcp_crypt.json / fec_packets.json key
// Invariants checked:
//   open        an accepted body is a view inside the datagram of length - overhead() bytes, and
//               the engines (Best, Avx2, Portable) agree on accept/reject and on the body.
//   round trip  seal() returns header + body + trailer, every engine seals to the same bytes
//               (same nonces) and every engine opens them back to the body.
#include "fuzz_support.h"

#include "kcp/packet_crypto.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace
{

using namespace kcp;
using kcp::fuzz::ByteReader;

// kcp-go reads at most 1500 bytes per datagram and SessionCore drops anything longer before
// open(), but packet_crypto.h sets no limit (xor, for one, must stop at its 1500-byte table), so
// longer datagrams are tried too.
constexpr std::size_t MaxDatagram = 4096;

constexpr std::array<CipherEngine, 3> Engines{CipherEngine::Best, CipherEngine::Avx2,
                                              CipherEngine::Portable};

struct Method
{
    std::string name;
    std::array<std::unique_ptr<PacketCrypto>, Engines.size()> byEngine;
};

// Built once: keying (PBKDF2 for xor, key schedules) would otherwise dominate every run.
std::vector<Method> buildMethods(const SessionKey& key)
{
    std::vector<Method> methods;
    for (const std::string& name : packetCryptNames())
    {
        Method m{name, {}};
        for (std::size_t e = 0; e < Engines.size(); ++e)
            m.byEngine[e] = makePacketCrypto(name, key, Engines[e]);
        methods.push_back(std::move(m));
    }
    return methods;
}

const std::vector<Method>& methodsFor(bool testKey)
{
    static const std::vector<Method> capture = buildMethods(fuzz::captureKey());
    static const std::vector<Method> test = buildMethods(fuzz::testKey());
    return testKey ? test : capture;
}

// Exactly sized heap copy, so that ASan flags any access past either end.
std::unique_ptr<std::uint8_t[]> copyOf(std::span<const std::uint8_t> bytes, std::size_t size)
{
    auto buffer = std::make_unique<std::uint8_t[]>(size);
    if (!bytes.empty())
        std::memcpy(buffer.get(), bytes.data(), bytes.size());
    return buffer;
}

void checkOpen(const Method& method, std::span<const std::uint8_t> datagram)
{
    std::optional<std::vector<std::uint8_t>> first;
    for (std::size_t e = 0; e < Engines.size(); ++e)
    {
        PacketCrypto& crypto = *method.byEngine[e];
        const auto buffer = copyOf(datagram, datagram.size());
        const auto opened = crypto.open(buffer.get(), datagram.size());
        std::optional<std::vector<std::uint8_t>> body;
        if (opened)
        {
            FUZZ_CHECK(datagram.size() >= crypto.overhead());
            FUZZ_CHECK(opened->size() == datagram.size() - crypto.overhead());
            FUZZ_CHECK(opened->data() >= buffer.get());
            FUZZ_CHECK(opened->data() + opened->size() <= buffer.get() + datagram.size());
            body.emplace(opened->begin(), opened->end());
        }
        if (e == 0)
            first = std::move(body);
        else
            FUZZ_CHECK(body == first); // engines differ only in speed
    }
}

void checkRoundTrip(const Method& method, std::span<const std::uint8_t> body)
{
    const PacketCrypto& reference = *method.byEngine[0];
    const std::size_t header = reference.headerSize();
    if (reference.overhead() + body.size() > MaxDatagram)
        body = body.first(MaxDatagram - reference.overhead());
    const std::size_t length = reference.overhead() + body.size();

    std::vector<std::uint8_t> sealedByFirst;
    for (std::size_t e = 0; e < Engines.size(); ++e)
    {
        PacketCrypto& crypto = *method.byEngine[e];
        FUZZ_CHECK(crypto.headerSize() == header);
        FUZZ_CHECK(crypto.overhead() == reference.overhead());

        auto buffer = std::make_unique<std::uint8_t[]>(length);
        if (!body.empty())
            std::memcpy(buffer.get() + header, body.data(), body.size());
        fuzz::DeterministicRandom random(0x5eed);
        FUZZ_CHECK(crypto.seal(buffer.get(), body.size(), random) == length);
        if (e == 0)
            sealedByFirst.assign(buffer.get(), buffer.get() + length);
        else
            FUZZ_CHECK(std::equal(sealedByFirst.begin(), sealedByFirst.end(), buffer.get()));
    }

    for (std::size_t e = 0; e < Engines.size(); ++e)
    {
        const auto buffer = copyOf(sealedByFirst, length);
        const auto opened = method.byEngine[e]->open(buffer.get(), length);
        FUZZ_CHECK(opened.has_value());
        FUZZ_CHECK(opened->size() == body.size());
        FUZZ_CHECK(std::equal(body.begin(), body.end(), opened->begin()));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ByteReader in(data, size);
    const std::uint8_t mode = in.u8();
    const std::span<const std::uint8_t> rest = in.bytes(MaxDatagram);
    for (const Method& method : methodsFor(mode & 2))
    {
        if (mode & 1)
            checkRoundTrip(method, rest);
        else
            checkOpen(method, rest);
    }
    return 0;
}
