#include "kcp/fec.h"

namespace kcp
{

bool isFecPacket(std::span<const std::uint8_t> body)
{
    if (body.size() < 6)
        return false;
    const std::uint16_t type = static_cast<std::uint16_t>(body[4] | body[5] << 8);
    return type == FecTypeData || type == FecTypeParity;
}

} // namespace kcp
