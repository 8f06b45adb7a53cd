#include "stats/tunnel_reading.h"

#include <QDateTime>

#include <algorithm>

namespace app
{

using kcp::tunnel::TunnelSnapshot;

LinkReading readingFromSnapshot(const TunnelSnapshot& snapshot, qint64 monotonicMs)
{
    LinkReading r;
    r.monotonicMs = monotonicMs;
    r.timestampMs = QDateTime::currentMSecsSinceEpoch();
    double srttSum = 0, rttVarSum = 0;
    int measured = 0;
    quint64 appBytesOut = 0, appBytesIn = 0;
    for (const auto& session : snapshot.sessions)
    {
        r.counters += session.kcp.counters;
        appBytesOut += session.smux.bytesOut;
        appBytesIn += session.smux.bytesIn;
        r.inflight += session.kcp.inflight;
        r.cwnd = std::max(r.cwnd, int(session.kcp.cwnd));
        r.rtoMs = std::max(r.rtoMs, double(session.kcp.rto));
        // A session that has not had an ACK yet has no RTT; it must not pull the mean to 0.
        if (session.kcp.srtt > 0)
        {
            srttSum += session.kcp.srtt;
            rttVarSum += session.kcp.rttVar;
            ++measured;
        }
    }
    if (measured > 0)
    {
        r.srttMs = srttSum / measured;
        r.rttVarMs = rttVarSum / measured;
    }
    // Goodput is what the user's applications moved: smux payload before compression. KCP's
    // BytesSent/BytesReceived count the compressed stream, smaller for compressible data.
    r.counters.BytesSent = appBytesOut;
    r.counters.BytesReceived = appBytesIn;
    r.sessions = int(snapshot.sessions.size());
    return r;
}

} // namespace app
