#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace kcp
{

using SessionKey = std::array<std::uint8_t, 32>;

// kcptun's pre-shared key: PBKDF2-HMAC-SHA1(passphrase UTF-8 bytes, salt "kcp-go", 4096
// iterations, 32 bytes). Each crypt method takes a prefix of it (see packet_crypto.h).
SessionKey deriveKcptunKey(std::string_view passphrase);

} // namespace kcp
