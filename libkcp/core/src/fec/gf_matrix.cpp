#include "gf_matrix.h"

#include <isa-l/erasure_code.h>

#include <stdexcept>

namespace kcp::fec_detail
{

std::uint8_t gfPow(std::uint8_t a, int n)
{
    // klauspost galExp: 0^0 = 1, 0^n = 0. Repeated multiplication is fine: this runs only while
    // a codec is being built.
    std::uint8_t result = 1;
    for (int i = 0; i < n; ++i)
        result = gf_mul(result, a);
    return result;
}

std::vector<std::uint8_t> buildEncodingMatrix(int dataShards, int parityShards)
{
    const int ds = dataShards;
    const int total = dataShards + parityShards;

    std::vector<std::uint8_t> vandermonde(static_cast<std::size_t>(total * ds));
    for (int r = 0; r < total; ++r)
        for (int c = 0; c < ds; ++c)
            vandermonde[r * ds + c] = gfPow(static_cast<std::uint8_t>(r), c);

    // gf_invert_matrix destroys its input, so invert a copy of the top square.
    std::vector<std::uint8_t> top(vandermonde.begin(), vandermonde.begin() + ds * ds);
    std::vector<std::uint8_t> topInverse(static_cast<std::size_t>(ds * ds));
    if (gf_invert_matrix(top.data(), topInverse.data(), ds) != 0)
        throw std::logic_error("Vandermonde top square is singular"); // impossible for r < 256

    std::vector<std::uint8_t> encoding(static_cast<std::size_t>(total * ds));
    for (int r = 0; r < total; ++r)
    {
        for (int c = 0; c < ds; ++c)
        {
            std::uint8_t sum = 0;
            for (int k = 0; k < ds; ++k)
                sum ^= gf_mul(vandermonde[r * ds + k], topInverse[k * ds + c]);
            encoding[r * ds + c] = sum;
        }
    }
    return encoding;
}

} // namespace kcp::fec_detail
