#include "kcp/tunnel/tunnel_client.h"

#include "kcp/key_derivation.h"
#include "kcp/net/kcp_socket.h"
#include "kcp/tunnel/smux_connection.h"
#include "kcp/tunnel/stream_bridge.h"
#include "tunnel_options.h"

#include <QDebug>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>

namespace kcp::tunnel
{

TunnelClient::TunnelClient(const KcptunConfig& config, QObject* parent)
    : QObject(parent)
    , m_config(config)
    , m_slots(std::size_t(std::max(1, config.conn)))
{
    m_clock.start();
    m_scavenger.setInterval(1000);  // kcptun's scavenger ticks every second
    connect(&m_scavenger, &QTimer::timeout, this, &TunnelClient::scavenge);
}

TunnelClient::~TunnelClient()
{
    stop();
}

bool TunnelClient::start(QString* error)
{
    m_startError = QAbstractSocket::UnknownSocketError;
    const auto local = m_config.localAddress();
    if (!local)
    {
        *error = QStringLiteral("bad --localaddr address");
        return false;
    }
    m_key = deriveKcptunKey(m_config.key.toStdString());
    m_listener = new QTcpServer(this);
    const QHostAddress host = local->host == QLatin1String("localhost")
                                  ? QHostAddress(QHostAddress::LocalHost)
                                  : detail::listenHost(local->host);
    if (host.isNull() || !m_listener->listen(host, local->minPort))
    {
        *error = QStringLiteral("cannot listen on TCP %1: %2")
                     .arg(local->toString(), host.isNull() ? QStringLiteral("not an IP address")
                                                           : m_listener->errorString());
        if (!host.isNull())
            m_startError = m_listener->serverError();
        delete m_listener;
        m_listener = nullptr;
        return false;
    }
    connect(m_listener, &QTcpServer::newConnection, this, &TunnelClient::onNewConnection);
    if (m_config.autoexpire > 0)
        m_scavenger.start();
    qInfo().noquote() << "listening on:" << local->toString() << "remote address:"
                      << m_config.remoteaddr << "encryption:" << m_config.crypt
                      << "smux version:" << m_config.smuxver
                      << "compression:" << (m_config.nocomp ? "off" : "on")
                      << "conn:" << m_config.conn;
    return true;
}

void TunnelClient::stop()
{
    if (m_listener)
    {
        m_listener->close();
        delete m_listener;
        m_listener = nullptr;
    }
    m_scavenger.stop();
    for (Slot& slot : m_slots)
        if (slot.connection)
            slot.connection->close(QStringLiteral("client stopped"));
    for (Expiring& e : m_expiring)
        if (e.connection)
            e.connection->close(QStringLiteral("client stopped"));
    m_expiring.clear();
}

quint16 TunnelClient::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

int TunnelClient::sessionCount() const
{
    int n = 0;
    for (const Slot& slot : m_slots)
        n += slot.connection && !slot.connection->isClosed();
    for (const Expiring& e : m_expiring)
        n += e.connection && !e.connection->isClosed();
    return n;
}

TunnelSnapshot TunnelClient::snapshot() const
{
    TunnelSnapshot t;
    for (const Slot& slot : m_slots)
        if (slot.connection && !slot.connection->isClosed())
            t.sessions.push_back(slot.connection->snapshot());
    for (const Expiring& e : m_expiring)
        if (e.connection && !e.connection->isClosed())
            t.sessions.push_back(e.connection->snapshot());
    return t;
}

void TunnelClient::renewSessions()
{
    const qint64 closeAt = m_clock.elapsed() + qint64(m_config.scavengettl) * 1000;
    for (Slot& slot : m_slots)
    {
        if (slot.connection && !slot.connection->isClosed())
            m_expiring.push_back({slot.connection, closeAt});
        slot.connection = nullptr;
    }
    if (!m_expiring.empty() && !m_scavenger.isActive())
        m_scavenger.start();
}

void TunnelClient::onNewConnection()
{
    while (QTcpSocket* tcp = m_listener->nextPendingConnection())
    {
        Slot& slot = m_slots[m_roundRobin++ % m_slots.size()];
        const qint64 now = m_clock.elapsed();
        const bool expired = m_config.autoexpire > 0 && slot.connection && now >= slot.expiresAtMs;
        if (expired)
        {
            // kcptun hands the old session to the scavenger: it keeps its streams for
            // scavengettl more seconds, then is closed.
            m_expiring.push_back({slot.connection,
                                  slot.expiresAtMs + qint64(m_config.scavengettl) * 1000});
            slot.connection = nullptr;
        }
        if (!slot.connection || slot.connection->isClosed())
        {
            slot.connection = dial();
            slot.expiresAtMs = now + qint64(m_config.autoexpire) * 1000;
        }
        const auto streamId = slot.connection->openStream();
        if (!streamId)
        {
            qWarning().noquote() << "cannot open a stream:" << slot.connection->closeReason();
            tcp->abort();
            tcp->deleteLater();
            continue;
        }
        new StreamBridge(slot.connection, *streamId, tcp, m_config.quiet);
    }
}

SmuxConnection* TunnelClient::dial()
{
    const auto remote = m_config.remoteAddress();
    // Multiport: a random port of the range for each new session (upstream kcptun).
    const quint16 port = quint16(remote->minPort +
                                 QRandomGenerator::global()->bounded(remote->portCount()));
    auto* socket = new net::KcpSocket;
    socket->setOptions(detail::kcpOptions(m_config, m_key));
    socket->connectToHost(remote->host, port);
    auto* connection = new SmuxConnection(socket, SmuxRole::Client, m_config.smuxConfig(),
                                          !m_config.nocomp, this);
    qInfo().noquote() << "smux version:" << m_config.smuxver << "on connection: ->"
                      << remote->host + u':' + QString::number(port);
    connect(connection, &SmuxConnection::closed, this, [this, connection](const QString& why) {
        qWarning().noquote() << "session closed:" << why;
        connection->deleteLater();
        emit sessionClosed(why);
    });
    return connection;
}

void TunnelClient::scavenge()
{
    const qint64 now = m_clock.elapsed();
    std::erase_if(m_expiring, [&](Expiring& e) {
        if (!e.connection || e.connection->isClosed())
            return true;
        if (now >= e.closeAtMs)
        {
            qInfo().noquote() << "scavenger: session closed due to ttl";
            e.connection->close(QStringLiteral("scavenger: ttl"));
            return true;
        }
        return false;
    });
}

} // namespace kcp::tunnel
