#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace kcp
{

// Where nonces and conversation ids come from. Injected so that tests are deterministic and so
// that core never touches the operating system's entropy source itself.
class RandomSource
{
public:
    virtual ~RandomSource() = default;
    virtual void fill(std::span<std::uint8_t> out) = 0;
    std::uint32_t nextU32();
};

// The default: a ChaCha20 keystream generator (cryptographically strong, a few ns per nonce),
// seeded by the caller. The net layer seeds it from the system RNG; tests seed it with a constant.
class ChaChaRandom final : public RandomSource
{
public:
    explicit ChaChaRandom(std::span<const std::uint8_t, 32> seed);
    ~ChaChaRandom() override;
    void fill(std::span<std::uint8_t> out) override;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace kcp
