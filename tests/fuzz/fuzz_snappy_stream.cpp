// libFuzzer target: the snappy framing reader (SnappyStreamReader, kcptun's compression layer as
// KCP delivers it) and its round trip with SnappyStreamWriter.
//
// Input: one mode byte, then the body.
//   mode bit 0  round trip: the body is a list of writes [u16 length][bytes]; the writer frames
//               them, the reader gets the stream back in pieces and must return exactly the
//               bytes written.
//   otherwise   the body is a framed stream (the seeds are kcptun's real ones) fed to the reader
//               in pieces: [u16 piece length][bytes] repeated.
//   mode bits 1-7 seed the piece sizes of the round trip.
// Invariants checked: the reader never holds more than one chunk; once it fails it stays failed,
// takes no more input and appends nothing; no chunk decodes to more than 65536 bytes; the
// round trip is exact and never fails.
#include "fuzz_support.h"

#include "kcp/snappy_stream.h"

#include <vector>

namespace
{

using namespace kcp;
using kcp::fuzz::ByteReader;

// The largest chunk the reader must hold: header + checksum + a compressed 64 KiB block.
constexpr std::size_t MaxPendingBytes = 77 * 1024;

void feedChecked(SnappyStreamReader& reader, std::span<const std::uint8_t> piece,
                 std::vector<std::uint8_t>& out)
{
    const bool wasFailed = reader.error() != SnappyStreamError::None;
    const std::size_t before = out.size();
    const bool ok = reader.feed(piece, out);
    FUZZ_CHECK(ok == (reader.error() == SnappyStreamError::None));
    FUZZ_CHECK(ok || !reader.errorString().empty()); // an error always says what it is
    if (wasFailed)
    {
        FUZZ_CHECK(!ok);
        FUZZ_CHECK(out.size() == before);
    }
    // A data chunk is at least 8 bytes (header + checksum), so a piece of n bytes completes at
    // most n / 8 chunks, plus the one held over from earlier pieces; each yields <= 64 KiB.
    FUZZ_CHECK(out.size() - before <= (piece.size() / 8 + 1) * SnappyMaxChunkData);
    FUZZ_CHECK(reader.pendingBytes() <= MaxPendingBytes);
}

void runDecode(ByteReader& in)
{
    SnappyStreamReader reader;
    std::vector<std::uint8_t> out;
    while (!in.empty())
    {
        const auto piece = in.bytes(in.u16());
        feedChecked(reader, piece, out);
        out.clear();
    }
}

void runRoundTrip(ByteReader& in, std::uint8_t pieceSeed)
{
    SnappyStreamWriter writer;
    std::vector<std::uint8_t> written;
    std::vector<std::uint8_t> framed;
    while (!in.empty())
    {
        // Lengths beyond the input repeat it, so 64 KiB+ writes (two chunks) are reachable.
        const std::size_t length = in.u16() + (in.u8() & 1 ? 65536 : 0);
        const auto bytes = in.bytes(length);
        std::vector<std::uint8_t> data(length);
        for (std::size_t i = 0; i < length && !bytes.empty(); ++i)
            data[i] = bytes[i % bytes.size()];
        written.insert(written.end(), data.begin(), data.end());
        writer.write(data, framed);
    }
    SnappyStreamReader reader;
    std::vector<std::uint8_t> decoded;
    fuzz::DeterministicRandom rng(pieceSeed);
    std::size_t offset = 0;
    while (offset < framed.size())
    {
        std::uint8_t r[2];
        rng.fill(r);
        const std::size_t piece =
            std::min<std::size_t>(framed.size() - offset, 1 + (std::size_t(r[0]) << 8 | r[1]));
        feedChecked(reader, std::span(framed).subspan(offset, piece), decoded);
        FUZZ_CHECK(reader.error() == SnappyStreamError::None);
        offset += piece;
    }
    FUZZ_CHECK(reader.pendingBytes() == 0);
    FUZZ_CHECK(decoded == written);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ByteReader in(data, size);
    const std::uint8_t mode = in.u8();
    if (mode & 1)
        runRoundTrip(in, static_cast<std::uint8_t>(mode >> 1));
    else
        runDecode(in);
    return 0;
}
