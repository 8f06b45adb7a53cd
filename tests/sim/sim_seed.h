#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace sim
{

// splitmix64: spreads one run seed into the independent streams a simulation needs.
inline std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// A ChaChaRandom seed derived from a run seed.
inline std::array<std::uint8_t, 32> seedBytes(std::uint64_t seed)
{
    std::array<std::uint8_t, 32> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(splitmix(seed + i / 8) >> (8 * (i % 8)));
    return bytes;
}

} // namespace sim
