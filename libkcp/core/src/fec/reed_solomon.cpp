#include "kcp/reed_solomon.h"

#include "decode_table_cache.h"
#include "gf_kernels.h"
#include "gf_matrix.h"

#include <isa-l/erasure_code.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace kcp
{

namespace
{

// Memory budget for cached decode tables: ds * ps coefficients each, a 64-bit GFNI matrix or 32
// bytes of ISA-L tables per coefficient (240 B or 960 B for 10/3), so (10,3) keeps 64 loss
// patterns and a huge (128,128) code with ISA-L still keeps 4.
constexpr std::size_t DecodeCacheBudget = 1 << 20;
constexpr std::size_t DecodeCacheMin = 4;
constexpr std::size_t DecodeCacheMax = 64;

// 64-bit words per coefficient in the kernel's tables.
std::size_t wordsPerCoefficient(fec_detail::GfKernel kernel)
{
    return kernel == fec_detail::GfKernel::Isal ? 4 : 1;
}

} // namespace

struct ReedSolomon::Impl
{
    Impl(int ds, int ps, GfEngine engine)
        : dataShards(ds)
        , parityShards(ps)
        , kernel(fec_detail::chooseKernel(engine))
        , matrix(fec_detail::buildEncodingMatrix(ds, ps))
        , cache(std::clamp(DecodeCacheBudget / (8 * wordsPerCoefficient(kernel) *
                                                static_cast<std::size_t>(ds * ps)),
                           DecodeCacheMin, DecodeCacheMax),
                wordsPerCoefficient(kernel) * static_cast<std::size_t>(ds * ps))
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
        const std::uint8_t* parityBlock = matrix.data() + ds * ds; // ps x ds, E's tail
        if (kernel == fec_detail::GfKernel::Isal)
        {
            encodeTables.resize(static_cast<std::size_t>(32 * ds * ps));
            ec_init_tables(ds, ps, const_cast<std::uint8_t*>(parityBlock), encodeTables.data());
        }
        else
        {
            encodeMatrices.resize(static_cast<std::size_t>(ds * ps));
            for (std::size_t i = 0; i < encodeMatrices.size(); ++i)
                encodeMatrices[i] = fec_detail::gfAffineMatrix(parityBlock[i]);
        }
    }

    bool buildDecodeRows(int missing);

    int dataShards;
    int parityShards;
    fec_detail::GfKernel kernel;
    std::vector<std::uint8_t> matrix; // (ds + ps) x ds encoding matrix E
    std::vector<std::vector<std::uint8_t>> parityRows;
    std::vector<std::uint8_t> encodeTables;    // ISA-L: ec_init_tables of the parity rows
    std::vector<std::uint64_t> encodeMatrices; // GFNI: ps x ds affine matrices
    fec_detail::DecodeTableCache cache;
    std::uint64_t tableBuilds = 0;

    // Scratch for reconstruction, sized once so the hot path never allocates. At most
    // min(ds, ps) data shards can be missing when ds shards are present.
    std::vector<std::uint8_t> subMatrix;
    std::vector<std::uint8_t> inverse;
    std::vector<std::uint8_t> decodeRows;
    std::vector<const std::uint8_t*> sources;
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
    : ReedSolomon(dataShards, parityShards, GfEngine::Best)
{
}

ReedSolomon::ReedSolomon(int dataShards, int parityShards, GfEngine engine)
{
    if (dataShards < 1 || parityShards < 1 || dataShards + parityShards > 256)
    {
        throw std::invalid_argument("Reed-Solomon needs 1 <= data, 1 <= parity, data + parity "
                                    "<= 256; got " +
                                    std::to_string(dataShards) + "/" +
                                    std::to_string(parityShards));
    }
    m_impl = std::make_unique<Impl>(dataShards, parityShards, engine);
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

std::string_view ReedSolomon::implementation() const
{
    return fec_detail::kernelName(m_impl->kernel);
}

std::uint64_t ReedSolomon::decodeTableBuilds() const
{
    return m_impl->tableBuilds;
}

void ReedSolomon::encode(const std::uint8_t* const* data, std::uint8_t* const* parity,
                         std::size_t shardLength)
{
    Impl& d = *m_impl;
    if (shardLength == 0)
        return;
    if (d.kernel != fec_detail::GfKernel::Isal)
    {
        fec_detail::gfniDotProduct(d.kernel, shardLength, d.dataShards, d.parityShards,
                                   d.encodeMatrices.data(), data, parity);
        return;
    }
    // ISA-L takes non-const pointer arrays but only reads the sources.
    ec_encode_data(static_cast<int>(shardLength), d.dataShards, d.parityShards,
                   d.encodeTables.data(), const_cast<std::uint8_t**>(data),
                   const_cast<std::uint8_t**>(parity));
    fec_detail::clearUpperVectorState();
}

void ReedSolomon::encodeUpdate(int dataIndex, const std::uint8_t* data, std::size_t length,
                               std::uint8_t* const* parity, std::size_t accumulated)
{
    Impl& d = *m_impl;
    if (dataIndex < 0 || dataIndex >= d.dataShards)
        throw std::out_of_range("Reed-Solomon data shard index out of range: " +
                                std::to_string(dataIndex));
    if (length == 0)
        return;
    if (d.kernel != fec_detail::GfKernel::Isal)
    {
        // Column dataIndex of the ps x ds matrix block: stride ds.
        fec_detail::gfniMulAccumulate(d.kernel, length, accumulated, d.parityShards,
                                      d.encodeMatrices.data() + dataIndex,
                                      static_cast<std::size_t>(d.dataShards), data, parity);
        return;
    }
    // ISA-L only accumulates: zero what has not been accumulated yet first.
    if (accumulated < length)
        for (int p = 0; p < d.parityShards; ++p)
            std::memset(parity[p] + accumulated, 0, length - accumulated);
    ec_encode_data_update(static_cast<int>(length), d.dataShards, d.parityShards, dataIndex,
                          d.encodeTables.data(), const_cast<std::uint8_t*>(data),
                          const_cast<std::uint8_t**>(parity));
    fec_detail::clearUpperVectorState();
}

void ReedSolomon::encodeUpdate(std::span<const DataShard> shards, std::uint8_t* const* parity,
                               std::size_t accumulated)
{
    Impl& d = *m_impl;
    for (const DataShard& shard : shards)
        if (shard.index < 0 || shard.index >= d.dataShards)
            throw std::out_of_range("Reed-Solomon data shard index out of range: " +
                                    std::to_string(shard.index));
    std::size_t i = 0;
    if (d.kernel != fec_detail::GfKernel::Isal)
    {
        for (; i + 1 < shards.size(); i += 2)
        {
            const DataShard& a = shards[i];
            const DataShard& b = shards[i + 1];
            if (a.length == 0 || b.length == 0)
                break; // rare: leave it to the one-shard path, which skips empty shards
            fec_detail::gfniMulAccumulatePair(
                d.kernel, a.length, b.length, accumulated, d.parityShards,
                d.encodeMatrices.data() + a.index, d.encodeMatrices.data() + b.index,
                static_cast<std::size_t>(d.dataShards), a.data, b.data, parity);
            accumulated = std::max({accumulated, a.length, b.length});
        }
    }
    for (; i < shards.size(); ++i)
    {
        encodeUpdate(shards[i].index, shards[i].data, shards[i].length, parity, accumulated);
        accumulated = std::max(accumulated, shards[i].length);
    }
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

    const bool isal = d.kernel == fec_detail::GfKernel::Isal;
    std::uint64_t* tables = d.cache.find(key);
    if (tables == nullptr)
    {
        if (!d.buildDecodeRows(missing))
            return false; // cannot happen: any ds rows of E are independent
        tables = d.cache.insert(key);
        if (isal)
        {
            ec_init_tables(ds, missing, d.decodeRows.data(),
                           reinterpret_cast<std::uint8_t*>(tables));
        }
        else
        {
            for (int i = 0; i < ds * missing; ++i)
                tables[i] = fec_detail::gfAffineMatrix(d.decodeRows[i]);
        }
        ++d.tableBuilds;
    }

    for (int r = 0; r < ds; ++r)
        d.sources[r] = shards[d.chosenRows[r]];
    for (int m = 0; m < missing; ++m)
        d.targets[m] = shards[d.missingData[m]];
    if (!isal)
    {
        fec_detail::gfniDotProduct(d.kernel, shardLength, ds, missing, tables, d.sources.data(),
                                   d.targets.data());
        return true;
    }
    ec_encode_data(static_cast<int>(shardLength), ds, missing,
                   reinterpret_cast<std::uint8_t*>(tables),
                   const_cast<std::uint8_t**>(d.sources.data()), d.targets.data());
    fec_detail::clearUpperVectorState();
    return true;
}

void gfMultiplyRegion(GfEngine engine, std::uint8_t c, const std::uint8_t* in, std::uint8_t* out,
                      std::size_t length, bool accumulate)
{
    if (length == 0)
        return;
    const fec_detail::GfKernel kernel = fec_detail::chooseKernel(engine);
    if (kernel != fec_detail::GfKernel::Isal)
    {
        const std::uint64_t matrix = fec_detail::gfAffineMatrix(c);
        fec_detail::gfniMulAccumulate(kernel, length, accumulate ? length : 0, 1, &matrix, 1, in,
                                      &out);
        return;
    }
    std::uint8_t tables[32];
    ec_init_tables(1, 1, &c, tables);
    auto* source = const_cast<std::uint8_t*>(in);
    if (accumulate)
        ec_encode_data_update(static_cast<int>(length), 1, 1, 0, tables, source, &out);
    else
        ec_encode_data(static_cast<int>(length), 1, 1, tables, &source, &out);
    fec_detail::clearUpperVectorState();
}

} // namespace kcp
