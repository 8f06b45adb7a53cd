#pragma once

#include <cstdint>

namespace kcp
{

// Milliseconds on an arbitrary monotonic clock owned by the caller, wrapping at 2^32 exactly
// like kcp-go's currentMs(). Core code never reads a clock: every time-dependent call takes one.
using Millis = std::uint32_t;

// Wrap-safe signed distance later - earlier, kcp-go's _itimediff().
constexpr std::int32_t timeDiff(Millis later, Millis earlier)
{
    return static_cast<std::int32_t>(later - earlier);
}

} // namespace kcp
