#pragma once

#include <cstddef>
#include <cstdint>

namespace kcp
{

// KCP segment header, 24 bytes, all little-endian (identical to skywind3000 ikcp.c):
//     0 conv u32 | 4 cmd u8 | 5 frg u8 | 6 wnd u16 | 8 ts u32 | 12 sn u32 | 16 una u32 | 20 len u32
constexpr std::size_t SegmentHeaderSize = 24;   // IKCP_OVERHEAD

enum class Command : std::uint8_t
{
    Push = 81,        // data
    Ack = 82,         // sn acknowledged, ts echoed
    WindowAsk = 83,   // window probe
    WindowTell = 84,  // window answer
};

struct SegmentHeader
{
    std::uint32_t conv = 0;
    std::uint8_t cmd = 0;
    std::uint8_t frg = 0;
    std::uint16_t wnd = 0;
    std::uint32_t ts = 0;
    std::uint32_t sn = 0;
    std::uint32_t una = 0;
    std::uint32_t len = 0;
};

// Writes 24 bytes; returns out + 24.
std::uint8_t* encodeSegmentHeader(std::uint8_t* out, const SegmentHeader& header);
// Reads 24 bytes (the caller checks the length); returns in + 24.
const std::uint8_t* decodeSegmentHeader(const std::uint8_t* in, SegmentHeader& header);

} // namespace kcp
