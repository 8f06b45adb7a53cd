#include "lab/lab_engine.h"

#include <QDateTime>
#include <QNetworkDatagram>
#include <QRandomGenerator>
#include <QVariant>

#include <algorithm>
#include <array>
#include <stdexcept>

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
// kcptun's --sockbuf default: a window of datagrams must fit while the loop is busy, or the
// kernel drops them and the lab would show loss the link model never caused.
constexpr int SocketBuffer = 4 * 1024 * 1024;

void addLinkCounters(kcp::lab::LinkCounters& sum, const kcp::lab::LinkCounters& more)
{
    sum.sent += more.sent;
    sum.delivered += more.delivered;
    sum.lost += more.lost;
    sum.queueDrops += more.queueDrops;
    sum.duplicated += more.duplicated;
}

} // namespace

LabEngine::LabEngine(const LabSettings& settings, int sampleIntervalMs, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_sampleIntervalMs(std::max(50, sampleIntervalMs))
    , m_random(std::make_unique<kcp::ChaChaRandom>(systemSeed()))
{
    m_sendChunk.resize(64 * 1024);
    for (qsizetype i = 0; i < m_sendChunk.size(); ++i)
        m_sendChunk[i] = char(i * 131 + 7);
    m_receiveBuffer.resize(256 * 1024);

    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &LabEngine::pump);
    m_sampleTimer.setInterval(m_sampleIntervalMs);
    connect(&m_sampleTimer, &QTimer::timeout, this, &LabEngine::takeSample);
    connect(&m_clientSocket, &QUdpSocket::readyRead, this,
            [this] { onSessionReadable(m_clientSocket, *m_client); });
    connect(&m_serverSocket, &QUdpSocket::readyRead, this,
            [this] { onSessionReadable(m_serverSocket, *m_server); });
    connect(&m_relayA, &QUdpSocket::readyRead, this, [this] { onRelayReadable(m_relayA, *m_up); });
    connect(&m_relayB, &QUdpSocket::readyRead, this,
            [this] { onRelayReadable(m_relayB, *m_down); });
}

LabEngine::~LabEngine() = default;

bool LabEngine::buildSessions()
{
    if (const QStringList problems = m_settings.problems(); !problems.isEmpty())
    {
        m_error = problems.join(QLatin1Char(' '));
        return false;
    }
    kcp::tunnel::KcptunConfig effective = m_settings.session;
    effective.applyModePreset();
    try
    {
        const kcp::SessionConfig clientConfig = effective.sessionConfig();
        kcp::SessionConfig serverConfig = clientConfig;
        // kcptun-server's window defaults, so the receiver never limits the sender.
        serverConfig.sndWnd = std::max(serverConfig.sndWnd, 1024);
        serverConfig.rcvWnd = std::max(serverConfig.rcvWnd, 1024);
        const std::uint32_t conv = m_random->nextU32();
        auto client = std::make_unique<kcp::SessionCore>(conv, clientConfig, *m_random);
        auto server = std::make_unique<kcp::SessionCore>(conv, serverConfig, *m_random);
        if (m_client)
        {
            m_retiredClient += m_client->stats().counters;
            m_retiredServer += m_server->stats().counters;
            addLinkCounters(m_retiredUp, m_up->counters());
        }
        m_client = std::move(client);
        m_server = std::move(server);
    }
    catch (const std::invalid_argument& e)
    {
        m_error = QString::fromStdString(e.what());
        return false;
    }
    m_up = std::make_unique<kcp::lab::LinkModel>(m_settings.link,
                                                 QRandomGenerator::system()->generate64());
    m_down = std::make_unique<kcp::lab::LinkModel>(m_settings.link,
                                                   QRandomGenerator::system()->generate64());
    return true;
}

bool LabEngine::start()
{
    if (!buildSessions())
        return false;
    for (QUdpSocket* socket : {&m_clientSocket, &m_serverSocket, &m_relayA, &m_relayB})
    {
        if (!socket->bind(QHostAddress::LocalHost, 0))
        {
            m_error = tr("Cannot bind UDP on 127.0.0.1: %1").arg(socket->errorString());
            return false;
        }
        socket->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption,
                                QVariant(SocketBuffer));
        socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption,
                                QVariant(SocketBuffer));
    }
    m_clock.start();
    m_deriver.reset(0);
    m_sampleTimer.start();
    pump();
    return true;
}

bool LabEngine::apply(const LabSettings& settings)
{
    const bool rebuild = !m_settings.sameSession(settings);
    const LabSettings previous = m_settings;
    m_settings = settings;
    if (!rebuild)
    {
        if (const QStringList problems = settings.problems(); !problems.isEmpty())
        {
            m_settings = previous;
            emit failed(problems.join(QLatin1Char(' ')));
            return false;
        }
        m_up->setConfig(settings.link);
        m_down->setConfig(settings.link);
        return true;
    }
    if (!buildSessions())
    {
        m_settings = previous;
        emit failed(m_error);
        return false;
    }
    discardPending();
    pump();
    return true;
}

