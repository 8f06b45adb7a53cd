#pragma once

#include "kcp/session_stats.h"
#include "kcp/smux_session.h"

#include <QString>
#include <QtGlobal>

#include <vector>

namespace kcp::tunnel
{

// A value snapshot of one tunnel session (one KCP session + its smux session), copied out on
// the tunnel's thread; safe to pass to any thread.
struct TunnelSessionSnapshot
{
    QString peer;         // "ip:port" of the KCP peer
    quint32 conv = 0;
    qint64 ageMs = 0;
    SessionStats kcp;     // last snapshot the net worker published (zeros before the first)
    SmuxStats smux;
};

// The whole tunnel: what the GUI and --metrics show.
struct TunnelSnapshot
{
    std::vector<TunnelSessionSnapshot> sessions;
    SnmpCounters snmp;    // process-wide, kcp-go's DefaultSnmp equivalent
};

} // namespace kcp::tunnel
