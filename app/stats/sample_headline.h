#pragma once

#include "stats/stats_sample.h"

#include <QString>

namespace app
{

// A bit rate as people read it: "840 kbit/s", "12.3 Mbit/s".
QString bitRateText(double bitsPerSecond);

// One line that says how a running tunnel is doing, for its row in the profile list (user
// research, "headline row per tunnel"): "RTT 42 ms · ↓ 12.3 Mbit/s ↑ 840 kbit/s · loss 1.2 % ·
// wire ×1.31". The wire multiplier (UDP bytes sent per application byte, kcptun#91's "2x-13x the
// bandwidth") shows only while sending; loss only where FEC measures it.
QString sampleHeadline(const StatsSample& sample);

} // namespace app
