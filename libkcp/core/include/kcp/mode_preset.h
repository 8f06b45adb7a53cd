#pragma once

#include <optional>
#include <string_view>

namespace kcp
{

// SetNoDelay(nodelay, interval, resend, nc) parameters.
struct NoDelayParams
{
    int nodelay = 0;     // != 0: min RTO 30 ms and gentler RTO back-off
    int interval = 100;  // ms between flushes, clamped to [10, 5000]
    int resend = 0;      // fast-retransmit threshold, 0 = off
    int nc = 0;          // 1 = no congestion control
};

// kcptun --mode presets (wire-compat.md 1.6): normal 0/40/2/1, fast 0/30/2/1, fast2 1/20/2/1,
// fast3 1/10/2/1. nullopt for "manual" or any other string (kcptun then uses its hidden
// --nodelay/--interval/--resend/--nc flags).
std::optional<NoDelayParams> modePreset(std::string_view mode);

} // namespace kcp
