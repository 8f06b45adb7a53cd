#pragma once

#include "kcp/tunnel/kcptun_config.h"
#include "kcp/tunnel/tunnel_snapshot.h"

#include <QAbstractSocket>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace kcp::tunnel
{

class TunnelClient;
class TunnelServer;

// The tunnel as the GUI (and any embedding program) drives it: start from a config value, stop,
// watch its state and a value snapshot of its sessions. Never blocks the caller's thread beyond
// the key derivation at start (a few ms): sockets and timers are asynchronous, the net layer's
// workers do the packet work, counters arrive by signal.
//
// Threads: create and use on one thread with an event loop (the GUI thread is fine); signals
// are emitted there. Snapshots are values, safe to hand to other threads.
class Tunnel : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        Stopped,   // never started, or stop() was called
        Running,   // listening; sessions come and go
        Failed,    // start() failed (bad config, port in use): errorString() says why
    };
    Q_ENUM(State)

    explicit Tunnel(QObject* parent = nullptr);
    ~Tunnel() override;

    // Validates config (role decides client or server) and starts. Returns false and enters
    // Failed with errorString() set when it cannot. A running tunnel is stopped first.
    bool start(const KcptunConfig& config);
    void stop();

    State state() const { return m_state; }
    QString errorString() const { return m_error; }
    // The socket error behind a failed start: AddressInUseError (the port is taken),
    // SocketAddressNotAvailableError (no such local address, e.g. before the network is up),
    // HostNotFoundError (the listen host does not resolve) may pass on their own; anything else,
    // including every config problem (UnknownSocketError), will not.
    QAbstractSocket::SocketError startSocketError() const { return m_startError; }
    const KcptunConfig& config() const { return m_config; }
    // The bound local port: TCP for a client, the first UDP port for a server.
    quint16 port() const;

    // A client's next connections get new KCP sessions, the current ones retire after
    // scavengettl (TunnelClient::renewSessions); call it when the network changed. No-op for a
    // server or a tunnel that does not run.
    void renewSessions();

    // Sessions now, with the process-wide counters last published by the net workers.
    TunnelSnapshot snapshot() const;

    // How often snapshotUpdated fires while running (ms, default 1000).
    void setSnapshotInterval(int ms);

signals:
    void stateChanged(kcp::tunnel::Tunnel::State state, const QString& message);
    void snapshotUpdated(const kcp::tunnel::TunnelSnapshot& snapshot);
    // A session ended (smux error, timeout, wrong key ...): reason is one sentence.
    void sessionClosed(const QString& reason);

private:
    void setState(State state, const QString& message);
    void onSnmp(const SnmpCounters& counters);

    KcptunConfig m_config;
    State m_state = State::Stopped;
    QString m_error;
    QAbstractSocket::SocketError m_startError = QAbstractSocket::UnknownSocketError;
    std::unique_ptr<TunnelClient> m_client;
    std::unique_ptr<TunnelServer> m_server;
    SnmpCounters m_snmp;
    QTimer m_snapshotTimer;
};

} // namespace kcp::tunnel

Q_DECLARE_METATYPE(kcp::tunnel::TunnelSnapshot)
