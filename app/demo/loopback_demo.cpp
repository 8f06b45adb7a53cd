#include "demo/loopback_demo.h"

#include <QNetworkDatagram>
#include <QRandomGenerator>
#include <QVariant>

#include <algorithm>
#include <array>

namespace app
{

namespace
{

std::array<std::uint8_t, 32> systemSeed()
{
    std::array<std::uint8_t, 32> seed{};
    QRandomGenerator::system()->generate(reinterpret_cast<quint32*>(seed.data()),
                                         reinterpret_cast<quint32*>(seed.data() + seed.size()));
    return seed;
}

// Read buffer for one datagram; kcp-go never sends more than 1500 bytes.
constexpr qint64 MaxDatagram = 1500;
constexpr int SocketBuffer = 4 * 1024 * 1024;

} // namespace

LoopbackDemo::LoopbackDemo(const Options& options, QObject* parent)
    : QObject(parent)
    , m_options(options)
    , m_random(systemSeed())
    , m_up(options.link, QRandomGenerator::system()->generate64())
    , m_down(options.link, QRandomGenerator::system()->generate64())
{
    const std::uint32_t conv = m_random.nextU32();
    m_client = std::make_unique<kcp::SessionCore>(conv, options.session, m_random);
    kcp::SessionConfig serverConfig = options.session;
    serverConfig.sndWnd = std::max(serverConfig.sndWnd, 1024);
    serverConfig.rcvWnd = std::max(serverConfig.rcvWnd, 1024);
    m_server = std::make_unique<kcp::SessionCore>(conv, serverConfig, m_random);

    m_sendChunk.resize(64 * 1024);
    for (qsizetype i = 0; i < m_sendChunk.size(); ++i)
        m_sendChunk[i] = char(i * 131 + 7);
    m_receiveBuffer.resize(256 * 1024);

    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &LoopbackDemo::pump);
    m_reportTimer.setInterval(1000);
    connect(&m_reportTimer, &QTimer::timeout, this, &LoopbackDemo::emitReport);
    connect(&m_clientSocket, &QUdpSocket::readyRead, this, &LoopbackDemo::onClientReadable);
    connect(&m_serverSocket, &QUdpSocket::readyRead, this, &LoopbackDemo::onServerReadable);
    connect(&m_relayA, &QUdpSocket::readyRead, this, [this] { onRelayReadable(m_relayA, m_up); });
    connect(&m_relayB, &QUdpSocket::readyRead, this, [this] { onRelayReadable(m_relayB, m_down); });
}

LoopbackDemo::~LoopbackDemo() = default;

bool LoopbackDemo::start()
{
    for (QUdpSocket* socket : {&m_clientSocket, &m_serverSocket, &m_relayA, &m_relayB})
    {
        if (!socket->bind(QHostAddress::LocalHost, 0))
        {
            m_error = tr("cannot bind UDP on 127.0.0.1: %1").arg(socket->errorString());
            return false;
        }
        // kcptun's --sockbuf default: a window of datagrams must fit while the loop is busy,
        // or the kernel drops them and the demo would show loss the link model never caused.
        socket->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, QVariant(SocketBuffer));
        socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, QVariant(SocketBuffer));
    }
    m_clock.start();
    m_reportTimer.start();
    pump();
    return true;
}

kcp::Millis LoopbackDemo::now() const
{
    return static_cast<kcp::Millis>(m_clock.elapsed());
}

void LoopbackDemo::onClientReadable()
{
    char buffer[MaxDatagram];
    while (m_clientSocket.hasPendingDatagrams())
    {
        const qint64 n = m_clientSocket.readDatagram(buffer, sizeof buffer);
        if (n > 0)
            m_client->onDatagram(now(), {reinterpret_cast<std::uint8_t*>(buffer), size_t(n)});
    }
    pump();
}

void LoopbackDemo::onServerReadable()
{
    char buffer[MaxDatagram];
    while (m_serverSocket.hasPendingDatagrams())
    {
        const qint64 n = m_serverSocket.readDatagram(buffer, sizeof buffer);
        if (n > 0)
            m_server->onDatagram(now(), {reinterpret_cast<std::uint8_t*>(buffer), size_t(n)});
    }
    pump();
}

void LoopbackDemo::onRelayReadable(QUdpSocket& from, kcp::lab::LinkModel& link)
{
    char buffer[MaxDatagram];
    while (from.hasPendingDatagrams())
    {
        const qint64 n = from.readDatagram(buffer, sizeof buffer);
        if (n > 0)
            link.send(now(), {reinterpret_cast<const std::uint8_t*>(buffer), size_t(n)});
    }
    pump();
}

