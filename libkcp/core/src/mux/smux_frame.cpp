#include "kcp/smux_frame.h"

namespace kcp
{

SmuxParseResult parseSmuxFrame(std::span<const std::uint8_t> bytes, std::uint8_t version)
{
    SmuxParseResult result;
    if (bytes.size() < SmuxHeaderSize)
        return result;
    if (bytes[0] != version)
    {
        result.status = SmuxParseStatus::BadVersion;
        return result;
    }
    const std::uint8_t command = bytes[1];
    const std::size_t length = std::size_t(bytes[2]) | std::size_t(bytes[3]) << 8;
    const std::uint32_t streamId = std::uint32_t(bytes[4]) | std::uint32_t(bytes[5]) << 8 |
                                   std::uint32_t(bytes[6]) << 16 | std::uint32_t(bytes[7]) << 24;

    bool lengthOk = false;
    switch (static_cast<SmuxCommand>(command))
    {
    case SmuxCommand::Syn:
    case SmuxCommand::Fin:
    case SmuxCommand::Nop:
        lengthOk = length == 0;
        break;
    case SmuxCommand::Psh:
        lengthOk = true;
        break;
    case SmuxCommand::Update:
        lengthOk = version >= 2 && length == SmuxUpdatePayloadSize;
        break;
    }
    if (command > static_cast<std::uint8_t>(SmuxCommand::Update) || !lengthOk)
    {
        result.status = SmuxParseStatus::BadCommand;
        return result;
    }
    if (bytes.size() < SmuxHeaderSize + length)
        return result;

    result.status = SmuxParseStatus::Frame;
    result.frame.version = version;
    result.frame.command = static_cast<SmuxCommand>(command);
    result.frame.streamId = streamId;
    result.frame.payload = bytes.subspan(SmuxHeaderSize, length);
    result.consumed = SmuxHeaderSize + length;
    return result;
}

void writeSmuxHeader(std::uint8_t* out, std::uint8_t version, SmuxCommand command,
                     std::uint16_t payloadLength, std::uint32_t streamId)
{
    out[0] = version;
    out[1] = static_cast<std::uint8_t>(command);
    out[2] = static_cast<std::uint8_t>(payloadLength);
    out[3] = static_cast<std::uint8_t>(payloadLength >> 8);
    out[4] = static_cast<std::uint8_t>(streamId);
    out[5] = static_cast<std::uint8_t>(streamId >> 8);
    out[6] = static_cast<std::uint8_t>(streamId >> 16);
    out[7] = static_cast<std::uint8_t>(streamId >> 24);
}

} // namespace kcp
