#pragma once

#include "kcp/snmp_counters.h"
#include "kcp/tunnel/kcptun_config.h"
#include "kcp/tunnel/tunnel_snapshot.h"

#include <QAbstractSocket>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace kcp::net
{
class KcpServer;
}

namespace kcp::tunnel
{

class SmuxConnection;

// kcptun-server: accepts KCP sessions on --listen (every port of a min-max range), runs a smux
// server session on each (through snappy unless --nocomp), and dials --target over TCP for every
// stream the client opens, copying both ways.
//
// Threads: lives on its creating thread, which must run an event loop; never blocks it (the
// key derivation in start() takes a few ms).
class TunnelServer : public QObject
{
    Q_OBJECT

public:
    // config must have passed validate() with role Server.
    explicit TunnelServer(const KcptunConfig& config, QObject* parent = nullptr);
    ~TunnelServer() override;

    // Binds the UDP port(s). On failure returns false with the reason in *error.
    bool start(QString* error);
    // The socket error behind the last failed start(); UnknownSocketError when it was no bind.
    QAbstractSocket::SocketError startError() const { return m_startError; }
    void stop();

    // The first bound UDP port (useful with port 0).
    quint16 port() const;
    int sessionCount() const { return int(m_connections.size()); }

    // Every live session (snmp left zero: the caller adds WorkerPool's, which may block).
    TunnelSnapshot snapshot() const;

signals:
    // A smux session ended; reason says why (e.g. "smux: invalid protocol ...").
    void sessionClosed(const QString& reason);
    // Datagrams failed crc/decryption since the last report (wrong --key or --crypt somewhere).
    void authenticationFailures(quint64 count);

private:
    void onNewConnection(net::KcpServer* server);
    void onIncomingStream(SmuxConnection* connection, std::uint32_t streamId);

    void onSnmp(const SnmpCounters& counters);

    KcptunConfig m_config;
    QAbstractSocket::SocketError m_startError = QAbstractSocket::UnknownSocketError;
    std::uint64_t m_csumErrors = 0;  // InCsumErrors already reported
    qint64 m_lastCsumWarningMs = -1;
    std::vector<net::KcpServer*> m_servers;
    std::vector<SmuxConnection*> m_connections;
};

} // namespace kcp::tunnel
