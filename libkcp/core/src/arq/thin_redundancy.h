#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace kcp::detail
{

// How many copies of a thin flight's datagrams to send (see kcp.h setThinRedundancy and
// libkcp/core/README.md "Thin-flow redundancy").
//
// Why a model and not "raise on loss": once copies work, they hide the losses that would show
// the loss rate. What the sender still sees is whether a segment it sent c times needed a
// retransmission (all c copies lost, or its ACK lost): probability p^c. The controller keeps,
// per copy count c, how many thin segments went out (flights) and how many of those needed a
// repair, and takes the maximum-likelihood p over all of them together. Flights at c = 1 (the
// start of every session) measure p directly and quickly; flights at higher c pull the estimate
// down while they stay quiet, so k falls again when the link gets better. Old evidence fades
// (counts halve every Horizon flights). k is the smallest count whose residual p^k is at most
// TargetResidual: k = 1 on a clean link, so there is no cost there.
class ThinRedundancy
{
public:
    static constexpr int MaxCopies = 8;
    static constexpr int Auto = -1;
    // p^k target for one segment. Head-of-line blocking across the streams of one session
    // multiplies each unrepaired loss by the number of messages behind it (~10-20 at the
    // benchmark's 11 streams), so a p99 needs the per-segment residual well below 1e-3.
    static constexpr double TargetResidual = 2e-4;
    // Auto never goes above this: at 20 % loss 5 copies leave 3e-4.
    static constexpr int AutoMaxCopies = 5;
    static constexpr double Horizon = 4096;

    ThinRedundancy() { setMode(Auto); }

    // Auto, or a fixed count (0 and 1: off). Starts over with no evidence.
    void setMode(int mode);
    int mode() const { return m_mode; }
    bool enabled() const { return m_mode == Auto || m_mode > 1; }
    // Copies for the next thin flight.
    int copies() const { return m_copies; }
    // The loss estimate k is chosen from: the model's, or the hint when that is higher (0
    // before any evidence).
    double lossEstimate() const { return std::max(m_loss, m_hint); }
    // Loss measured on the way in (the FEC decoder's seqid gaps; paths are mostly symmetric).
    // It counts from the first datagrams, where repairs are rare while k is 1, and it still
    // sees the losses that FEC parity repairs before the sender would retransmit.
    void setLossHint(double loss);

    // A thin segment went out for the first time, as `copies` copies.
    void onFlight(int copies);
    // A thin segment first sent as `copies` copies was retransmitted (once per segment).
    void onRepair(int copies);

private:
    void update();
    void chooseCopies();

    int m_mode = Auto;
    int m_copies = 1;
    double m_loss = 0;
    double m_hint = 0;
    std::array<double, MaxCopies + 1> m_flights{};
    std::array<double, MaxCopies + 1> m_repairs{};
    double m_total = 0;
    std::uint32_t m_sinceUpdate = 0;
};

} // namespace kcp::detail
