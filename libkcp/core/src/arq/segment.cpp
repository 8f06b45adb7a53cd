#include "kcp/segment.h"

#include <cstring>

namespace kcp
{

namespace
{

inline std::uint8_t* putU32(std::uint8_t* p, std::uint32_t v)
{
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
    p[2] = static_cast<std::uint8_t>(v >> 16);
    p[3] = static_cast<std::uint8_t>(v >> 24);
    return p + 4;
}

inline const std::uint8_t* getU32(const std::uint8_t* p, std::uint32_t& v)
{
    v = std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
        std::uint32_t(p[3]) << 24;
    return p + 4;
}

} // namespace

std::uint8_t* encodeSegmentHeader(std::uint8_t* out, const SegmentHeader& h)
{
    out = putU32(out, h.conv);
    *out++ = h.cmd;
    *out++ = h.frg;
    *out++ = static_cast<std::uint8_t>(h.wnd);
    *out++ = static_cast<std::uint8_t>(h.wnd >> 8);
    out = putU32(out, h.ts);
    out = putU32(out, h.sn);
    out = putU32(out, h.una);
    return putU32(out, h.len);
}

const std::uint8_t* decodeSegmentHeader(const std::uint8_t* in, SegmentHeader& h)
{
    in = getU32(in, h.conv);
    h.cmd = *in++;
    h.frg = *in++;
    h.wnd = static_cast<std::uint16_t>(in[0] | in[1] << 8);
    in += 2;
    in = getU32(in, h.ts);
    in = getU32(in, h.sn);
    in = getU32(in, h.una);
    return getU32(in, h.len);
}

} // namespace kcp
