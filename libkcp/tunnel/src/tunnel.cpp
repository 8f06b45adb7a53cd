#include "kcp/tunnel/tunnel.h"

#include "kcp/net/worker_pool.h"
#include "kcp/tunnel/tunnel_client.h"
#include "kcp/tunnel/tunnel_server.h"

namespace kcp::tunnel
{

Tunnel::Tunnel(QObject* parent)
    : QObject(parent)
{
    m_snapshotTimer.setInterval(1000);
    connect(&m_snapshotTimer, &QTimer::timeout, this, [this] { emit snapshotUpdated(snapshot()); });
}

Tunnel::~Tunnel()
{
    stop();
}

bool Tunnel::start(const KcptunConfig& config)
{
    stop();
    m_config = config;
    m_startError = QAbstractSocket::UnknownSocketError;
    const QStringList problems = config.validate();
    if (!problems.isEmpty())
    {
        setState(State::Failed, problems.join(QStringLiteral("; ")));
        return false;
    }
    QString error;
    bool ok = false;
    if (config.role == TunnelRole::Client)
    {
        m_client = std::make_unique<TunnelClient>(config);
        connect(m_client.get(), &TunnelClient::sessionClosed, this, &Tunnel::sessionClosed);
        ok = m_client->start(&error);
    }
    else
    {
        m_server = std::make_unique<TunnelServer>(config);
        connect(m_server.get(), &TunnelServer::sessionClosed, this, &Tunnel::sessionClosed);
        ok = m_server->start(&error);
    }
    if (!ok)
    {
        m_startError = m_client ? m_client->startError() : m_server->startError();
        m_client.reset();
        m_server.reset();
        setState(State::Failed, error);
        return false;
    }
    // The workers publish process-wide counters while someone listens; keep the last value.
    m_snmp = net::WorkerPool::instance()->snmp();
    connect(net::WorkerPool::instance(), &net::WorkerPool::snmpUpdated, this, &Tunnel::onSnmp,
            Qt::UniqueConnection);
    m_snapshotTimer.start();
    setState(State::Running, QStringLiteral("listening on port %1").arg(port()));
    return true;
}

void Tunnel::stop()
{
    m_snapshotTimer.stop();
    disconnect(net::WorkerPool::instance(), &net::WorkerPool::snmpUpdated, this, nullptr);
    if (!m_client && !m_server)
        return;
    m_client.reset();
    m_server.reset();
    setState(State::Stopped, QStringLiteral("stopped"));
}

void Tunnel::renewSessions()
{
    if (m_client)
        m_client->renewSessions();
}

quint16 Tunnel::port() const
{
    return m_client ? m_client->port() : m_server ? m_server->port() : 0;
}

TunnelSnapshot Tunnel::snapshot() const
{
    TunnelSnapshot s = m_client ? m_client->snapshot()
                                : m_server ? m_server->snapshot() : TunnelSnapshot{};
    s.snmp = m_snmp;
    return s;
}

void Tunnel::setSnapshotInterval(int ms)
{
    m_snapshotTimer.setInterval(std::max(50, ms));
}

void Tunnel::onSnmp(const SnmpCounters& counters)
{
    m_snmp = counters;
}

void Tunnel::setState(State state, const QString& message)
{
    m_state = state;
    m_error = state == State::Failed ? message : QString();
    emit stateChanged(state, message);
}

} // namespace kcp::tunnel
