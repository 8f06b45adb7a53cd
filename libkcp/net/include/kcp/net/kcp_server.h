#pragma once

#include "kcp/net/kcp_socket.h"
#include "kcp/net/net_options.h"

#include <QHostAddress>
#include <QObject>

#include <memory>

namespace kcp::net
{

namespace detail
{
class KcpServerPrivate;
}

// Accepts KCP sessions on one UDP port, used like QTcpServer. Demultiplexes exactly as kcp-go's
// Listener (wire-compat.md 1.9): by the peer's address and port; a data datagram from an unknown
// peer opens a session with its conv; from a known peer, a different conv with sn 0 replaces the
// session (client restarted behind the same port), any other conv is ignored; parity and
// datagrams failing crc/authentication never open one.
//
// Threads: belongs to its creating thread (signals fire there); the UDP socket and all its
// sessions run on one WorkerPool thread. Accepted KcpSockets belong to this object's thread and
// are children of the server until you reparent or delete them.
class KcpServer : public QObject
{
    Q_OBJECT

public:
    explicit KcpServer(QObject* parent = nullptr);
    ~KcpServer() override;

    // Before listen(); later calls apply to the next listen().
    void setOptions(const ServerOptions& options);
    ServerOptions options() const;

    // Binds the UDP port (synchronously, on the worker). QHostAddress::Any is dual-stack.
    bool listen(const QHostAddress& address = QHostAddress::Any, quint16 port = 0);
    bool isListening() const;
    // Stops accepting new sessions. Accepted sessions keep running on the port until they end;
    // the port is released with the last of them.
    void close();

    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    QAbstractSocket::SocketError serverError() const;
    QString errorString() const;

    void setMaxPendingConnections(int count);
    int maxPendingConnections() const;
    bool hasPendingConnections() const;
    // The oldest accepted session (ConnectedState, a child of this server), or nullptr.
    KcpSocket* nextPendingConnection();

signals:
    void newConnection();
    // A session was dropped before nextPendingConnection() took it (expired or replaced).
    void pendingConnectionClosed();

private:
    friend class detail::KcpServerPrivate;
    std::unique_ptr<detail::KcpServerPrivate> d;
};

} // namespace kcp::net
