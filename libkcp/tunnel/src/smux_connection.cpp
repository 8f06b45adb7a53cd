#include "kcp/tunnel/smux_connection.h"

#include "kcp/net/kcp_socket.h"
#include "kcp/tunnel/stream_bridge.h"

#include <QDebug>

#include <algorithm>

namespace kcp::tunnel
{

namespace
{

// Bytes taken from the KCP socket (and fed to smux) per step: a whole piece as the worker hands
// it over (at most 256 KB), so readChunk() passes it on without a copy; small against smux's
// receive budget (4 MB in kcptun), which is checked between steps.
constexpr qint64 ReadChunk = 256 * 1024;

} // namespace

SmuxConnection::SmuxConnection(net::KcpSocket* socket, SmuxRole role, const SmuxConfig& config,
                               bool compression, QObject* parent)
    : QObject(parent)
    , m_socket(socket)
    , m_session(role, config, 0)
    , m_compression(compression)
{
    m_clock.start();
    m_age.start();
    m_socket->setParent(this);
    connect(m_socket, &QIODevice::readyRead, this, &SmuxConnection::pump);
    connect(m_socket, &QIODevice::bytesWritten, this, &SmuxConnection::pump);
    connect(m_socket, &net::KcpSocket::connected, this, &SmuxConnection::pump);
    connect(m_socket, &net::KcpSocket::disconnected, this, [this] {
        close(QStringLiteral("KCP session ended") +
              (m_socket->errorString().isEmpty() ? QString()
                                                 : QStringLiteral(": ") + m_socket->errorString()));
    });
    connect(m_socket, &net::KcpSocket::errorOccurred, this, [this] {
        close(QStringLiteral("KCP session failed: ") + m_socket->errorString());
    });
    connect(m_socket, &net::KcpSocket::statsUpdated, this, &SmuxConnection::onKcpStats);
    if (role == SmuxRole::Client)
    {
        m_answerTimer.setSingleShot(true);
        connect(&m_answerTimer, &QTimer::timeout, this, [this] {
            // KCP answers every data segment with an ACK: silence means nothing we sent was
            // understood, or nothing reached the server.
            const SessionStats now = m_socket->stats();
            if (now.counters.InPkts == 0 && now.counters.OutPkts > 0)
                close(QStringLiteral("no authentic datagram from %1:%2 in %3 s (%4 sent, %5 "
                                     "failed crc): wrong --key or --crypt, or the server is "
                                     "down or unreachable")
                          .arg(m_socket->peerAddress().toString())
                          .arg(m_socket->peerPort())
                          .arg(NoAnswerTimeoutMs / 1000)
                          .arg(now.counters.OutPkts)
                          .arg(now.counters.InCsumErrors));
        });
        m_answerTimer.start(NoAnswerTimeoutMs);
    }
    m_tickTimer.setSingleShot(true);
    m_tickTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_tickTimer, &QTimer::timeout, this, &SmuxConnection::onTick);
    scheduleTick();
}

SmuxConnection::~SmuxConnection()
{
    // Bridges are children; they must not call back into a half-destroyed connection.
    for (auto& [id, bridge] : m_bridges)
        if (bridge)
            bridge->disconnect(this);
}

TunnelSessionSnapshot SmuxConnection::snapshot() const
{
    TunnelSessionSnapshot s;
    s.peer = m_socket->peerAddress().toString() + u':' + QString::number(m_socket->peerPort());
    s.conv = m_socket->conv();
    s.ageMs = m_age.elapsed();
    s.kcp = m_kcpStats;
    s.smux = m_session.stats();
    return s;
}

std::optional<std::uint32_t> SmuxConnection::openStream()
{
    if (m_closed)
        return std::nullopt;
    const auto id = m_session.openStream();
    pump();
    return id;
}

void SmuxConnection::attach(std::uint32_t streamId, StreamBridge* bridge)
{
    bridge->setParent(this);
    m_bridges[streamId] = bridge;
}

void SmuxConnection::detach(std::uint32_t streamId)
{
    m_bridges.erase(streamId);
}

void SmuxConnection::pump()
{
    if (m_closed)
        return;
    if (m_pumping)
    {
        m_pumpAgain = true;
        return;
    }
    m_pumping = true;
    do
    {
        m_pumpAgain = false;
        readSocket();
        writeSocket();
        dispatchEvents();
    } while (m_pumpAgain && !m_closed);
    m_pumping = false;
    if (!m_closed)
        scheduleTick();
}

void SmuxConnection::readSocket()
{
    while (!m_closed && !m_session.isClosed())
    {
        if (m_decodedHead < m_decoded.size())
        {
            if (!m_session.acceptsInput())
                return;
            const std::size_t n = std::min<std::size_t>(ReadChunk, m_decoded.size() - m_decodedHead);
            m_session.feed(std::span(m_decoded).subspan(m_decodedHead, n));
            m_decodedHead += n;
            if (m_decodedHead == m_decoded.size())
            {
                m_decoded.clear();
                m_decodedHead = 0;
            }
            continue;
        }
        if (!m_session.acceptsInput() || m_socket->bytesAvailable() <= 0)
            return;
        const QByteArray chunk = m_socket->readChunk(ReadChunk);
        if (chunk.isEmpty())
            return;
        const std::span<const std::uint8_t> bytes(
            reinterpret_cast<const std::uint8_t*>(chunk.constData()), std::size_t(chunk.size()));
        if (!m_compression)
        {
            m_session.feed(bytes);
            continue;
        }
        if (!m_snappyReader.feed(bytes, m_decoded))
        {
            // The peer's compression setting differs from ours, or corrupt data got through.
            close(QString::fromUtf8(m_snappyReader.errorString().data(),
                                    qsizetype(m_snappyReader.errorString().size())) +
                  QStringLiteral(" (do both ends agree on --nocomp?)"));
            return;
        }
    }
}

