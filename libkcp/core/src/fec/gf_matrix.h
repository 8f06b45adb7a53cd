#pragma once

// The klauspost/reedsolomon default encoding matrix, built by hand (wire-compat.md 2.5):
// ISA-L's own generators (gf_gen_rs_matrix, gf_gen_cauchy1_matrix) give different parity.

#include <cstdint>
#include <vector>

namespace kcp::fec_detail
{

// a^n in GF(2^8)/0x11d with klauspost's convention 0^0 = 1.
std::uint8_t gfPow(std::uint8_t a, int n);

// (dataShards + parityShards) x dataShards, row-major: E = V * inverse(V[0..ds)) with
// V[r][c] = r^c. Rows 0..ds-1 are the identity, rows ds.. the parity rows.
std::vector<std::uint8_t> buildEncodingMatrix(int dataShards, int parityShards);

} // namespace kcp::fec_detail
