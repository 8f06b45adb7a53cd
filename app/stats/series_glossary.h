#pragma once

#include <QString>

namespace app
{

// What each plotted quantity means and which of kcptun's SNMP counters (kcp-go's names, the
// columns of `-snmplog`) it comes from, for the charts' tooltips. kcptun users tune from those
// counters and ask what they mean (xtaci/kcptun#293: "FECErrs: 0" read as "FEC does nothing";
// #865: why FECRecovered is far below FECParityShards). Keyed by the chart line's object name
// ("srtt", "retrans", "linkLoss", ...); empty for an unknown one.
QString seriesGlossary(const QString& lineName);

} // namespace app
