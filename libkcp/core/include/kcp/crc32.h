#pragma once

#include <cstddef>
#include <cstdint>

namespace kcp
{

// CRC-32/IEEE (zlib's crc32, reflected 0xEDB88320, init and xorout 0xFFFFFFFF), as kcp-go puts
// in bytes 16..19 of every datagram. Backed by ISA-L's vectorised implementation.
std::uint32_t crc32Ieee(const std::uint8_t* data, std::size_t length);

// CRC-32C (Castagnoli), unmasked; used by the snappy framing format.
std::uint32_t crc32c(const std::uint8_t* data, std::size_t length);

} // namespace kcp
