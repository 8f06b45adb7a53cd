#include "advisor/fec_loss_model.h"

#include <algorithm>
#include <cmath>

namespace app
{

double fecResidualLoss(double lossRate, int dataShards, int parityShards)
{
    const double p = std::clamp(lossRate, 0.0, 1.0);
    if (dataShards <= 0 || parityShards <= 0)
        return p;
    if (p == 0.0 || p == 1.0)
        return p;
    const int n = dataShards + parityShards;
    // A group missing k > parityShards datagrams loses its missing data shards: k * d / n of
    // them on average (the lost datagrams are equally likely to be any of the n).
    double residual = 0;
    for (int k = parityShards + 1; k <= n; ++k)
    {
        const double logChoose =
            std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
        const double probability = std::exp(logChoose + k * std::log(p) + (n - k) * std::log1p(-p));
        residual += probability * double(k) / double(n);
    }
    return residual;
}

int parityShardsFor(double lossRate, int dataShards, double target, int maxParity)
{
    for (int parity = 0; parity <= maxParity; ++parity)
        if (fecResidualLoss(lossRate, dataShards, parity) <= target)
            return parity;
    return -1;
}

} // namespace app
