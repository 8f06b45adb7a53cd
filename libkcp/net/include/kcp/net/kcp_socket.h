#pragma once

#include "kcp/net/net_options.h"
#include "kcp/session_stats.h"

#include <QAbstractSocket>
#include <QHostAddress>
#include <QIODevice>

#include <memory>

namespace kcp::net
{

namespace detail
{
class KcpSocketPrivate;
struct IncomingSession;
} // namespace detail

// A KCP session as a QIODevice, used like QTcpSocket. Wire-compatible with kcp-go / kcptun
// (crypt + FEC + KCP per KcpOptions::session).
//
// Threads: the object belongs to the thread that created it (its signals fire there, its methods
// are called there); the session itself runs on a WorkerPool thread. The two exchange queued
// commands and value events only: write() buffers here and hands batches over, received bytes
// arrive in batches of up to one socket read's worth.
//
// KCP has no handshake and no FIN. connectToHost() binds a UDP port and is ConnectedState as soon
// as the worker has the session (the peer learns of it with the first datagram); the peer going
// away is noticed by idle expiry or dead-link detection (KcpOptions), reported as
// SocketTimeoutError. disconnectFromHost() sends what is buffered, waits (at most
// KcpOptions::closeLingerMs) for the peer's ACKs, then emits disconnected().
//
// Buffers: write() accepts at most KcpOptions::writeBufferSize bytes ahead of the KCP send window
// and returns what it took (possibly 0); bytesWritten(n) reports bytes handed to KCP, so write
// more then. Received data is bounded by KcpOptions::readBufferSize (read it, or the peer is
// slowed down by KCP's window).
class KcpSocket : public QIODevice
{
    Q_OBJECT

public:
    explicit KcpSocket(QObject* parent = nullptr);
    ~KcpSocket() override;

    // Settings for the next connectToHost(). Sockets from KcpServer carry the server's.
    void setOptions(const KcpOptions& options);
    KcpOptions options() const;

    // Local address and port for the next connectToHost() (default: any, ephemeral port, of the
    // peer's family). Returns false when not unconnected.
    bool bind(const QHostAddress& address, quint16 port = 0);

    // Resolves host if needed, then opens the session. Emits connected() or errorOccurred().
    void connectToHost(const QString& hostName, quint16 port,
                       QIODevice::OpenMode mode = QIODevice::ReadWrite);
    void connectToHost(const QHostAddress& address, quint16 port,
                       QIODevice::OpenMode mode = QIODevice::ReadWrite);
    // Graceful: delivers buffered writes, waits for their ACKs (bounded), then disconnected().
    void disconnectFromHost();
    // Immediate: drops the session and everything buffered; emits disconnected() if connected.
    void abort();

    QAbstractSocket::SocketState state() const;
    QAbstractSocket::SocketError error() const;
    QHostAddress localAddress() const;
    quint16 localPort() const;
    QHostAddress peerAddress() const; // IPv4 peers as plain IPv4, even on dual-stack sockets
    quint16 peerPort() const;
    quint32 conv() const;      // KCP conversation id, 0 until connected
    IoBackend backend() const; // the backend actually running (Auto resolved)

    // The last snapshot the worker published (see statsUpdated); zeros before the first.
    SessionStats stats() const;

    // Blocking helpers in the style of QAbstractSocket: they run a local event loop of this
    // thread until the event or the timeout (ms; -1 = none). Not for GUI threads.
    bool waitForConnected(int msecs = 30000);
    bool waitForReadyRead(int msecs = 30000) override;
    bool waitForBytesWritten(int msecs = 30000) override;
    bool waitForDisconnected(int msecs = 30000);

    bool isSequential() const override;
    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override;
    bool canReadLine() const override;
    // read(maxSize) without the copy: returns the oldest received piece itself (an implicitly
    // shared QByteArray of up to one worker read, 256 KB) when it fits in maxSize. Same bytes,
    // same order, same accounting as read(); for relays that pass data on as they get it.
    QByteArray readChunk(qint64 maxSize);
    // Like QAbstractSocket::close(): disconnectFromHost() and closes the device.
    void close() override;

signals:
    void connected();
    void disconnected();
    void stateChanged(QAbstractSocket::SocketState state);
    void errorOccurred(QAbstractSocket::SocketError error);
    // Value snapshot of this session, WorkerPool::statsRate() times a second while connected to
    // (the worker does no stats work for sockets nobody listens to).
    void statsUpdated(const kcp::SessionStats& stats);

protected:
    qint64 readData(char* data, qint64 maxSize) override;
    qint64 writeData(const char* data, qint64 size) override;
    void connectNotify(const QMetaMethod& signal) override;
    void disconnectNotify(const QMetaMethod& signal) override;

private:
    friend class KcpServer;
    friend class detail::KcpSocketPrivate;
    std::unique_ptr<detail::KcpSocketPrivate> d;
};

} // namespace kcp::net

Q_DECLARE_METATYPE(kcp::SessionStats)
Q_DECLARE_METATYPE(kcp::SnmpCounters)