void SmuxConnection::writeSocket()
{
    const auto state = m_socket->state();
    if (state == QAbstractSocket::UnconnectedState || state == QAbstractSocket::ClosingState)
        return;
    while (!m_closed)
    {
        if (m_wireHead < m_wire.size())
        {
            const qint64 n = m_socket->write(reinterpret_cast<const char*>(m_wire.data()) +
                                                 m_wireHead,
                                             qint64(m_wire.size() - m_wireHead));
            if (n < 0)
            {
                close(QStringLiteral("KCP write failed: ") + m_socket->errorString());
                return;
            }
            m_wireHead += std::size_t(n);
            if (m_wireHead < m_wire.size())
                return;  // the socket is full: bytesWritten resumes us
            m_wire.clear();
            m_wireHead = 0;
        }
        const std::span<const std::uint8_t> out = m_session.output();
        if (out.empty())
            return;
        if (m_compression)
        {
            // Chunks may span smux frames: any chunking is a valid snappy stream.
            const std::size_t take = std::min(out.size(), SnappyMaxChunkData);
            m_snappyWriter.write(out.first(take), m_wire);
            m_session.consumeOutput(take);
            continue;
        }
        const qint64 n = m_socket->write(reinterpret_cast<const char*>(out.data()),
                                         qint64(out.size()));
        if (n < 0)
        {
            close(QStringLiteral("KCP write failed: ") + m_socket->errorString());
            return;
        }
        m_session.consumeOutput(std::size_t(n));
        if (std::size_t(n) < out.size())
            return;
    }
}

void SmuxConnection::dispatchEvents()
{
    while (!m_closed && m_session.hasEvents())
    {
        for (const SmuxEvent& event : m_session.takeEvents())
        {
            if (event.type == SmuxEvent::Type::SessionClosed)
            {
                close(QString::fromStdString(m_session.errorString()));
                return;
            }
            if (event.type == SmuxEvent::Type::IncomingStream)
            {
                emit incomingStream(event.streamId);
                continue;
            }
            const auto it = m_bridges.find(event.streamId);
            if (it == m_bridges.end() || !it->second)
                continue;  // not bridged (yet): the bridge looks at the stream when attached
            StreamBridge* bridge = it->second;
            switch (event.type)
            {
            case SmuxEvent::Type::Readable:
                bridge->onStreamReadable();
                break;
            case SmuxEvent::Type::Writable:
                bridge->onStreamWritable();
                break;
            case SmuxEvent::Type::Finished:
                bridge->onStreamFinished();
                break;
            case SmuxEvent::Type::StreamReset:
                bridge->onStreamReset(
                    m_session.isClosed()
                        ? QString::fromStdString(m_session.errorString())
                        : QStringLiteral("smux: the peer acknowledged more than we sent"));
                break;
            default:
                break;
            }
        }
    }
}

void SmuxConnection::scheduleTick()
{
    // pump() runs per socket signal (thousands a second under load); re-arm the timer only
    // when the session's deadline moved.
    const Millis deadline = m_session.nextDeadline();
    if (m_tickTimer.isActive() && deadline == m_armedDeadline)
        return;
    m_armedDeadline = deadline;
    const Millis now = Millis(m_clock.elapsed());
    m_tickTimer.start(std::max<std::int32_t>(0, timeDiff(deadline, now)));
}

void SmuxConnection::onTick()
{
    if (m_closed)
        return;
    m_session.tick(Millis(m_clock.elapsed()));
    pump();
}

void SmuxConnection::onKcpStats(const SessionStats& stats)
{
    m_kcpStats = stats;
    if (!m_warnedFecMismatch && stats.counters.FECGeometryMismatch > 0)
    {
        // kcp-go would autotune and may then inject garbage (wire-compat.md 2.3); we only
        // recover groups that fit our geometry, so the data stays intact but FEC is lost.
        m_warnedFecMismatch = true;
        qWarning().noquote() << "FEC mismatch: datagrams from" << m_socket->peerAddress().toString()
                             << "do not fit our --datashard/--parityshard; both ends must use the "
                                "same values (FEC recovery disabled for them)";
    }
}

void SmuxConnection::close(const QString& reason)
{
    if (m_closed)
        return;
    m_closed = true;
    m_closeReason = reason;
    m_tickTimer.stop();
    m_answerTimer.stop();
    m_session.close();
    // Every bridged stream is reset: its TCP connection is aborted, not finished, so the
    // application sees the failure instead of a clean end of data.
    const auto bridges = m_bridges;
    for (const auto& [id, bridge] : bridges)
        if (bridge)
            bridge->onStreamReset(reason);
    m_bridges.clear();
    m_session.takeEvents();
    m_socket->abort();
    emit closed(reason);
}

} // namespace kcp::tunnel
