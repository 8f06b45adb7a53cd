#pragma once

#include "worker.h"

#include "kcp/net/kcp_server.h"
#include "kcp/net/kcp_socket.h"

#include <QPointer>

#include <deque>

namespace kcp::net::detail
{

// KcpSocket's state in its own thread, and the handlers of the worker's events.
class KcpSocketPrivate
{
public:
    explicit KcpSocketPrivate(KcpSocket* q);
    ~KcpSocketPrivate();

    static KcpSocketPrivate* of(KcpSocket* socket) { return socket->d.get(); }

    // --- Events from the worker (socket's thread) ---
    void onOpened(const QHostAddress& local, quint16 localPort, quint32 conv, IoBackend backend);
    // New received bytes and/or bytes KCP accepted are waiting in the channel.
    void onChannel();
    void onClosed(QAbstractSocket::SocketError error, const QString& message);
    void onStats(const SessionStats& stats);

    // A session KcpServer accepted.
    void initAccepted(const IncomingSession& incoming, KcpServer* server);

    void startSession(const QHostAddress& address, quint16 port);
    void setState(QAbstractSocket::SocketState state);
    void setError(QAbstractSocket::SocketError error, const QString& message);
    // Tells the worker that the channel has writes, unless it already knows.
    void notifyWorker();
    void returnCredit(bool force);
    void updateStatsSubscription();
    void detachFromWorker();
    bool waitFor(const std::function<bool()>& done, int msecs);

    KcpSocket* q;
    KcpOptions options;
    QAbstractSocket::SocketState state = QAbstractSocket::UnconnectedState;
    QAbstractSocket::SocketError error = QAbstractSocket::UnknownSocketError;
    QHostAddress bindAddress;
    quint16 bindPort = 0;
    QHostAddress localAddress;
    quint16 localPort = 0;
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    quint32 conv = 0;
    IoBackend backend = IoBackend::Auto;
    int lookupId = -1;

    Worker* worker = nullptr;
    quint64 id = 0;
    std::shared_ptr<SocketLink> link;
    std::shared_ptr<DataChannel> channel = std::make_shared<DataChannel>();

    // Received bytes not yet read: pieces as the worker sent them, the first partly consumed.
    std::deque<QByteArray> readChunks;
    qsizetype readOffset = 0;
    qint64 readBuffered = 0;
    qint64 consumedSinceCredit = 0;
    bool emittingReadyRead = false;

    // Written bytes KCP has not taken yet (in the channel or staged in the worker).
    qint64 unsent = 0;

    SessionStats lastStats;
    bool statsWanted = false;  // statsUpdated has receivers
    bool statsEnabled = false; // what the worker was last told

    QPointer<KcpServer> server; // while this accepted socket waits in the server's queue
};

class KcpServerPrivate
{
public:
    explicit KcpServerPrivate(KcpServer* q) : q(q) {}

    static KcpServerPrivate* of(KcpServer* server) { return server->d.get(); }

    void onIncoming(const IncomingSession& incoming);
    void onPendingClosed(KcpSocket* socket);

    KcpServer* q;
    ServerOptions options;
    Worker* worker = nullptr;
    quint64 listenerId = 0;
    std::shared_ptr<ServerShared> shared;
    bool listening = false;
    QHostAddress address;
    quint16 port = 0;
    QAbstractSocket::SocketError error = QAbstractSocket::UnknownSocketError;
    QString errorString;
    std::deque<KcpSocket*> pending;
};

} // namespace kcp::net::detail
