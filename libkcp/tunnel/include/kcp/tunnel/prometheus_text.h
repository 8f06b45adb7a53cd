#pragma once

#include "kcp/tunnel/tunnel_snapshot.h"

#include <QByteArray>

namespace kcp::tunnel
{

// Prometheus text exposition format 0.0.4 of a tunnel snapshot:
//   kcpdesk_<SnmpName>_total        every process-wide kcp-go counter (CurrEstab and MaxConn
//                                   as gauges without _total), kcptun's names kept
//   kcpdesk_tunnel_sessions         sessions alive
//   kcpdesk_session_<field>{conv,peer}  per-session gauges: srtt_ms, rttvar_ms, rto_ms, cwnd,
//                                   snd_wnd, rcv_wnd, remote_wnd, inflight, wait_snd, streams,
//                                   smux_receive_budget_bytes, age_seconds
QByteArray prometheusText(const TunnelSnapshot& snapshot);

} // namespace kcp::tunnel
