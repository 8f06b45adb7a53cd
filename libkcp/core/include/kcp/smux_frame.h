#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace kcp
{

// smux frame (xtaci/smux, wire-compat.md 4.1), all little-endian:
//     0 ver u8 (1 or 2) | 1 cmd u8 | 2 length u16 | 4 sid u32 | 8 payload[length]
constexpr std::size_t SmuxHeaderSize = 8;
// A v2 UPD frame's payload: consumed u32le | window u32le.
constexpr std::size_t SmuxUpdatePayloadSize = 8;

enum class SmuxCommand : std::uint8_t
{
    Syn = 0,     // open stream sid
    Fin = 1,     // sender closed stream sid
    Psh = 2,     // data
    Nop = 3,     // keepalive, sid 0
    Update = 4,  // v2 only: consumed u32 | window u32
};

struct SmuxFrame
{
    std::uint8_t version = 1;
    SmuxCommand command = SmuxCommand::Nop;
    std::uint32_t streamId = 0;
    std::span<const std::uint8_t> payload;  // view into the parsed buffer
};

enum class SmuxParseStatus
{
    Frame,       // one frame parsed; consumed says how many bytes it took
    NeedMore,    // the buffer ends inside a frame
    BadVersion,  // version byte differs from the session's: peers configured differently
    BadCommand,  // unknown cmd, or a length that cmd never carries
};

struct SmuxParseResult
{
    SmuxParseStatus status = SmuxParseStatus::NeedMore;
    SmuxFrame frame;
    std::size_t consumed = 0;
};

// Parses the frame at the start of bytes for a session of the given version (1 or 2). Enforces
// what upstream smux enforces: no payload on SYN/FIN/NOP, exactly 8 bytes on UPD, UPD only in v2.
SmuxParseResult parseSmuxFrame(std::span<const std::uint8_t> bytes, std::uint8_t version);

// Writes the 8-byte header for a frame whose payload is payloadLength bytes.
void writeSmuxHeader(std::uint8_t* out, std::uint8_t version, SmuxCommand command,
                     std::uint16_t payloadLength, std::uint32_t streamId);

} // namespace kcp