void LoopbackDemo::flushSession(kcp::SessionCore& session, QUdpSocket& socket, quint16 port)
{
    for (;;)
    {
        const std::span<const std::uint8_t> datagram = session.nextTransmit(now());
        if (datagram.empty())
            return;
        socket.writeDatagram(reinterpret_cast<const char*>(datagram.data()),
                             qint64(datagram.size()), QHostAddress::LocalHost, port);
        session.popTransmit();
    }
}

void LoopbackDemo::pump()
{
    const kcp::Millis t = now();
    // Link deliveries: up goes relay B -> server, down goes relay A -> client.
    m_up.deliver(t, [this](std::span<std::uint8_t> d) {
        m_relayB.writeDatagram(reinterpret_cast<const char*>(d.data()), qint64(d.size()),
                               QHostAddress::LocalHost, m_serverSocket.localPort());
    });
    m_down.deliver(t, [this](std::span<std::uint8_t> d) {
        m_relayA.writeDatagram(reinterpret_cast<const char*>(d.data()), qint64(d.size()),
                               QHostAddress::LocalHost, m_clientSocket.localPort());
    });

    for (;;)
    {
        const std::size_t n = m_server->read({reinterpret_cast<std::uint8_t*>(m_receiveBuffer.data()),
                                              size_t(m_receiveBuffer.size())});
        if (n == 0)
            break;
        m_received += n;
    }
    while (m_client->writable() > 0)
    {
        const std::size_t n = std::min<std::size_t>(m_client->writable(), m_sendChunk.size());
        m_client->write(t, {reinterpret_cast<const std::uint8_t*>(m_sendChunk.constData()), n});
    }

    flushSession(*m_client, m_clientSocket, m_relayA.localPort());
    flushSession(*m_server, m_serverSocket, m_relayB.localPort());
    arm();
}

void LoopbackDemo::arm()
{
    const kcp::Millis t = now();
    kcp::Millis next = m_client->nextDeadline();
    if (kcp::timeDiff(m_server->nextDeadline(), next) < 0)
        next = m_server->nextDeadline();
    kcp::Millis arrival = 0;
    for (const kcp::lab::LinkModel* link : {&m_up, &m_down})
        if (link->nextArrival(arrival) && kcp::timeDiff(arrival, next) < 0)
            next = arrival;
    m_timer.start(std::max(0, kcp::timeDiff(next, t)));
}

QString LoopbackDemo::reportHeader()
{
    return QStringLiteral("  t  goodput    srtt  rttvar   rto  inflight  retrans/s (rto/fast/early)"
                          "  path-loss  parity  fec-recovered");
}

void LoopbackDemo::emitReport()
{
    ++m_seconds;
    const kcp::SessionStats client = m_client->stats();
    const kcp::SessionStats server = m_server->stats();
    const kcp::SnmpCounters& c = client.counters;
    const kcp::SnmpCounters& s = server.counters;
    const double goodputMbit = double(m_received - m_receivedAtLastReport) * 8.0 / 1e6;
    const quint64 lost = s.PathLost - m_lastServer.PathLost;
    const quint64 seen = lost + (s.PathReceived - m_lastServer.PathReceived);
    const double pathLoss = seen ? 100.0 * double(lost) / double(seen) : 0.0;

    emit report(QStringLiteral("%1s %2 Mbit/s %3 ms %4 ms %5 ms %6 %7 (%8/%9/%10) %11% %12 %13")
                    .arg(m_seconds, 3)
                    .arg(goodputMbit, 6, 'f', 1)
                    .arg(client.srtt, 4)
                    .arg(client.rttVar, 4)
                    .arg(client.rto, 4)
                    .arg(client.inflight, 6)
                    .arg(c.RetransSegs - m_lastClient.RetransSegs, 8)
                    .arg(c.LostSegs - m_lastClient.LostSegs)
                    .arg(c.FastRetransSegs - m_lastClient.FastRetransSegs)
                    .arg(c.EarlyRetransSegs - m_lastClient.EarlyRetransSegs)
                    .arg(pathLoss, 7, 'f', 1)
                    .arg(s.FECParityShards - m_lastServer.FECParityShards, 6)
                    .arg(s.FECRecovered - m_lastServer.FECRecovered, 8));
    m_receivedAtLastReport = m_received;
    m_lastClient = c;
    m_lastServer = s;
    if (m_options.durationSeconds > 0 && m_seconds >= m_options.durationSeconds)
    {
        m_reportTimer.stop();
        m_timer.stop();
        emit finished();
    }
}

} // namespace app
