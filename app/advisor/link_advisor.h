#pragma once

#include "stats/stats_sample.h"
#include "stats/stats_series.h"

#include "kcp/tunnel/kcptun_config.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <span>

namespace app
{

// The link as the advisor sees it: the last window of samples reduced to the few figures its
// rules need. Loss is the FEC-measured path loss weighted by the datagrams it was counted on.
struct LinkSummary
{
    double seconds = 0;
    int samples = 0;
    double linkSlots = 0;      // FEC datagrams the loss was measured on (0: not measured)
    double linkLossRate = 0;   // fraction, 0..1
    double dataShardsLost = 0; // of the lost FEC datagrams, data shards
    double fecRecovered = 0;   // data shards FEC rebuilt
    double segmentsOut = 0;    // KCP segments we sent, ACKs and retransmissions included
    double retransmitted = 0;  // of which retransmissions
    double srttMs = 0;         // median of the samples'
    double goodputOutBps = 0;  // means over the window
    double goodputInBps = 0;
    double wireOutBps = 0;
    double windowBoundShare = 0; // fraction of samples with the send window (almost) full
    // The newest samples in which nothing authentic arrived: how long, and what we sent then.
    double silentSeconds = 0;
    double datagramsSentWhileSilent = 0;

    double retransRate() const { return segmentsOut > 0 ? retransmitted / segmentsOut : 0; }
    // The share of data shards that FEC did not rebuild (what fecResidualLoss() predicts), for
    // a peer sending dataShards/parityShards groups; -1 when FEC measured nothing.
    double unrebuiltRate(int dataShards, int parityShards) const;
};

// One suggestion: what to change, in kcptun's flags, and why, with the measured numbers. The
// suggested values are -1 where the advice leaves a setting alone.
struct Advice
{
    enum class Kind
    {
        MoreParity,   // FEC leaves too many losses to the ARQ
        LessParity,   // parity costs bandwidth the measured loss does not need
        EnableFec,    // FEC off on a link whose retransmissions say it is lossy
        LargerWindow, // the send window, not the link, caps throughput
        NoAnswer,     // a client sends and hears nothing back that decrypts
    };

    Kind kind = Kind::MoreParity;
    QString title;
    QString reason;
    QString flags; // the change as kcptun flags, e.g. "--datashard 10 --parityshard 5"
    int datashard = -1;
    int parityshard = -1;
    int sndwnd = -1;
    int rcvwnd = -1;
};

// The advice's suggested values written into config (the others left as they are). True if it
// changed anything.
bool applyAdvice(const Advice& advice, kcp::tunnel::KcptunConfig& config);

// Turns what a tunnel or the lab measured into FEC and window suggestions with a reason (the
// "how do I pick datashard/parityshard?" question of kcptun users, xtaci/kcptun#835). Pure: it
// reads samples and settings, owns nothing, and says nothing until it has enough to go on.
class LinkAdvisor
{
    Q_DECLARE_TR_FUNCTIONS(LinkAdvisor)

public:
    struct Limits
    {
        double minSeconds = 20;     // of samples in the window
        double minLinkSlots = 2000; // FEC datagrams before loss counts as measured
        double minSegments = 2000;  // segments sent before retransmissions count
        // The share of data shards FEC may leave to the ARQ: each costs a retransmission and at
        // least one RTT of delay for the bytes behind it. 0.5 % keeps that rare.
        double targetResidual = 0.005;
        // Below this measured loss parity is bandwidth spent for (almost) nothing.
        double negligibleLoss = 0.001;
        // A client that sent for this long with no authentic answer is told so.
        double minSilentSeconds = 10;
    };

    LinkAdvisor() = default;
    explicit LinkAdvisor(const Limits& limits) : m_limits(limits) {}

    // The newest samples covering at most windowSeconds; sndwnd is the send window they were
    // taken with (segments per session), for windowBoundShare.
    static LinkSummary summarize(std::span<const StatsSample> samples, double windowSeconds,
                                 int sndwnd);
    // The same over a series' samples appended since `since` (StatsSeries::totalAppended()
    // counting: samples taken with other settings are left out).
    static LinkSummary summarize(const StatsSeries& series, qint64 since, double windowSeconds,
                                 int sndwnd);

    // Suggestions for a link measured as `link` under `config` (the settings the samples were
    // taken with), most important first; empty when there is nothing to change or too little
    // to judge.
    QList<Advice> advise(const LinkSummary& link, const kcp::tunnel::KcptunConfig& config) const;

private:
    Limits m_limits;
};

} // namespace app
