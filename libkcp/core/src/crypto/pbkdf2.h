#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace kcp::crypto
{

// PBKDF2-HMAC-SHA1 (RFC 8018) as golang.org/x/crypto/pbkdf2.Key(password, salt, iterations,
// out.size(), sha1.New). Both kcptun's key derivation and kcp-go's xor table use it.
void pbkdf2HmacSha1(std::span<const std::uint8_t> password, std::string_view salt,
                    std::size_t iterations, std::span<std::uint8_t> out);

} // namespace kcp::crypto
