#include "kcp/random_source.h"

#include <botan/stream_cipher.h>

#include <algorithm>
#include <cstring>

namespace kcp
{

std::uint32_t RandomSource::nextU32()
{
    std::uint8_t bytes[4];
    fill(bytes);
    std::uint32_t value;
    std::memcpy(&value, bytes, sizeof value);
    return value;
}

struct ChaChaRandom::State
{
    std::unique_ptr<Botan::StreamCipher> cipher;
    std::uint8_t block[256];
    std::size_t used = sizeof block;
};

ChaChaRandom::ChaChaRandom(std::span<const std::uint8_t, 32> seed)
    : m_state(std::make_unique<State>())
{
    m_state->cipher = Botan::StreamCipher::create_or_throw("ChaCha(20)");
    m_state->cipher->set_key(seed.data(), seed.size());
    const std::uint8_t nonce[12] = {};
    m_state->cipher->set_iv(nonce, sizeof nonce);
}

ChaChaRandom::~ChaChaRandom() = default;

void ChaChaRandom::fill(std::span<std::uint8_t> out)
{
    // Keystream is produced a few blocks at a time so that a 16-byte nonce costs a memcpy.
    State& s = *m_state;
    std::size_t done = 0;
    while (done < out.size())
    {
        if (s.used == sizeof s.block)
        {
            std::memset(s.block, 0, sizeof s.block);
            s.cipher->cipher1(s.block, sizeof s.block);
            s.used = 0;
        }
        const std::size_t take = std::min(out.size() - done, sizeof s.block - s.used);
        std::memcpy(out.data() + done, s.block + s.used, take);
        s.used += take;
        done += take;
    }
}

} // namespace kcp
