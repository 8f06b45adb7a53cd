#include "kcp/snappy_stream.h"

#include "kcp/crc32.h"

#include <snappy.h>

#include <algorithm>
#include <array>

namespace kcp
{

namespace
{

constexpr std::uint8_t ChunkCompressed = 0x00;
constexpr std::uint8_t ChunkUncompressed = 0x01;
constexpr std::uint8_t ChunkPadding = 0xfe;
constexpr std::uint8_t ChunkStreamIdentifier = 0xff;

// ff | length 6 (u24le) | "sNaPpY"
constexpr std::array<std::uint8_t, 10> StreamIdentifier = {0xff, 0x06, 0x00, 0x00, 's',
                                                           'N',  'a',  'P',  'p',  'Y'};

// golang/snappy's reader refuses chunks longer than its read buffer, which holds the largest
// compressed block of 65536 bytes (MaxEncodedLen = 32 + n + n/6 = 76490) plus the checksum.
constexpr std::size_t MaxChunkLength = 76490 + SnappyChecksumSize;

void putU32le(std::uint8_t* out, std::uint32_t v)
{
    out[0] = std::uint8_t(v);
    out[1] = std::uint8_t(v >> 8);
    out[2] = std::uint8_t(v >> 16);
    out[3] = std::uint8_t(v >> 24);
}

std::uint32_t getU32le(const std::uint8_t* in)
{
    return std::uint32_t(in[0]) | std::uint32_t(in[1]) << 8 | std::uint32_t(in[2]) << 16 |
           std::uint32_t(in[3]) << 24;
}

} // namespace

std::uint32_t snappyMaskedCrc(std::span<const std::uint8_t> data)
{
    const std::uint32_t c = crc32c(data.data(), data.size());
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

void SnappyStreamWriter::write(std::span<const std::uint8_t> data, std::vector<std::uint8_t>& out)
{
    while (!data.empty())
    {
        if (!m_wroteStreamIdentifier)
        {
            out.insert(out.end(), StreamIdentifier.begin(), StreamIdentifier.end());
            m_wroteStreamIdentifier = true;
        }
        const std::span<const std::uint8_t> block = data.first(std::min(data.size(),
                                                                        SnappyMaxChunkData));
        data = data.subspan(block.size());

        m_scratch.resize(snappy::MaxCompressedLength(block.size()));
        std::size_t compressedLength = 0;
        snappy::RawCompress(reinterpret_cast<const char*>(block.data()), block.size(),
                            m_scratch.data(), &compressedLength);

        // golang/snappy keeps the compressed form only if it saves at least 12.5 %.
        const bool compressed = compressedLength < block.size() - block.size() / 8;
        const std::size_t dataLength = compressed ? compressedLength : block.size();
        const std::size_t chunkLength = SnappyChecksumSize + dataLength;

        const std::size_t at = out.size();
        out.resize(at + SnappyChunkHeaderSize + chunkLength);
        std::uint8_t* p = out.data() + at;
        p[0] = compressed ? ChunkCompressed : ChunkUncompressed;
        p[1] = std::uint8_t(chunkLength);
        p[2] = std::uint8_t(chunkLength >> 8);
        p[3] = std::uint8_t(chunkLength >> 16);
        putU32le(p + 4, snappyMaskedCrc(block));
        if (compressed)
            std::copy_n(reinterpret_cast<const std::uint8_t*>(m_scratch.data()), dataLength, p + 8);
        else
            std::copy(block.begin(), block.end(), p + 8);
    }
}

std::string_view snappyStreamErrorString(SnappyStreamError error)
{
    switch (error)
    {
    case SnappyStreamError::None:
        return {};
    case SnappyStreamError::MissingStreamIdentifier:
        return "snappy: stream does not start with the sNaPpY identifier (peer not compressing?)";
    case SnappyStreamError::BadStreamIdentifier:
        return "snappy: corrupt stream identifier chunk";
    case SnappyStreamError::ChunkTooLarge:
        return "snappy: chunk longer than any snappy writer produces";
    case SnappyStreamError::ReservedChunk:
        return "snappy: unsupported reserved chunk type";
    case SnappyStreamError::CorruptBlock:
        return "snappy: corrupt compressed block";
    case SnappyStreamError::ChecksumMismatch:
        return "snappy: checksum mismatch (corrupt input)";
    }
    return "snappy: unknown error";
}

bool SnappyStreamReader::feed(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out)
{
    if (m_error != SnappyStreamError::None)
        return false;

    // Complete a chunk left over from the previous call first.
    if (!m_pending.empty())
    {
        if (m_pending.size() < SnappyChunkHeaderSize)
        {
            const std::size_t take = std::min(input.size(),
                                               SnappyChunkHeaderSize - m_pending.size());
            m_pending.insert(m_pending.end(), input.begin(), input.begin() + take);
            input = input.subspan(take);
            if (m_pending.size() < SnappyChunkHeaderSize)
                return true;
        }
        const std::size_t length = std::size_t(m_pending[1]) | std::size_t(m_pending[2]) << 8 |
                                   std::size_t(m_pending[3]) << 16;
        if (length > MaxChunkLength)
        {
            m_error = SnappyStreamError::ChunkTooLarge;
            return false;
        }
        const std::size_t whole = SnappyChunkHeaderSize + length;
        const std::size_t take = std::min(input.size(), whole - m_pending.size());
        m_pending.insert(m_pending.end(), input.begin(), input.begin() + take);
        input = input.subspan(take);
        if (m_pending.size() < whole)
            return true;
        const bool ok = decodeChunk(m_pending, out);
        m_pending.clear();
        if (!ok)
            return false;
    }

    // Then whole chunks straight from the input, without copying.
    while (input.size() >= SnappyChunkHeaderSize)
    {
        const std::size_t length = std::size_t(input[1]) | std::size_t(input[2]) << 8 |
                                   std::size_t(input[3]) << 16;
        if (length > MaxChunkLength)
        {
            m_error = SnappyStreamError::ChunkTooLarge;
            return false;
        }
        if (input.size() < SnappyChunkHeaderSize + length)
            break;
        if (!decodeChunk(input.first(SnappyChunkHeaderSize + length), out))
            return false;
        input = input.subspan(SnappyChunkHeaderSize + length);
    }
    m_pending.assign(input.begin(), input.end());
    return true;
}

bool SnappyStreamReader::decodeChunk(std::span<const std::uint8_t> chunk,
                                     std::vector<std::uint8_t>& out)
{
    const std::uint8_t type = chunk[0];
    const std::span<const std::uint8_t> body = chunk.subspan(SnappyChunkHeaderSize);

    if (!m_sawStreamIdentifier && type != ChunkStreamIdentifier)
    {
        m_error = SnappyStreamError::MissingStreamIdentifier;
        return false;
    }

    switch (type)
    {
    case ChunkStreamIdentifier:
        if (!std::equal(chunk.begin(), chunk.end(), StreamIdentifier.begin(),
                        StreamIdentifier.end()))
        {
            m_error = SnappyStreamError::BadStreamIdentifier;
            return false;
        }
        m_sawStreamIdentifier = true;
        return true;

    case ChunkCompressed:
    case ChunkUncompressed:
    {
        if (body.size() < SnappyChecksumSize)
        {
            m_error = SnappyStreamError::CorruptBlock;
            return false;
        }
        const std::uint32_t checksum = getU32le(body.data());
        const std::span<const std::uint8_t> payload = body.subspan(SnappyChecksumSize);
        const std::size_t at = out.size();
        if (type == ChunkCompressed)
        {
            const char* src = reinterpret_cast<const char*>(payload.data());
            std::size_t decodedLength = 0;
            if (!snappy::GetUncompressedLength(src, payload.size(), &decodedLength) ||
                decodedLength > SnappyMaxChunkData)
            {
                m_error = SnappyStreamError::CorruptBlock;
                return false;
            }
            out.resize(at + decodedLength);
            if (!snappy::RawUncompress(src, payload.size(),
                                       reinterpret_cast<char*>(out.data() + at)))
            {
                out.resize(at);
                m_error = SnappyStreamError::CorruptBlock;
                return false;
            }
        }
        else
        {
            if (payload.size() > SnappyMaxChunkData)
            {
                m_error = SnappyStreamError::CorruptBlock;
                return false;
            }
            out.insert(out.end(), payload.begin(), payload.end());
        }
        if (snappyMaskedCrc(std::span(out).subspan(at)) != checksum)
        {
            // Deliver nothing of a chunk that fails its checksum.
            out.resize(at);
            m_error = SnappyStreamError::ChecksumMismatch;
            return false;
        }
        return true;
    }

    default:
        // Padding and the reserved skippable types 0x80..0xfd are skipped; the reserved
        // unskippable types 0x02..0x7f mean a newer format we cannot read.
        if (type == ChunkPadding || type >= 0x80)
            return true;
        m_error = SnappyStreamError::ReservedChunk;
        return false;
    }
}

} // namespace kcp
