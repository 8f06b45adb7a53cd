#include "kcp/tunnel/tunnel_server.h"

#include "kcp/key_derivation.h"
#include "kcp/net/kcp_server.h"
#include "kcp/net/worker_pool.h"
#include "kcp/tunnel/smux_connection.h"
#include "kcp/tunnel/stream_bridge.h"
#include "tunnel_options.h"
#include "unix_socket_dialer.h"

#include <QDateTime>
#include <QDebug>
#include <QHostInfo>
#include <QTcpSocket>

namespace kcp::tunnel
{

TunnelServer::TunnelServer(const KcptunConfig& config, QObject* parent)
    : QObject(parent)
    , m_config(config)
{
}

TunnelServer::~TunnelServer()
{
    stop();
}

bool TunnelServer::start(QString* error)
{
    m_startError = QAbstractSocket::UnknownSocketError;
    const auto listen = m_config.listenAddress();
    if (!listen)
    {
        *error = QStringLiteral("bad --listen address");
        return false;
    }
    QHostAddress host = detail::listenHost(listen->host);
    if (host.isNull())
    {
        const QHostInfo info = QHostInfo::fromName(listen->host);
        if (info.addresses().isEmpty())
        {
            *error = QStringLiteral("cannot resolve --listen host %1").arg(listen->host);
            m_startError = QAbstractSocket::HostNotFoundError;
            return false;
        }
        host = info.addresses().first();
    }

    net::ServerOptions options;
    options.session = detail::kcpOptions(m_config, deriveKcptunKey(m_config.key.toStdString()));
    for (int port = listen->minPort; port <= listen->maxPort; ++port)
    {
        auto* server = new net::KcpServer(this);
        server->setOptions(options);
        if (!server->listen(host, quint16(port)))
        {
            *error = QStringLiteral("cannot listen on UDP %1:%2: %3")
                         .arg(host.toString())
                         .arg(port)
                         .arg(server->errorString());
            m_startError = server->serverError();
            delete server;
            stop();
            return false;
        }
        connect(server, &net::KcpServer::newConnection, this,
                [this, server] { onNewConnection(server); });
        m_servers.push_back(server);
    }
    // Watch the process-wide counters (published by the workers, never blocking us) for
    // datagrams that fail authentication: kcptun drops them silently.
    // Counters are process-wide: failures from before this server started are not ours.
    m_csumErrors = net::WorkerPool::instance()->snmp().InCsumErrors;
    connect(net::WorkerPool::instance(), &net::WorkerPool::snmpUpdated, this,
            &TunnelServer::onSnmp, Qt::UniqueConnection);
    qInfo().noquote() << "listening on:" << listen->toString() << "target:" << m_config.target
                      << "encryption:" << m_config.crypt << "smux version:" << m_config.smuxver
                      << "compression:" << (m_config.nocomp ? "off" : "on");
    return true;
}

void TunnelServer::stop()
{
    for (SmuxConnection* c : std::vector<SmuxConnection*>(m_connections))
        c->close(QStringLiteral("server stopped"));
    for (net::KcpServer* s : m_servers)
    {
        s->close();
        s->deleteLater();
    }
    m_servers.clear();
}

quint16 TunnelServer::port() const
{
    return m_servers.empty() ? 0 : m_servers.front()->serverPort();
}

void TunnelServer::onSnmp(const SnmpCounters& counters)
{
    if (counters.InCsumErrors <= m_csumErrors)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_lastCsumWarningMs >= 0 && now - m_lastCsumWarningMs < 10000)
        return;  // at most one line per 10 s
    const quint64 fresh = counters.InCsumErrors - m_csumErrors;
    m_csumErrors = counters.InCsumErrors;
    m_lastCsumWarningMs = now;
    qWarning().noquote() << fresh
                         << "datagram(s) failed crc/decryption (InCsumErrors): a client uses "
                            "another --key or --crypt";
    emit authenticationFailures(fresh);
}

TunnelSnapshot TunnelServer::snapshot() const
{
    TunnelSnapshot t;
    for (const SmuxConnection* c : m_connections)
        if (!c->isClosed())
            t.sessions.push_back(c->snapshot());
    return t;
}

void TunnelServer::onNewConnection(net::KcpServer* server)
{
    while (net::KcpSocket* socket = server->nextPendingConnection())
    {
        auto* connection = new SmuxConnection(socket, SmuxRole::Server, m_config.smuxConfig(),
                                              !m_config.nocomp, this);
        m_connections.push_back(connection);
        qInfo().noquote() << "smux version:" << m_config.smuxver << "on connection:"
                          << socket->peerAddress().toString() + u':' +
                                 QString::number(socket->peerPort());
        connect(connection, &SmuxConnection::incomingStream, this,
                [this, connection](std::uint32_t id) { onIncomingStream(connection, id); });
        connect(connection, &SmuxConnection::closed, this, [this, connection](const QString& why) {
            qWarning().noquote() << "session closed:" << why;
            std::erase(m_connections, connection);
            connection->deleteLater();
            emit sessionClosed(why);
        });
        connection->pump();  // datagrams may already be waiting
    }
}

void TunnelServer::onIncomingStream(SmuxConnection* connection, std::uint32_t /*streamId*/)
{
    // Accept in smux order (the event's id is the queue's oldest).
    while (const auto accepted = connection->session().acceptStream())
    {
        if (m_config.targetIsUnixSocket())
        {
            QString error;
            QTcpSocket* unixSocket = detail::connectUnixSocket(m_config.target, &error);
            if (!unixSocket)
            {
                // As a refused TCP target: the stream is closed, the session goes on.
                qWarning().noquote() << "stream" << *accepted << "not connected:" << error;
                connection->session().closeStream(*accepted);
                connection->pump();
                continue;
            }
            new StreamBridge(connection, *accepted, unixSocket, m_config.quiet);
            continue;
        }
        const auto target = m_config.targetAddress();
        // kcptun dials the target per stream; data from the stream waits in smux meanwhile.
        auto* tcp = new QTcpSocket;
        new StreamBridge(connection, *accepted, tcp, m_config.quiet);
        tcp->connectToHost(target->host, target->minPort);
    }
}

} // namespace kcp::tunnel
