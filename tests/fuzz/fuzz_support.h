#pragma once

// Helpers shared by the libFuzzer targets: a cursor over the fuzz input, a deterministic
// RandomSource and an invariant check that aborts (libFuzzer then saves the input as a crash).

#include "kcp/key_derivation.h"
#include "kcp/random_source.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

// assert() vanishes under NDEBUG (RelWithDebInfo); invariants must hold in every build.
#define FUZZ_CHECK(cond)                                                                           \
    do                                                                                             \
    {                                                                                              \
        if (!(cond))                                                                               \
        {                                                                                          \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);      \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

namespace kcp::fuzz
{

// Reads the input front to back; past the end every read yields zeros / empty spans, so a
// target never has to special-case truncated inputs. Little-endian, like the seeds that
// make_seeds.py writes.
class ByteReader
{
public:
    ByteReader(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}

    bool empty() const { return m_pos >= m_size; }
    std::size_t remaining() const { return m_size - m_pos; }

    std::uint8_t u8() { return m_pos < m_size ? m_data[m_pos++] : 0; }
    std::uint16_t u16()
    {
        const std::uint16_t lo = u8();
        return static_cast<std::uint16_t>(lo | u8() << 8);
    }
    std::uint32_t u32()
    {
        const std::uint32_t lo = u16();
        return lo | static_cast<std::uint32_t>(u16()) << 16;
    }
    // Up to n bytes (fewer at the end of the input).
    std::span<const std::uint8_t> bytes(std::size_t n)
    {
        const std::size_t take = n < remaining() ? n : remaining();
        const std::span<const std::uint8_t> out(m_data + m_pos, take);
        m_pos += take;
        return out;
    }

private:
    const std::uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

// xorshift64*: nonces must be reproducible for a crash input to replay; their quality is
// irrelevant here.
class DeterministicRandom final : public RandomSource
{
public:
    explicit DeterministicRandom(std::uint64_t seed = 0x9e3779b97f4a7c15ull) : m_state(seed | 1) {}
    void fill(std::span<std::uint8_t> out) override
    {
        for (std::uint8_t& b : out)
        {
            m_state ^= m_state >> 12;
            m_state ^= m_state << 25;
            m_state ^= m_state >> 27;
            b = static_cast<std::uint8_t>((m_state * 0x2545f4914f6cdd1dull) >> 56);
        }
    }

private:
    std::uint64_t m_state;
};

// The keys of the vector files the seeds come from (hard-coded rather than derived with
// PBKDF2-4096 at start-up, so that a key-derivation bug cannot hide the whole seed corpus):
//   capture: deriveKcptunKey("kcptun-capture-key"), tests/vectors/kcptun_capture.json key_hex
//   test:    deriveKcptunKey("kcptun-test-key"), kcp_crypt.json and fec_packets.json
inline SessionKey keyFromHex(std::string_view hex)
{
    SessionKey key{};
    const auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 0; i < key.size() && 2 * i + 1 < hex.size(); ++i)
        key[i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    return key;
}

inline const SessionKey& captureKey()
{
    static const SessionKey key =
        keyFromHex("83e96b8ba5161106df53affe1546fc7ba6ba129f6832bafdc9562127ce4e9d08");
    return key;
}

inline const SessionKey& testKey()
{
    static const SessionKey key =
        keyFromHex("9ce44e1591981c6056ea15abff1dcce096b6a3ff86d49577eba0c18e318e2040");
    return key;
}

// Conversation ids of the vector files, so seeds reach KCP's parser instead of its conv check:
// kcptun_capture.json, fec_packets.json plain_3_2 / aes128_3_2 / aes_10_3_stream, kcp_crypt.json.
constexpr std::uint32_t SeedConvs[] = {3040669049u, 16909060u, 168496141u, 3735928559u,
                                       0x1a2b3c4du};

} // namespace kcp::fuzz
