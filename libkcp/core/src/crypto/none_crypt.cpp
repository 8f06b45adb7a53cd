#include "crypt_factories.h"

namespace kcp::crypto
{
namespace
{

// kcptun "none" (kcp-go noneBlockCrypt): the cipher is the identity, but the datagram still
// carries the 16-byte nonce and the crc32, so it is not the same as upstream "null".
class NoneCrypt final : public BlockCrypt
{
public:
    void encrypt(std::uint8_t*, std::size_t) override {}
    void decrypt(std::uint8_t*, std::size_t) override {}
    std::string_view implementation() const override { return "none"; }
};

} // namespace

std::unique_ptr<BlockCrypt> makeNoneCrypt()
{
    return std::make_unique<NoneCrypt>();
}

} // namespace kcp::crypto
