#include "kcp/mode_preset.h"

namespace kcp
{

std::optional<NoDelayParams> modePreset(std::string_view mode)
{
    // kcptun main.go: the preset is applied after flags and JSON, overriding both.
    if (mode == "normal")
        return NoDelayParams{0, 40, 2, 1};
    if (mode == "fast")
        return NoDelayParams{0, 30, 2, 1};
    if (mode == "fast2")
        return NoDelayParams{1, 20, 2, 1};
    if (mode == "fast3")
        return NoDelayParams{1, 10, 2, 1};
    return std::nullopt;
}

} // namespace kcp
