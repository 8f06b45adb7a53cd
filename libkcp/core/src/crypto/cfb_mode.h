#pragma once

#include "cpu_features.h"
#include "kcp/packet_crypto.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kcp::crypto
{

// kcp-go crypt.go `initialVector`: the fixed CFB IV of every block-cipher method. 8-byte-block
// ciphers use its first 8 bytes. Datagrams are de-correlated by the random nonce in block 0, not
// by the IV.
inline constexpr std::array<std::uint8_t, 16> kCfbIv = {
    0xa7, 0x73, 0x4f, 0x9c, 0x12, 0xac, 0x1b, 0x01, 0xa4, 0x15, 0xf2, 0xc1, 0xfc, 0x78, 0xe6, 0x6b};

// XORs n bytes of key stream into data. Fixed n compiles to one or two word operations.
template <std::size_t N> inline void xorBlock(std::uint8_t* data, const std::uint8_t* keyStream)
{
    static_assert(N % 8 == 0);
    for (std::size_t i = 0; i < N; i += 8)
    {
        std::uint64_t a, b;
        std::memcpy(&a, data + i, 8);
        std::memcpy(&b, keyStream + i, 8);
        a ^= b;
        std::memcpy(data + i, &a, 8);
    }
}

inline std::uint32_t loadBe32(const std::uint8_t* p)
{
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

inline void storeBe32(std::uint8_t* p, std::uint32_t v)
{
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

inline void xorBytes(std::uint8_t* data, const std::uint8_t* keyStream, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        data[i] ^= keyStream[i];
}

// kcp-go's CFB (crypt.go encrypt8/16, decrypt8/16), which is standard full-block CFB:
//     K_0 = E(IV), C_i = P_i ^ K_i, K_{i+1} = E(C_i); a trailing partial block uses the leading
//     bytes of its K.
// Cipher is a policy with `static constexpr std::size_t kBlockSize`,
// `encryptBlock(const uint8_t* in, uint8_t* out)` and `encryptBlocks(in, out, count)` (ECB over
// independent blocks, as fast as the cipher can go in parallel), and optionally
// `encryptWords(uint32_t& v0, uint32_t& v1)` for 8-byte ciphers on big-endian words.
//
// Encryption is inherently serial (each K needs the previous ciphertext). Decryption is not: every
// K_i = E(C_{i-1}) is known up front, so the key stream comes from one bulk ECB call into a member
// scratch buffer (no heap per packet). K_0 never changes for a key, so it is computed once.
template <class Cipher> class CfbMode final : public BlockCrypt
{
public:
    static constexpr std::size_t B = Cipher::kBlockSize;

    template <class... Args>
    explicit CfbMode(std::string implementation, Args&&... args)
        : m_cipher(std::forward<Args>(args)...), m_implementation(std::move(implementation))
    {
        m_cipher.encryptBlock(kCfbIv.data(), m_firstKeyStream.data());
    }

    void encrypt(std::uint8_t* data, std::size_t length) override
    {
        clearUpperVectorState();
        if constexpr (requires(std::uint32_t & a) { m_cipher.encryptWords(a, a); })
        {
            encryptInWords(data, length);
            return;
        }
        alignas(16) std::uint8_t k[B];
        std::memcpy(k, m_firstKeyStream.data(), B);
        const std::size_t full = length / B;
        for (std::size_t i = 0; i < full; ++i)
        {
            std::uint8_t* block = data + i * B;
            xorBlock<B>(block, k);
            m_cipher.encryptBlock(block, k);
        }
        xorBytes(data + full * B, k, length % B);
    }

    void decrypt(std::uint8_t* data, std::size_t length) override
    {
        clearUpperVectorState();
        const std::size_t blocks = (length + B - 1) / B; // the last one may be partial
        // Walk the chunks from the end: chunk [first, end) reads ciphertext blocks first-1..end-2
        // and overwrites first..end-1, so earlier chunks still find their ciphertext intact.
        std::size_t end = blocks;
        while (end > 1)
        {
            const std::size_t first = end - std::min(end - 1, kScratchBlocks);
            const std::size_t count = end - first;
            m_cipher.encryptBlocks(data + (first - 1) * B, m_scratch.data(), count);
            const std::size_t bytes = std::min(length, end * B) - first * B;
            const std::size_t wholeBlocks = bytes / B;
            std::uint8_t* out = data + first * B;
            for (std::size_t i = 0; i < wholeBlocks; ++i)
                xorBlock<B>(out + i * B, m_scratch.data() + i * B);
            xorBytes(out + wholeBlocks * B, m_scratch.data() + wholeBlocks * B, bytes % B);
            end = first;
        }
        if (length >= B)
            xorBlock<B>(data, m_firstKeyStream.data());
        else
            xorBytes(data, m_firstKeyStream.data(), length);
    }

    std::string_view implementation() const override { return m_implementation; }

private:
    // For 8-byte ciphers defined on two big-endian words (TEA, XTEA): the CFB chain stays in
    // registers. Byte swapping commutes with XOR, so C = P ^ K is formed on words and fed straight
    // back into the cipher; only the stores leave the critical path, which is the cipher alone.
    void encryptInWords(std::uint8_t* data, std::size_t length)
    {
        static_assert(B == 8);
        std::uint32_t k0 = loadBe32(m_firstKeyStream.data());
        std::uint32_t k1 = loadBe32(m_firstKeyStream.data() + 4);
        const std::size_t full = length / B;
        for (std::size_t i = 0; i < full; ++i)
        {
            std::uint8_t* block = data + i * B;
            k0 ^= loadBe32(block);
            k1 ^= loadBe32(block + 4);
            storeBe32(block, k0);
            storeBe32(block + 4, k1);
            m_cipher.encryptWords(k0, k1);
        }
        std::uint8_t k[B];
        storeBe32(k, k0);
        storeBe32(k + 4, k1);
        xorBytes(data + full * B, k, length % B);
    }

    // 2 KiB covers a whole 1500-byte datagram in one bulk call.
    static constexpr std::size_t kScratchBlocks = 2048 / B;

    Cipher m_cipher;
    std::string m_implementation;
    alignas(16) std::array<std::uint8_t, B> m_firstKeyStream{};
    alignas(64) std::array<std::uint8_t, kScratchBlocks * B> m_scratch{};
};

} // namespace kcp::crypto
