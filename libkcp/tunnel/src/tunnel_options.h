#pragma once

#include "kcp/net/net_options.h"
#include "kcp/tunnel/kcptun_config.h"

#include <QHostAddress>

namespace kcp::tunnel::detail
{

// Bytes a session's byte FIFOs below smux may hold beyond the KCP window (KcpSocket's write
// buffer, and smux's output: KcptunConfig::smuxConfig). Every stream of the session queues
// behind them, so they decide how long an interactive stream waits behind a bulk one: with the
// library defaults (1 MiB + 256 KiB) an SSH keystroke sat 0.4 s behind a 25 Mbit/s upload, three
// round trips more than kcptun. Bytes beyond them wait in their own stream's TCP socket instead.
// 16 KiB each keeps KCP fed between two passes (loopback at window 1024 moved the same 1.6-2
// Gbit/s) and leaves a message at most one window-full behind (test_tunnel_fairness).
constexpr qint64 TunnelSendBacklog = 16 * 1024;

// The net layer's settings for one of the tunnel's KCP sessions (kcptun's per-session setup:
// stream mode, no write delay, mode preset, windows, mtu, acknodelay, socket buffers, DSCP).
inline net::KcpOptions kcpOptions(const KcptunConfig& config, const SessionKey& key)
{
    net::KcpOptions o;
    o.session = config.sessionConfig(key);
    o.socketBufferBytes = config.sockbuf;
    o.dscp = config.dscp;
    o.writeBufferSize = TunnelSendBacklog;
    return o;
}

// "" (all interfaces) -> Any; a literal -> itself; a name -> null (caller resolves).
inline QHostAddress listenHost(const QString& host)
{
    return host.isEmpty() ? QHostAddress(QHostAddress::Any) : QHostAddress(host);
}

} // namespace kcp::tunnel::detail
