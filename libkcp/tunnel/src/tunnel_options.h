#pragma once

#include "kcp/net/net_options.h"
#include "kcp/tunnel/kcptun_config.h"

#include <QHostAddress>

namespace kcp::tunnel::detail
{

// The net layer's settings for one of the tunnel's KCP sessions (kcptun's per-session setup:
// stream mode, no write delay, mode preset, windows, mtu, acknodelay, socket buffers, DSCP).
inline net::KcpOptions kcpOptions(const KcptunConfig& config, const SessionKey& key)
{
    net::KcpOptions o;
    o.session = config.sessionConfig(key);
    o.socketBufferBytes = config.sockbuf;
    o.dscp = config.dscp;
    o.receiveCoalesceMs = config.rxcoalesce;
    o.writeBufferSize = TunnelSendBacklog;
    return o;
}

// "" (all interfaces) -> Any; a literal -> itself; a name -> null (caller resolves).
inline QHostAddress listenHost(const QString& host)
{
    return host.isEmpty() ? QHostAddress(QHostAddress::Any) : QHostAddress(host);
}

} // namespace kcp::tunnel::detail
