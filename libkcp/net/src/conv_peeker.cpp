#include "conv_peeker.h"

#include "kcp/fec.h"
#include "kcp/segment.h"

#include <cstring>
#include <stdexcept>

namespace kcp::net::detail
{

namespace
{

std::uint16_t readU16(const std::uint8_t* p)
{
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

std::uint32_t readU32(const std::uint8_t* p)
{
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

constexpr std::size_t SnOffset = 12; // IKCP_SN_OFFSET

} // namespace

ConvPeeker::ConvPeeker(const SessionConfig& config)
    : m_crypto(makePacketCrypto(config.crypt, config.key))
{
    m_header = m_crypto->headerSize();
    m_plain = m_header == 0 && m_crypto->trailerSize() == 0;
    try
    {
        if (!m_plain && m_crypto->trailerSize() == 0)
            m_block = makeBlockCrypt(config.crypt, config.key);
    }
    catch (const std::invalid_argument&)
    {
        m_block.reset(); // no bare cipher for this method: peek() takes the full path
    }
}

ConvPeeker::~ConvPeeker() = default;

ConvPeeker::Header ConvPeeker::parse(const std::uint8_t* body, std::size_t bodyLength)
{
    Header h;
    if (bodyLength < SegmentHeaderSize)
    {
        h.kind = Kind::Malformed;
        return h;
    }
    // kcp-go: bytes 4..5 as u16le; 0x00f1/0x00f2 cannot be a KCP cmd (81..84) + frg pair.
    const std::uint16_t flag = readU16(body + 4);
    if (flag == FecTypeParity)
    {
        h.kind = Kind::Parity;
        return h;
    }
    const std::uint8_t* kcp = body;
    if (flag == FecTypeData)
    {
        if (bodyLength < FecHeaderSize + SegmentHeaderSize)
        {
            h.kind = Kind::Malformed;
            return h;
        }
        kcp = body + FecHeaderSize;
    }
    h.kind = Kind::Segment;
    h.conv = readU32(kcp);
    h.cmd = kcp[4];
    h.sn = readU32(kcp + SnOffset);
    return h;
}

ConvPeeker::Header ConvPeeker::peek(const std::uint8_t* data, std::size_t length)
{
    if (length < m_header)
        return Header{};
    if (m_plain)
        return parse(data, length);
    if (!m_block)
        return authenticate(data, length);
    const std::size_t prefix = std::min(length, m_header + FecHeaderSize + SegmentHeaderSize);
    std::memcpy(m_scratch.data(), data, prefix);
    m_block->decrypt(m_scratch.data(), prefix);
    Header h = parse(m_scratch.data() + m_header, length - m_header);
    return h;
}

ConvPeeker::Header ConvPeeker::authenticate(const std::uint8_t* data, std::size_t length)
{
    if (length < m_header + m_crypto->trailerSize() || length > m_scratch.size())
        return Header{};
    std::memcpy(m_scratch.data(), data, length);
    const auto body = m_crypto->open(m_scratch.data(), length);
    if (!body)
    {
        Header h;
        h.kind = Kind::BadChecksum;
        return h;
    }
    return parse(body->data(), body->size());
}

} // namespace kcp::net::detail
