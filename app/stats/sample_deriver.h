#pragma once

#include "stats/stats_sample.h"

#include "kcp/snmp_counters.h"

#include <QtGlobal>

namespace app
{

// What a source measured at one instant: cumulative counters plus the KCP state gauges.
struct LinkReading
{
    qint64 monotonicMs = 0; // any steady clock in ms (QElapsedTimer), for the interval length
    qint64 timestampMs = 0; // UTC wall clock for the sample
    // Cumulative since the source started. Retransmissions and BytesSent/OutBytes are the
    // sender's view; PathLost/PathReceived/FEC*/BytesReceived the receiver's.
    kcp::SnmpCounters counters;
    double srttMs = 0;
    double rttVarMs = 0;
    double rtoMs = 0;
    quint32 inflight = 0;
    int cwnd = 0;
    int sessions = 0;
    // Lab only: datagrams the emulated link was offered and dropped so far (both directions).
    bool hasEmulator = false;
    quint64 emulatorOffered = 0;
    quint64 emulatorDropped = 0;
};

// Turns successive readings into samples: counter differences divided by the interval. A
// counter that went down (a session ended and its counts left the sum) yields 0 for that
// interval, never a negative or huge rate. Pure; no thread rules.
class SampleDeriver
{
public:
    // The source starts now with every counter at zero.
    void reset(qint64 monotonicMs);
    // The next interval starts from `previous` instead of the last reading: for counters that do
    // not start at zero (a log that begins mid-run, a process that restarted). Starts the source
    // at previous if it had not started.
    void continueFrom(const LinkReading& previous);
    // The sample for the interval since the previous reading (or reset()).
    StatsSample next(const LinkReading& reading);

private:
    qint64 m_startMs = 0;
    bool m_started = false;
    LinkReading m_previous;
};

} // namespace app
