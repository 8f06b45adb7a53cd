#pragma once

#include "stats/sample_deriver.h"

#include "kcp/tunnel/tunnel_snapshot.h"

namespace app
{

// The reading a tunnel's sessions give right now: counters summed over sessions, except that
// BytesSent/BytesReceived are the smux payload (the applications' bytes, before compression).
LinkReading readingFromSnapshot(const kcp::tunnel::TunnelSnapshot& snapshot, qint64 monotonicMs);

} // namespace app
