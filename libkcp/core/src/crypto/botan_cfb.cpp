#include "cfb_mode.h"
#include "crypt_factories.h"

#include <botan/block_cipher.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace kcp::crypto
{
namespace
{

// CfbMode policy over a keyed Botan::BlockCipher. The block size is a template parameter so that
// the CFB XORs compile to fixed-width word operations.
template <std::size_t BlockSize> class BotanBlock
{
public:
    static constexpr std::size_t kBlockSize = BlockSize;

    explicit BotanBlock(std::unique_ptr<Botan::BlockCipher> cipher) : m_cipher(std::move(cipher)) {}

    void encryptBlock(const std::uint8_t* in, std::uint8_t* out) const
    {
        m_cipher->encrypt_n(in, out, 1);
    }

    void encryptBlocks(const std::uint8_t* in, std::uint8_t* out, std::size_t count) const
    {
        m_cipher->encrypt_n(in, out, count);
    }

private:
    std::unique_ptr<Botan::BlockCipher> m_cipher;
};

} // namespace

std::unique_ptr<BlockCrypt> makeBotanCfb(const char* botanName, std::span<const std::uint8_t> key)
{
    auto cipher = Botan::BlockCipher::create_or_throw(botanName);
    cipher->set_key(key.data(), key.size());
    std::string tag = std::string("botan:") + botanName;
    switch (cipher->block_size())
    {
    case 8:
        return std::make_unique<CfbMode<BotanBlock<8>>>(std::move(tag), std::move(cipher));
    case 16:
        return std::make_unique<CfbMode<BotanBlock<16>>>(std::move(tag), std::move(cipher));
    default:
        throw std::invalid_argument(std::string("kcp-go CFB needs an 8 or 16-byte block: ") +
                                    botanName);
    }
}

} // namespace kcp::crypto
