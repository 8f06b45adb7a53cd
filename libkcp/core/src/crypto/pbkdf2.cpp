#include "pbkdf2.h"

#include <botan/pwdhash.h>

namespace kcp::crypto
{

void pbkdf2HmacSha1(std::span<const std::uint8_t> password, std::string_view salt,
                    std::size_t iterations, std::span<std::uint8_t> out)
{
    // The password is arbitrary bytes (an HMAC key), not text: the xor table feeds it the binary
    // 32-byte session key.
    const auto pbkdf =
        Botan::PasswordHashFamily::create_or_throw("PBKDF2(SHA-1)")->from_iterations(iterations);
    pbkdf->derive_key(out.data(), out.size(), reinterpret_cast<const char*>(password.data()),
                      password.size(), reinterpret_cast<const std::uint8_t*>(salt.data()),
                      salt.size());
}

} // namespace kcp::crypto
