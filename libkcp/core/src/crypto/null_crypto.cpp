#include "crypt_factories.h"

namespace kcp::crypto
{
namespace
{

// Upstream kcptun "null" = kcp-go with block == nil: no nonce, no crc, no cipher. The datagram is
// the body. Debian's kcptun 20210922 does not know the name (it would use AES-256).
class NullCrypto final : public PacketCrypto
{
public:
    std::size_t headerSize() const override { return 0; }

    std::size_t seal(std::uint8_t*, std::size_t bodyLength, RandomSource&) override
    {
        return bodyLength;
    }

    std::optional<std::span<std::uint8_t>> open(std::uint8_t* datagram, std::size_t length) override
    {
        return std::span<std::uint8_t>(datagram, length);
    }

    std::string_view implementation() const override { return "null"; }
};

} // namespace

std::unique_ptr<PacketCrypto> makeNullCrypto()
{
    return std::make_unique<NullCrypto>();
}

} // namespace kcp::crypto
