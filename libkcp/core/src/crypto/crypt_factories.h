#pragma once

#include "kcp/packet_crypto.h"

#include <cstdint>
#include <memory>
#include <span>

// Constructors of the individual methods, one per source file; packet_crypto.cpp maps kcptun
// names onto them.
namespace kcp::crypto
{

// kcp-go CFB over a Botan block cipher (name as Botan spells it, e.g. "Blowfish", "SM4").
std::unique_ptr<BlockCrypt> makeBotanCfb(const char* botanName, std::span<const std::uint8_t> key);

// AES-128/192/256 CFB (key length picks the variant): VAES or AES-NI kernels where the engine and
// CPU allow, else Botan.
std::unique_ptr<BlockCrypt> makeAesCfb(std::span<const std::uint8_t> key, CipherEngine engine);

// kcp-go's TEA: 16 Feistel rounds (8 cycles), CFB.
std::unique_ptr<BlockCrypt> makeTeaCfb(std::span<const std::uint8_t, 16> key);

// XTEA CFB: a latency-tuned serial encrypt, Botan for everything else. Portable = Botan only.
std::unique_ptr<BlockCrypt> makeXteaCfb(std::span<const std::uint8_t, 16> key, CipherEngine engine);

// Salsa20/20, nonce = datagram bytes 0..7 (left in clear), counter 0 per datagram.
std::unique_ptr<BlockCrypt> makeSalsa20(std::span<const std::uint8_t, 32> key, CipherEngine engine);

// XOR with a 1500-byte PBKDF2 table.
std::unique_ptr<BlockCrypt> makeXorCrypt(std::span<const std::uint8_t, 32> key,
                                         CipherEngine engine);

// Identity (kcptun "none": the nonce and crc header stays).
std::unique_ptr<BlockCrypt> makeNoneCrypt();

// nonce16 | crc32 | body framing around any BlockCrypt (every kcptun method).
std::unique_ptr<PacketCrypto> makeNonceCrcCrypto(std::unique_ptr<BlockCrypt> cipher);

// Upstream aes-128-gcm: nonce12 | ciphertext | tag16.
std::unique_ptr<PacketCrypto> makeAes128Gcm(std::span<const std::uint8_t, 16> key);

// Upstream null: no layer at all.
std::unique_ptr<PacketCrypto> makeNullCrypto();

} // namespace kcp::crypto