void LabEngine::discardPending()
{
    // The old pair's datagrams still waiting in the sockets must not reach the new pair: an old
    // FEC seqid far ahead of the new ones would make the new decoder take every new shard for a
    // late one, and FEC would rebuild nothing. Everything runs on this thread and loopback
    // delivers during the send, so once these are read, nothing of the old pair is in flight.
    char buffer[MaxDatagram];
    for (QUdpSocket* socket : {&m_clientSocket, &m_serverSocket, &m_relayA, &m_relayB})
        while (socket->readDatagram(buffer, sizeof buffer) >= 0)
        {
        }
}

kcp::Millis LabEngine::now() const
{
    return static_cast<kcp::Millis>(m_clock.elapsed());
}

void LabEngine::onSessionReadable(QUdpSocket& socket, kcp::SessionCore& session)
{
    // Read until readDatagram() fails, never gated on hasPendingDatagrams(): QAbstractSocket
    // marks a UDP socket "pending" when it emits readyRead and clears the mark only inside
    // readDatagram(). A notification that finds the socket already drained (discardPending()
    // makes them common) would leave the mark set, and on the next one Qt disables its read
    // notifier for good: a deaf socket and a stalled pair (see libkcp/net/src/qt_udp_io.cpp).
    char buffer[MaxDatagram];
    for (qint64 n; (n = socket.readDatagram(buffer, sizeof buffer)) >= 0;)
        if (n > 0)
            session.onDatagram(now(), {reinterpret_cast<std::uint8_t*>(buffer), size_t(n)});
    pump();
}

void LabEngine::onRelayReadable(QUdpSocket& from, kcp::lab::LinkModel& link)
{
    char buffer[MaxDatagram]; // read until it fails: see onSessionReadable()
    for (qint64 n; (n = from.readDatagram(buffer, sizeof buffer)) >= 0;)
        if (n > 0)
            link.send(now(), {reinterpret_cast<const std::uint8_t*>(buffer), size_t(n)});
    pump();
}

void LabEngine::flushSession(kcp::SessionCore& session, QUdpSocket& socket, quint16 port)
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

void LabEngine::pump()
{
    const kcp::Millis t = now();
    m_up->deliver(t,
                  [this](std::span<std::uint8_t> d)
                  {
                      m_relayB.writeDatagram(reinterpret_cast<const char*>(d.data()),
                                             qint64(d.size()), QHostAddress::LocalHost,
                                             m_serverSocket.localPort());
                  });
    m_down->deliver(t,
                    [this](std::span<std::uint8_t> d)
                    {
                        m_relayA.writeDatagram(reinterpret_cast<const char*>(d.data()),
                                               qint64(d.size()), QHostAddress::LocalHost,
                                               m_clientSocket.localPort());
                    });

    while (m_server->read({reinterpret_cast<std::uint8_t*>(m_receiveBuffer.data()),
                           size_t(m_receiveBuffer.size())}) > 0)
    {
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

void LabEngine::arm()
{
    const kcp::Millis t = now();
    kcp::Millis next = m_client->nextDeadline();
    if (kcp::timeDiff(m_server->nextDeadline(), next) < 0)
        next = m_server->nextDeadline();
    kcp::Millis arrival = 0;
    for (const kcp::lab::LinkModel* link : {m_up.get(), m_down.get()})
        if (link->nextArrival(arrival) && kcp::timeDiff(arrival, next) < 0)
            next = arrival;
    m_timer.start(std::max(0, kcp::timeDiff(next, t)));
}

void LabEngine::takeSample()
{
    const kcp::SessionStats client = m_client->stats();
    const kcp::SessionStats server = m_server->stats();
    kcp::SnmpCounters sender = m_retiredClient;
    sender += client.counters;
    kcp::SnmpCounters receiver = m_retiredServer;
    receiver += server.counters;
    kcp::lab::LinkCounters up = m_retiredUp;
    addLinkCounters(up, m_up->counters());

    // The pair seen as one link carrying data client -> server: the sender's retransmissions
    // and bytes out, the receiver's loss measurement, FEC work and delivered bytes.
    LinkReading r;
    r.monotonicMs = m_clock.elapsed();
    r.timestampMs = QDateTime::currentMSecsSinceEpoch();
    r.counters = sender;
    r.counters.PathLost = receiver.PathLost;
    r.counters.PathReceived = receiver.PathReceived;
    r.counters.PathLostData = receiver.PathLostData;
    r.counters.FECRecovered = receiver.FECRecovered;
    r.counters.FECParityShards = receiver.FECParityShards;
    r.counters.FECErrs = receiver.FECErrs;
    r.counters.FECShortShards = receiver.FECShortShards;
    r.counters.BytesReceived = receiver.BytesReceived;
    r.srttMs = client.srtt;
    r.rttVarMs = client.rttVar;
    r.rtoMs = client.rto;
    r.inflight = client.inflight;
    r.cwnd = client.cwnd;
    r.sessions = 1;
    r.hasEmulator = true;
    r.emulatorOffered = up.sent;
    r.emulatorDropped = up.lost + up.queueDrops;
    emit sampleReady(m_deriver.next(r));
}

} // namespace app
