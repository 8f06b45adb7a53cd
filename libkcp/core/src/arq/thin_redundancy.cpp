#include "thin_redundancy.h"

#include <algorithm>
#include <cmath>

namespace kcp::detail
{

namespace
{

// Pseudo-flights at one copy with no repair: one early repair then reads as "1 in n+4", not as
// "1 in 1", and does not jump straight to the maximum.
constexpr double PriorFlights = 4;
constexpr double MaxLoss = 0.6;
// Re-estimate after this many flights even without a repair, so quiet flights lower k.
constexpr std::uint32_t UpdateEvery = 16;

} // namespace

void ThinRedundancy::setMode(int mode)
{
    m_mode = mode < 0 ? Auto : std::min(mode, MaxCopies);
    m_copies = m_mode == Auto ? 1 : std::max(m_mode, 1);
    m_flights.fill(0);
    m_repairs.fill(0);
    m_flights[1] = PriorFlights;
    m_total = PriorFlights;
    m_loss = 0;
    m_hint = 0;
    m_sinceUpdate = 0;
}

void ThinRedundancy::setLossHint(double loss)
{
    if (m_mode != Auto)
        return;
    m_hint = std::clamp(loss, 0.0, MaxLoss);
    chooseCopies();
}

void ThinRedundancy::onFlight(int copies)
{
    if (m_mode != Auto)
        return;
    m_flights[static_cast<std::size_t>(std::clamp(copies, 1, MaxCopies))] += 1;
    m_total += 1;
    if (m_total > Horizon)
    {
        for (std::size_t c = 1; c <= MaxCopies; ++c)
        {
            m_flights[c] /= 2;
            m_repairs[c] /= 2;
        }
        m_total /= 2;
    }
    if (++m_sinceUpdate >= UpdateEvery)
        update();
}

void ThinRedundancy::onRepair(int copies)
{
    if (m_mode != Auto)
        return;
    const auto c = static_cast<std::size_t>(std::clamp(copies, 1, MaxCopies));
    // A repair always follows its flight; the min keeps the model sane if halving fell between.
    m_repairs[c] = std::min(m_repairs[c] + 1, m_flights[c]);
    update();
}

void ThinRedundancy::update()
{
    m_sinceUpdate = 0;
    double repairs = 0;
    for (std::size_t c = 1; c <= MaxCopies; ++c)
        repairs += m_repairs[c];
    if (repairs <= 0)
    {
        m_loss = 0;
        chooseCopies();
        return;
    }

    // d/dp of the log-likelihood sum_c [R_c log p^c + (F_c - R_c) log(1 - p^c)]; it falls
    // monotonically in p, so its root (the estimate) is found by bisection.
    const auto slope = [this](double p)
    {
        double s = 0;
        for (std::size_t c = 1; c <= MaxCopies; ++c)
        {
            if (m_flights[c] <= 0)
                continue;
            const double k = static_cast<double>(c);
            const double pk = std::pow(p, k);
            s += m_repairs[c] * k / p - (m_flights[c] - m_repairs[c]) * k * pk / (p * (1 - pk));
        }
        return s;
    };
    double lo = 1e-6;
    double hi = MaxLoss;
    if (slope(hi) > 0)
        lo = hi;
    else
        for (int i = 0; i < 40; ++i)
        {
            const double mid = 0.5 * (lo + hi);
            (slope(mid) > 0 ? lo : hi) = mid;
        }
    m_loss = lo;
    chooseCopies();
}

void ThinRedundancy::chooseCopies()
{
    const double loss = lossEstimate();
    int k = 1;
    double residual = loss;
    while (residual > TargetResidual && k < AutoMaxCopies)
    {
        residual *= loss;
        ++k;
    }
    m_copies = k;
}

} // namespace kcp::detail
