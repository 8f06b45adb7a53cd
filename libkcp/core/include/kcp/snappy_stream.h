#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kcp
{

// Snappy framing format (google/snappy framing_format.txt) as kcptun's compression layer uses it
// (wire-compat.md 5.2): golang/snappy 0.0.2's buffered writer, flushed after every write, between
// smux and KCP. Every chunk:
//
//     0 type u8 | 1 length u24le (= 4 + data bytes) | 4 masked crc32c(uncompressed) u32le | 8 data
//
// The stream opens with the stream identifier chunk ff 06 00 00 "sNaPpY".
// type 0x00 compressed block, 0x01 uncompressed data, 0xfe padding, 0x80..0xfd skippable,
// 0x02..0x7f reserved (a reader must fail on them).
constexpr std::size_t SnappyChunkHeaderSize = 4;
constexpr std::size_t SnappyChecksumSize = 4;
// At most this many uncompressed bytes per chunk (framing_format.txt 4.2/4.3).
constexpr std::size_t SnappyMaxChunkData = 65536;

// Masked CRC-32C of the uncompressed bytes: ((c >> 15) | (c << 17)) + 0xa282ead8.
std::uint32_t snappyMaskedCrc(std::span<const std::uint8_t> data);

// Encodes a byte stream into framing-format chunks exactly as golang/snappy's buffered Writer
// does when flushed after each Write (kcptun's CompStream): the stream identifier once, before
// the first chunk; then one chunk per 65536 bytes of each write, compressed (type 0x00) only if
// the compressed block is shorter than n - n/8, else stored (type 0x01).
//
// Blocks are compressed with libsnappy; the block encoding is valid snappy for any reader, and is
// byte-identical to golang/snappy's for the kcptun vectors (tests/vectors/snappy_stream.json).
// Single-threaded value object; no allocation per write after the first (scratch is reused).
class SnappyStreamWriter
{
public:
    // Appends the chunks for data to out (nothing for empty data, like golang/snappy).
    void write(std::span<const std::uint8_t> data, std::vector<std::uint8_t>& out);

    bool wroteStreamIdentifier() const { return m_wroteStreamIdentifier; }

private:
    bool m_wroteStreamIdentifier = false;
    std::string m_scratch;
};

enum class SnappyStreamError
{
    None,
    MissingStreamIdentifier,  // first chunk is not ff 06 00 00 "sNaPpY"
    BadStreamIdentifier,      // a stream identifier chunk of the wrong length or content
    ChunkTooLarge,            // chunk length beyond what golang/snappy accepts
    ReservedChunk,            // unskippable reserved type 0x02..0x7f
    CorruptBlock,             // compressed block libsnappy cannot decode, or decodes > 65536
    ChecksumMismatch,         // crc32c of the uncompressed data differs from the chunk's
};

std::string_view snappyStreamErrorString(SnappyStreamError error);

// Decodes a framing-format stream fed in arbitrary pieces (as KCP delivers it). Accepts
// compressed and uncompressed chunks, repeated stream identifiers, padding and skippable chunks;
// verifies every checksum. The first error is sticky: the stream cannot be resynchronised (the
// peer's compression layer and ours disagree, or a corrupt byte got through), so the caller must
// drop the session, as kcptun does on "snappy: corrupt input".
// Single-threaded value object.
class SnappyStreamReader
{
public:
    // Consumes all of input, appending decoded bytes to out. A chunk split across calls is kept
    // internally (at most one chunk, < 77 KiB). Returns false once the stream is corrupt.
    bool feed(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out);

    SnappyStreamError error() const { return m_error; }
    std::string_view errorString() const { return snappyStreamErrorString(m_error); }
    // Bytes of an incomplete chunk held since the last feed().
    std::size_t pendingBytes() const { return m_pending.size(); }

private:
    // Decodes one whole chunk (header included). Returns false on error.
    bool decodeChunk(std::span<const std::uint8_t> chunk, std::vector<std::uint8_t>& out);

    std::vector<std::uint8_t> m_pending;
    bool m_sawStreamIdentifier = false;
    SnappyStreamError m_error = SnappyStreamError::None;
};

} // namespace kcp
