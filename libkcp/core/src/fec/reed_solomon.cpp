#include "kcp/reed_solomon.h"

#include "decode_table_cache.h"
#include "gf_matrix.h"

#include <isa-l/erasure_code.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace kcp
{

namespace
{

// Memory budget for cached decode tables: 32 * ds * ps bytes each (960 B for 10/3), so (10,3)
// keeps 64 loss patterns and a huge (128,128) code still keeps 4.
constexpr std::size_t DecodeCacheBudget = 1 << 20;
constexpr std::size_t DecodeCacheMin = 4;
constexpr std::size_t DecodeCacheMax = 64;

} // namespace

struct ReedSolomon::Impl
{
    Impl(int ds, int ps)
        : dataShards(ds)
        , parityShards(ps)
        , matrix(fec_detail::buildEncodingMatrix(ds, ps))
        , encodeTables(static_cast<std::size_t>(32 * ds * ps))
        , cache(std::clamp(DecodeCacheBudget / (32u * ds * ps), DecodeCacheMin, DecodeCacheMax),
                static_cast<std::size_t>(32 * ds * ps))
        , subMatrix(static_cast<std::size_t>(std::min(ds, ps) * std::min(ds, ps)))
        , inverse(static_cast<std::size_t>(std::min(ds, ps) * std::min(ds, ps)))
        , decodeRows(static_cast<std::size_t>(ps * ds))
        , sources(static_cast<std::size_t>(ds))
        , targets(static_cast<std::size_t>(ps))
        , chosenRows(static_cast<std::size_t>(ds))
        , missingData(static_cast<std::size_t>(ps))
    {
        for (int p = 0; p < ps; ++p)
        {
            const auto* row = matrix.data() + (ds + p) * ds;
            parityRows.emplace_back(row, row + ds);
        }
        // ec_init_tables reads the ps parity rows as one ps x ds block: exactly E's tail.
        ec_init_tables(ds, ps, matrix.data() + ds * ds, encodeTables.data());
    }

    bool buildDecodeRows(int missing);

    int dataShards;
    int parityShards;
    std::vector<std::uint8_t> matrix; // (ds + ps) x ds encoding matrix E
    std::vector<std::vector<std::uint8_t>> parityRows;
    std::vector<std::uint8_t> encodeTables;
    fec_detail::DecodeTableCache cache;
    std::uint64_t tableBuilds = 0;

    // Scratch for reconstruction, sized once so the hot path never allocates. At most
    // min(ds, ps) data shards can be missing when ds shards are present.
    std::vector<std::uint8_t> subMatrix;
    std::vector<std::uint8_t> inverse;
    std::vector<std::uint8_t> decodeRows;
    std::vector<std::uint8_t*> sources;
    std::vector<std::uint8_t*> targets;
    std::vector<int> chosenRows;
    std::vector<int> missingData;
};

// Fills decodeRows (missing x ds) with the coefficients that rebuild each missing data shard
// from the chosen shards (d.chosenRows order). Equivalent to inverting the ds x ds matrix of the
// chosen rows of E and keeping the missing rows, but E's data rows are the identity, so only the
// m x m block A = E[chosen parity][missing] needs inverting:
//     x_missing = inv(A) * (p - E[chosen parity][present data] * x_present)
// That is O(m^3 + m^2 ds) instead of O(ds^3): 3 x 3 instead of 10 x 10 for a (10,3) group.
bool ReedSolomon::Impl::buildDecodeRows(int missing)
{
    Impl& d = *this;
    const int ds = d.dataShards;
    const int presentData = ds - missing;
    const int* parityRows = d.chosenRows.data() + presentData; // the chosen parity indices
    for (int r = 0; r < missing; ++r)
        for (int k = 0; k < missing; ++k)
            d.subMatrix[r * missing + k] = d.matrix[parityRows[r] * ds + d.missingData[k]];
    if (gf_invert_matrix(d.subMatrix.data(), d.inverse.data(), missing) != 0)
        return false;

    for (int i = 0; i < missing; ++i)
    {
        const std::uint8_t* inverseRow = d.inverse.data() + i * missing;
        std::uint8_t* out = d.decodeRows.data() + i * ds;
        // Coefficients on the present data shards (subtraction is XOR in GF(2^8)).
        for (int s = 0; s < presentData; ++s)
        {
            const int column = d.chosenRows[s];
            std::uint8_t sum = 0;
            for (int j = 0; j < missing; ++j)
                sum ^= gf_mul(inverseRow[j], d.matrix[parityRows[j] * ds + column]);
            out[s] = sum;
        }
        // Coefficients on the chosen parity shards.
        for (int j = 0; j < missing; ++j)
            out[presentData + j] = inverseRow[j];
    }
    return true;
}

ReedSolomon::ReedSolomon(int dataShards, int parityShards)
{
    if (dataShards < 1 || parityShards < 1 || dataShards + parityShards > 256)
    {
        throw std::invalid_argument("Reed-Solomon needs 1 <= data, 1 <= parity, data + parity "
                                    "<= 256; got " +
                                    std::to_string(dataShards) + "/" +
                                    std::to_string(parityShards));
    }
    m_impl = std::make_unique<Impl>(dataShards, parityShards);
}

ReedSolomon::~ReedSolomon() = default;

int ReedSolomon::dataShards() const
{
    return m_impl->dataShards;
}

int ReedSolomon::parityShards() const
{
    return m_impl->parityShards;
}

const std::vector<std::vector<std::uint8_t>>& ReedSolomon::parityRows() const
{
    return m_impl->parityRows;
}

std::uint64_t ReedSolomon::decodeTableBuilds() const
{
    return m_impl->tableBuilds;
}

void ReedSolomon::encode(const std::uint8_t* const* data, std::uint8_t* const* parity,
                         std::size_t shardLength)
{
    if (shardLength == 0)
        return;
    // ISA-L takes non-const pointer arrays but only reads the sources.
    ec_encode_data(static_cast<int>(shardLength), m_impl->dataShards, m_impl->parityShards,
                   m_impl->encodeTables.data(), const_cast<std::uint8_t**>(data),
                   const_cast<std::uint8_t**>(parity));
}

bool ReedSolomon::reconstructData(std::uint8_t* const* shards, const bool* present,
                                  std::size_t shardLength)
{
    Impl& d = *m_impl;
    const int ds = d.dataShards;
    const int total = ds + d.parityShards;

    // Same row choice as klauspost: the first ds present shards in index order. Every present
    // data shard is among them, so the missing data shards are exactly the absent data indices.
    int chosen = 0;
    int missing = 0;
    fec_detail::ShardMask key{};
    for (int i = 0; i < total && chosen < ds; ++i)
    {
        if (present[i])
        {
            d.chosenRows[chosen++] = i;
            fec_detail::setShardBit(key, i);
        }
        else if (i < ds)
        {
            d.missingData[missing++] = i;
        }
    }
    if (chosen < ds)
        return false;
    if (missing == 0 || shardLength == 0)
        return true;

    std::uint8_t* tables = d.cache.find(key);
    if (tables == nullptr)
    {
        if (!d.buildDecodeRows(missing))
            return false; // cannot happen: any ds rows of E are independent
        tables = d.cache.insert(key);
        ec_init_tables(ds, missing, d.decodeRows.data(), tables);
        ++d.tableBuilds;
    }

    for (int r = 0; r < ds; ++r)
        d.sources[r] = shards[d.chosenRows[r]];
    for (int m = 0; m < missing; ++m)
        d.targets[m] = shards[d.missingData[m]];
    ec_encode_data(static_cast<int>(shardLength), ds, missing, tables, d.sources.data(),
                   d.targets.data());
    return true;
}

} // namespace kcp
