#pragma once

#include "kcp/tunnel/kcptun_config.h"
#include "kcp/tunnel/tunnel_snapshot.h"

#include <QAbstractSocket>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <vector>

class QTcpServer;

namespace kcp::tunnel
{

class SmuxConnection;

// kcptun-client: listens for TCP on --localaddr and carries each accepted connection as one smux
// stream over one of --conn KCP sessions to --remoteaddr (round robin; a session is dialled
// lazily, and again when it closed or, with --autoexpire, grew too old; a random port of a
// min-max range per dial). Expired sessions keep serving their streams for --scavengettl seconds
// and are then closed, as kcptun's scavenger does.
//
// Threads: lives on its creating thread, which must run an event loop; never blocks it.
class TunnelClient : public QObject
{
    Q_OBJECT

public:
    // config must have passed validate() with role Client.
    explicit TunnelClient(const KcptunConfig& config, QObject* parent = nullptr);
    ~TunnelClient() override;

    // Binds the TCP listener. On failure returns false with the reason in *error.
    bool start(QString* error);
    // The socket error behind the last failed start(); UnknownSocketError when it was no bind.
    QAbstractSocket::SocketError startError() const { return m_startError; }
    void stop();

    quint16 port() const;  // the bound TCP port (useful with port 0)
    int sessionCount() const;

    // New TCP connections get new KCP sessions from now on; the current ones keep their streams
    // for scavengettl seconds and are closed then, as autoexpire retires them. For a network
    // change: datagrams from a new source address are a stranger's to the server, so the old
    // sessions may be dead while their keepalive has not yet said so (kcptun#326).
    void renewSessions();

    // Every live session (snmp left zero: the caller adds WorkerPool's, which may block).
    TunnelSnapshot snapshot() const;

signals:
    void sessionClosed(const QString& reason);

private:
    struct Slot
    {
        QPointer<SmuxConnection> connection;
        qint64 expiresAtMs = 0;  // on m_clock; only with autoexpire
    };
    struct Expiring
    {
        QPointer<SmuxConnection> connection;
        qint64 closeAtMs = 0;
    };

    void onNewConnection();
    SmuxConnection* dial();
    void scavenge();

    KcptunConfig m_config;
    QAbstractSocket::SocketError m_startError = QAbstractSocket::UnknownSocketError;
    SessionKey m_key{};
    QTcpServer* m_listener = nullptr;
    std::vector<Slot> m_slots;
    std::vector<Expiring> m_expiring;
    quint32 m_roundRobin = 0;
    QTimer m_scavenger;
    QElapsedTimer m_clock;
};

} // namespace kcp::tunnel
