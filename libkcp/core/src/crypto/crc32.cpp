#include "kcp/crc32.h"

#include <isa-l/crc.h>

namespace kcp
{

std::uint32_t crc32Ieee(const std::uint8_t* data, std::size_t length)
{
    // ISA-L's gzip CRC applies zlib's pre- and post-inversion itself: seed 0 == zlib crc32(0,..).
    return crc32_gzip_refl(0, data, length);
}

std::uint32_t crc32c(const std::uint8_t* data, std::size_t length)
{
    // crc32_iscsi takes the raw register (0xFFFFFFFF to start) and returns it uninverted.
    return ~crc32_iscsi(const_cast<unsigned char*>(data), static_cast<int>(length), 0xFFFFFFFFu);
}

} // namespace kcp
