#include "kcp/key_derivation.h"

#include "pbkdf2.h"

namespace kcp
{

SessionKey deriveKcptunKey(std::string_view passphrase)
{
    // kcptun main.go: pbkdf2.Key([]byte(config.Key), []byte(SALT), 4096, 32, sha1.New), SALT =
    // "kcp-go". Same in kcptun 20210922 and upstream.
    constexpr std::string_view kSalt = "kcp-go";
    constexpr std::size_t kIterations = 4096;
    SessionKey key{};
    crypto::pbkdf2HmacSha1(
        {reinterpret_cast<const std::uint8_t*>(passphrase.data()), passphrase.size()}, kSalt,
        kIterations, key);
    return key;
}

} // namespace kcp
