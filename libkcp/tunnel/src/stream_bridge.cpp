#include "kcp/tunnel/stream_bridge.h"

#include "kcp/tunnel/smux_connection.h"

#include <QDebug>
#include <QHostAddress>
#include <QTimer>

#include <cerrno>

#if defined(Q_OS_UNIX)
#include <sys/socket.h>
#endif

namespace kcp::tunnel
{

namespace
{

// Bytes moved per read() call in either direction.
constexpr qint64 CopyChunk = 64 * 1024;
// Stream data is read into the TCP socket only while less than this waits in its write buffer:
// beyond it, unread data stays in smux and holds its receive budget (backpressure to KCP).
constexpr qint64 TcpWriteHighWater = 1024 * 1024;
// QTcpSocket reads the kernel into an unbounded buffer by default, which would swallow a fast
// TCP sender whole (gigabytes) instead of letting TCP's window push back: bound it.
constexpr qint64 TcpReadBuffer = 256 * 1024;
// A finished TCP connection gets this long to flush what it still buffers.
constexpr int TcpLingerMs = 30000;

} // namespace

StreamBridge::StreamBridge(SmuxConnection* connection, std::uint32_t streamId,
                           QAbstractSocket* socket, bool quiet)
    : m_connection(connection)
    , m_streamId(streamId)
    , m_socket(socket)
    , m_quiet(quiet)
    , m_buffer(CopyChunk)
{
    connection->attach(streamId, this);
    m_socket->setParent(this);
    m_socket->setReadBufferSize(TcpReadBuffer);
    m_description = QStringLiteral("stream %1").arg(streamId);

    connect(m_socket, &QIODevice::readyRead, this, &StreamBridge::tcpToStream);
    connect(m_socket, &QIODevice::bytesWritten, this, &StreamBridge::streamToTcp);
    connect(m_socket, &QAbstractSocket::connected, this, [this] {
        if (!m_quiet)
            qInfo().noquote() << "stream opened" << m_description << "->"
                              << m_socket->peerAddress().toString() + u':' +
                                     QString::number(m_socket->peerPort());
        streamToTcp();
        tcpToStream();
    });
    connect(m_socket, &QIODevice::readChannelFinished, this, [this] {
        m_tcpEof = true;
        tcpToStream();
    });
    connect(m_socket, &QAbstractSocket::disconnected, this, [this] {
        m_tcpEof = true;
        tcpToStream();
    });
    connect(m_socket, &QAbstractSocket::errorOccurred, this,
            [this](QAbstractSocket::SocketError error) {
                if (error == QAbstractSocket::RemoteHostClosedError)
                {
                    m_tcpEof = true;
                    tcpToStream();
                    return;
                }
                finish(true, QStringLiteral("TCP: ") + m_socket->errorString());
            });

    if (m_socket->state() == QAbstractSocket::ConnectedState && !m_quiet)
        qInfo().noquote() << "stream opened" << m_description << "<-"
                          << m_socket->peerAddress().toString() + u':' +
                                 QString::number(m_socket->peerPort());
    // Data or a FIN may have arrived before this bridge existed (server side, while dialling).
    QTimer::singleShot(0, this, [this] {
        streamToTcp();
        tcpToStream();
    });
}

StreamBridge::~StreamBridge() = default;

void StreamBridge::onStreamReadable()
{
    streamToTcp();
}

void StreamBridge::onStreamWritable()
{
    tcpToStream();
}

void StreamBridge::onStreamFinished()
{
    streamToTcp();
}

void StreamBridge::onStreamReset(const QString& reason)
{
    finish(true, reason);
}

void StreamBridge::tcpToStream()
{
    if (m_done || !m_connection)
        return;
    SmuxSession& session = m_connection->session();
    bool wrote = false;
    while (m_socket->bytesAvailable() > 0)
    {
        const std::size_t room = session.writable(m_streamId);
        if (room == 0)
            break;  // window or output full: onStreamWritable() resumes
        const qint64 n = m_socket->read(m_buffer.data(),
                                        std::min<qint64>({CopyChunk, qint64(room),
                                                          m_socket->bytesAvailable()}));
        if (n <= 0)
            break;
        session.write(m_streamId,
                      std::span(reinterpret_cast<const std::uint8_t*>(m_buffer.data()),
                                std::size_t(n)));
        wrote = true;
    }
    if (wrote)
        m_connection->pump();
    if (!m_done && m_tcpEof && m_socket->bytesAvailable() == 0)
        finish(false, QStringLiteral("TCP side closed"));
}

void StreamBridge::streamToTcp()
{
    if (m_done || !m_connection)
        return;
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;  // still dialling: connected() resumes
    SmuxSession& session = m_connection->session();
    bool read = false;
    while (m_socket->bytesToWrite() < TcpWriteHighWater)
    {
        const std::span<const std::uint8_t> data = session.peek(m_streamId);
        if (data.empty())
            break;
        const qint64 n = writeTcp(reinterpret_cast<const char*>(data.data()),
                                  std::min<qint64>(qint64(data.size()), CopyChunk));
        if (n <= 0)
            break;  // the socket failed: errorOccurred finishes the bridge
        session.consume(m_streamId, std::size_t(n));
        read = true;
    }
    if (read)
        m_connection->pump();  // budget returned, v2 UPDs to send
    if (!m_done && session.streamState(m_streamId) == SmuxStreamState::FinReceived &&
        session.readable(m_streamId) == 0)
    {
        m_streamEof = true;
        finish(false, QStringLiteral("peer closed the stream"));
    }
}

// A buffered QTcpSocket copies every write into its own buffer, arms a write notifier and sends
// on the next event-loop turn, then disarms it: two epoll_ctl calls, one extra wake-up and a copy
// per write (half of a tunnel server's syscalls on a 25 ms link). While Qt holds nothing for the
// socket the bytes go straight to the kernel; what it refuses, and any error, is left to Qt, which
// buffers it, reports errors and emits bytesWritten as before.
qint64 StreamBridge::writeTcp(const char* data, qint64 size)
{
#if defined(Q_OS_UNIX)
    const qintptr fd = m_socket->socketDescriptor();
    if (fd >= 0 && m_socket->bytesToWrite() == 0)
    {
        ssize_t sent;
        do
            sent = ::send(int(fd), data, std::size_t(size), MSG_NOSIGNAL | MSG_DONTWAIT);
        while (sent < 0 && errno == EINTR);
        if (sent > 0)
            return sent;
    }
#endif
    return m_socket->write(data, size);
}

void StreamBridge::finish(bool abortTcp, const QString& why)
{
    if (m_done)
        return;
    m_done = true;
    if (m_connection)
    {
        m_connection->session().closeStream(m_streamId);  // FIN, as kcptun's p2.Close()
        m_connection->detach(m_streamId);
        m_connection->pump();
    }
    if (!m_quiet || abortTcp)
        qInfo().noquote() << "stream closed" << m_description << '(' + why + ')';

    // kcptun closes both ends when either direction ends. A clean end lets TCP flush first.
    QAbstractSocket* socket = m_socket;
    socket->disconnect(this);
    if (abortTcp || socket->state() != QAbstractSocket::ConnectedState)
    {
        socket->abort();
    }
    else
    {
        socket->setParent(nullptr);
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(TcpLingerMs, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
        if (socket->state() == QAbstractSocket::UnconnectedState)
            socket->deleteLater();
    }
    emit finished();
    deleteLater();
}

} // namespace kcp::tunnel
