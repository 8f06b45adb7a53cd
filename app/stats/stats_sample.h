#pragma once

#include <QMetaType>
#include <QtGlobal>

namespace app
{

// One point of the live charts and one CSV row: a tunnel's (or the lab's) link over the last
// sampling interval. Derived once, by SampleDeriver, and shared by charts and CSV. Rates are per
// second of wall time; times in ms; throughput in bits per second. A value type.
struct StatsSample
{
    qint64 timestampMs = 0; // UTC, ms since the epoch, when the reading was taken
    double elapsedS = 0;    // since the source started
    double intervalS = 0;   // what the rates below are averaged over (rate x interval = count)

    double srttMs = 0;
    double rttVarMs = 0;
    double rtoMs = 0;

    double datagramsOutPerS = 0; // UDP datagrams we sent
    double datagramsInPerS = 0;  // ... and received that passed crc/authentication
    double segmentsOutPerS = 0;  // every KCP segment we sent, retransmissions and ACKs included
    double retransPerS = 0;      // all retransmitted segments = rto + fast + early
    double rtoRetransPerS = 0;
    double fastRetransPerS = 0;
    double earlyRetransPerS = 0;

    // True path loss from FEC sequence gaps on the receiving side. Only FEC traffic carries the
    // sequence numbers, so with FEC off (or no traffic) it is not measured: hasLinkLoss false.
    bool hasLinkLoss = false;
    double linkLossPercent = 0;
    // FEC datagrams the peer sent (arrived + lost): the loss's sample size; and of the lost
    // ones, the data shards (which FEC may rebuild).
    double linkSlotsPerS = 0;
    double dataShardsLostPerS = 0;
    // What the lab's emulator really dropped, to compare with the measurement (lab only).
    bool hasEmulatedLoss = false;
    double emulatedLossPercent = 0;

    double fecRecoveredPerS = 0;
    double fecParityPerS = 0;

    double goodputInBps = 0;  // application bytes delivered to us (lab: at the far end)
    double goodputOutBps = 0; // application bytes we sent
    double wireOutBps = 0;    // UDP payload bytes we sent: goodput plus every overhead

    quint32 inflight = 0; // segments sent and not yet acknowledged (summed over sessions)
    int cwnd = 0;         // segments (largest session)
    int sessions = 0;
};

} // namespace app

Q_DECLARE_METATYPE(app::StatsSample)
