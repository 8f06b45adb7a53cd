#include "kcp/net/kcp_socket.h"

#include "kcp_socket_p.h"

#include "kcp/net/worker_pool.h"

#include <QEventLoop>
#include <QHostInfo>
#include <QMetaMethod>
#include <QTimer>

#include <cstring>

namespace kcp::net
{

using detail::KcpSocketPrivate;

namespace detail
{

KcpSocketPrivate::KcpSocketPrivate(KcpSocket* q) : q(q) {}

KcpSocketPrivate::~KcpSocketPrivate() = default;

void KcpSocketPrivate::setState(QAbstractSocket::SocketState s)
{
    if (state == s)
        return;
    state = s;
    emit q->stateChanged(s);
}

void KcpSocketPrivate::setError(QAbstractSocket::SocketError e, const QString& message)
{
    error = e;
    q->setErrorString(message);
}

void KcpSocketPrivate::startSession(const QHostAddress& address, quint16 port)
{
    peerAddress = Endpoint::fromHost(address, port).host(); // ::ffff:a.b.c.d -> a.b.c.d
    peerPort = port;
    if (const std::string problem = options.session.validate(); !problem.empty())
    {
        setError(QAbstractSocket::UnsupportedSocketOperationError, QString::fromStdString(problem));
        setState(QAbstractSocket::UnconnectedState);
        emit q->errorOccurred(error);
        return;
    }
    setState(QAbstractSocket::ConnectingState);

    WorkerPool* pool = WorkerPool::instance();
    worker = pool->pickWorker();
    id = WorkerPool::nextId();
    link = std::make_shared<SocketLink>(q);
    backend = resolveIoBackend(options.backend);

    detail::ClientRequest request;
    request.id = id;
    request.options = options;
    request.options.backend = backend;
    request.bindAddress = bindAddress;
    request.bindPort = bindPort;
    request.peer = peerAddress;
    request.peerPort = port;
    request.wantStats = statsWanted;
    request.link = link;
    request.channel = channel;
    statsEnabled = statsWanted;
    Worker* w = worker;
    w->post([w, request = std::move(request)]() mutable { w->openClient(std::move(request)); });
    // Writes made during the host lookup follow the open command in order.
    notifyWorker();
}

void KcpSocketPrivate::initAccepted(const IncomingSession& in, KcpServer* owner)
{
    options = in.options;
    worker = in.worker;
    id = in.id;
    link = in.link;
    channel = in.channel;
    conv = in.conv;
    backend = in.backend;
    peerAddress = in.peer;
    peerPort = in.peerPort;
    localAddress = in.local;
    localPort = in.localPort;
    server = owner;
    state = QAbstractSocket::ConnectedState;
    q->QIODevice::open(QIODevice::ReadWrite | QIODevice::Unbuffered);
    link->attach(q);
    // Grant the rest of the read buffer now that someone can receive it.
    const qint64 grant = options.readBufferSize - in.initialCredit;
    if (grant > 0)
    {
        Worker* w = worker;
        const quint64 sid = id;
        w->post([w, sid, grant] { w->addCredit(sid, grant); });
    }
}

void KcpSocketPrivate::onOpened(const QHostAddress& local, quint16 port, quint32 c, IoBackend b)
{
    if (state != QAbstractSocket::ConnectingState)
        return;
    localAddress = local;
    localPort = port;
    conv = c;
    backend = b;
    setState(QAbstractSocket::ConnectedState);
    emit q->connected();
}

void KcpSocketPrivate::onChannel()
{
    std::deque<QByteArray> received;
    qint64 written = 0;
    {
        QMutexLocker lock(&channel->mutex);
        received.swap(channel->inbound);
        written = std::exchange(channel->written, 0);
        channel->userNotified = false;
    }
    for (QByteArray& piece : received)
    {
        readBuffered += piece.size();
        readChunks.push_back(std::move(piece));
    }
    if (written > 0)
    {
        unsent -= written;
        emit q->bytesWritten(written);
    }
    if (received.empty() || emittingReadyRead)
        return; // nothing new, or a readyRead handler is still running (waitForReadyRead in it)
    emittingReadyRead = true;
    emit q->readyRead();
    emittingReadyRead = false;
}

void KcpSocketPrivate::onClosed(QAbstractSocket::SocketError e, const QString& message)
{
    if (state == QAbstractSocket::UnconnectedState)
        return;
    const bool wasConnected =
        state == QAbstractSocket::ConnectedState || state == QAbstractSocket::ClosingState;
    onChannel(); // whatever arrived before the end stays readable
    detachFromWorker();
    const bool failed = !message.isEmpty();
    if (failed)
        setError(e, message);
    unsent = 0;
    if (KcpServer* owner = server.data())
    {
        // Never handed out: the server drops it from its queue.
        KcpServerPrivate::of(owner)->onPendingClosed(q);
        return;
    }
    if (failed)
        emit q->errorOccurred(e);
    setState(QAbstractSocket::UnconnectedState);
    if (wasConnected)
        emit q->disconnected();
}

void KcpSocketPrivate::onStats(const SessionStats& stats)
{
    lastStats = stats;
    emit q->statsUpdated(stats);
}

void KcpSocketPrivate::detachFromWorker()
{
    if (link)
        link->detach();
    link.reset();
    worker = nullptr;
    {
        QMutexLocker lock(&channel->mutex);
        channel->outbound.clear();
    }
    // A fresh channel for the next connection; the worker may still hold the old one.
    channel = std::make_shared<DataChannel>();
}

void KcpSocketPrivate::notifyWorker()
{
    if (!worker)
        return;
    {
        QMutexLocker lock(&channel->mutex);
        if (channel->outbound.empty() || channel->workerNotified)
            return;
        channel->workerNotified = true;
    }
    Worker* w = worker;
    const quint64 sid = id;
    w->runOrPost([w, sid] { w->drainWrites(sid); });
}

void KcpSocketPrivate::returnCredit(bool force)
{
    if (!worker || consumedSinceCredit == 0)
        return;
    // Batch: the worker still holds 3/4 of the buffer's credit when we call.
    if (!force && consumedSinceCredit < std::max<qint64>(1, options.readBufferSize / 4))
        return;
    Worker* w = worker;
    const quint64 sid = id;
    const qint64 bytes = consumedSinceCredit;
    consumedSinceCredit = 0;
    w->runOrPost([w, sid, bytes] { w->addCredit(sid, bytes); });
}

void KcpSocketPrivate::updateStatsSubscription()
{
    statsWanted = q->isSignalConnected(QMetaMethod::fromSignal(&KcpSocket::statsUpdated));
    if (!worker || statsWanted == statsEnabled)
        return;
    statsEnabled = statsWanted;
    Worker* w = worker;
    const quint64 sid = id;
    const bool on = statsWanted;
    w->post([w, sid, on] { w->setSessionStats(sid, on); });
}

bool KcpSocketPrivate::waitFor(const std::function<bool()>& done, int msecs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    auto check = [&]
    {
        if (done())
            loop.quit();
    };
    const auto c1 = QObject::connect(q, &KcpSocket::readyRead, &loop, check);
    const auto c2 = QObject::connect(q, &KcpSocket::bytesWritten, &loop, check);
    const auto c3 = QObject::connect(q, &KcpSocket::stateChanged, &loop, check);
    if (msecs >= 0)
        timer.start(msecs);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    QObject::disconnect(c3);
    return done();
}

} // namespace detail

// ---------------------------------------------------------------------------------------------

KcpSocket::KcpSocket(QObject* parent)
    : QIODevice(parent), d(std::make_unique<KcpSocketPrivate>(this))
{
}

KcpSocket::~KcpSocket()
{
    if (d->lookupId >= 0)
        QHostInfo::abortHostLookup(d->lookupId);
    if (d->worker)
    {
        // A socket deleted while closing keeps lingering in the worker (its data still reaches
        // the peer); otherwise the session dies with it, like QAbstractSocket's abort().
        detail::Worker* w = d->worker;
        const quint64 sid = d->id;
        if (d->state != QAbstractSocket::ClosingState)
            w->post([w, sid] { w->abortSession(sid); });
    }
    if (d->link)
        d->link->detach();
}

void KcpSocket::setOptions(const KcpOptions& options)
{
    d->options = options;
}

KcpOptions KcpSocket::options() const
{
    return d->options;
}

bool KcpSocket::bind(const QHostAddress& address, quint16 port)
{
    if (d->state != QAbstractSocket::UnconnectedState)
        return false;
    d->bindAddress = address;
    d->bindPort = port;
    return true;
}

void KcpSocket::connectToHost(const QString& hostName, quint16 port, QIODevice::OpenMode mode)
{
    QHostAddress address;
    if (address.setAddress(hostName))
    {
        connectToHost(address, port, mode);
        return;
    }
    if (d->state != QAbstractSocket::UnconnectedState)
    {
        qWarning("KcpSocket::connectToHost() called when already connecting/connected");
        return;
    }
    QIODevice::open(mode | QIODevice::Unbuffered);
    d->setState(QAbstractSocket::HostLookupState);
    d->lookupId = QHostInfo::lookupHost(
        hostName, this,
        [this, port](const QHostInfo& info)
        {
            d->lookupId = -1;
            if (d->state != QAbstractSocket::HostLookupState)
                return;
            if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
            {
                d->setError(QAbstractSocket::HostNotFoundError, info.errorString().isEmpty()
                                                                    ? tr("Host not found")
                                                                    : info.errorString());
                d->setState(QAbstractSocket::UnconnectedState);
                emit errorOccurred(d->error);
                return;
            }
            d->startSession(info.addresses().constFirst(), port);
        });
}

void KcpSocket::connectToHost(const QHostAddress& address, quint16 port, QIODevice::OpenMode mode)
{
    if (d->state != QAbstractSocket::UnconnectedState)
    {
        qWarning("KcpSocket::connectToHost() called when already connecting/connected");
        return;
    }
    d->readChunks.clear();
    d->readOffset = 0;
    d->readBuffered = 0;
    d->consumedSinceCredit = 0;
    d->unsent = 0;
    d->conv = 0;
    d->error = QAbstractSocket::UnknownSocketError;
    QIODevice::open(mode | QIODevice::Unbuffered);
    d->startSession(address, port);
}

void KcpSocket::disconnectFromHost()
{
    if (d->state == QAbstractSocket::HostLookupState)
    {
        abort();
        return;
    }
    if (d->state != QAbstractSocket::ConnectingState && d->state != QAbstractSocket::ConnectedState)
        return;
    d->setState(QAbstractSocket::ClosingState);
    detail::Worker* w = d->worker;
    const quint64 sid = d->id;
    w->post([w, sid] { w->disconnectSession(sid); });
}

void KcpSocket::abort()
{
    if (d->lookupId >= 0)
    {
        QHostInfo::abortHostLookup(d->lookupId);
        d->lookupId = -1;
    }
    const QAbstractSocket::SocketState was = d->state;
    if (d->worker)
    {
        detail::Worker* w = d->worker;
        const quint64 sid = d->id;
        w->post([w, sid] { w->abortSession(sid); });
    }
    d->detachFromWorker();
    d->unsent = 0;
    d->setState(QAbstractSocket::UnconnectedState);
    if (was == QAbstractSocket::ConnectedState || was == QAbstractSocket::ClosingState)
        emit disconnected();
}

void KcpSocket::close()
{
    if (d->state != QAbstractSocket::UnconnectedState)
        disconnectFromHost();
    QIODevice::close();
    d->readChunks.clear();
    d->readOffset = 0;
    d->readBuffered = 0;
}

QAbstractSocket::SocketState KcpSocket::state() const
{
    return d->state;
}

QAbstractSocket::SocketError KcpSocket::error() const
{
    return d->error;
}

QHostAddress KcpSocket::localAddress() const
{
    return d->localAddress;
}

quint16 KcpSocket::localPort() const
{
    return d->localPort;
}

QHostAddress KcpSocket::peerAddress() const
{
    return d->peerAddress;
}

quint16 KcpSocket::peerPort() const
{
    return d->peerPort;
}

quint32 KcpSocket::conv() const
{
    return d->conv;
}

IoBackend KcpSocket::backend() const
{
    return d->backend;
}

SessionStats KcpSocket::stats() const
{
    return d->lastStats;
}

bool KcpSocket::waitForConnected(int msecs)
{
    return d->waitFor(
               [this]
               {
                   return d->state == QAbstractSocket::ConnectedState ||
                          d->state == QAbstractSocket::UnconnectedState;
               },
               msecs) &&
           d->state == QAbstractSocket::ConnectedState;
}

bool KcpSocket::waitForReadyRead(int msecs)
{
    const qint64 before = d->readBuffered;
    return d->waitFor(
               [this, before] {
                   return d->readBuffered > before || d->state == QAbstractSocket::UnconnectedState;
               },
               msecs) &&
           d->readBuffered > before;
}

bool KcpSocket::waitForBytesWritten(int msecs)
{
    if (bytesToWrite() == 0)
        return false;
    const qint64 before = bytesToWrite();
    return d->waitFor(
               [this, before]
               { return bytesToWrite() < before || d->state == QAbstractSocket::UnconnectedState; },
               msecs) &&
           d->state != QAbstractSocket::UnconnectedState;
}

bool KcpSocket::waitForDisconnected(int msecs)
{
    if (d->state == QAbstractSocket::UnconnectedState)
        return false;
    return d->waitFor([this] { return d->state == QAbstractSocket::UnconnectedState; }, msecs);
}

bool KcpSocket::isSequential() const
{
    return true;
}

qint64 KcpSocket::bytesAvailable() const
{
    return d->readBuffered + QIODevice::bytesAvailable();
}

qint64 KcpSocket::bytesToWrite() const
{
    return d->unsent;
}

bool KcpSocket::canReadLine() const
{
    if (QIODevice::canReadLine())
        return true;
    bool first = true;
    for (const QByteArray& chunk : d->readChunks)
    {
        const qsizetype from = first ? d->readOffset : 0;
        first = false;
        if (chunk.indexOf('\n', from) >= 0)
            return true;
    }
    return false;
}

QByteArray KcpSocket::readChunk(qint64 maxSize)
{
    // QIODevice's own buffer (filled by peek() or ungetChar()) comes first: read() drains it.
    if (QIODevice::bytesAvailable() > 0 || d->readChunks.empty() || !isReadable() ||
        maxSize < d->readChunks.front().size() - d->readOffset)
        return read(maxSize);
    QByteArray piece = std::move(d->readChunks.front());
    d->readChunks.pop_front();
    if (d->readOffset > 0)
        piece.remove(0, d->readOffset); // Qt 6 moves the start of an unshared array: no copy
    d->readOffset = 0;
    d->readBuffered -= piece.size();
    d->consumedSinceCredit += piece.size();
    d->returnCredit(false);
    return piece;
}

qint64 KcpSocket::readData(char* data, qint64 maxSize)
{
    qint64 copied = 0;
    while (copied < maxSize && !d->readChunks.empty())
    {
        const QByteArray& chunk = d->readChunks.front();
        const qint64 take = std::min<qint64>(maxSize - copied, chunk.size() - d->readOffset);
        std::memcpy(data + copied, chunk.constData() + d->readOffset,
                    static_cast<std::size_t>(take));
        copied += take;
        d->readOffset += take;
        if (d->readOffset == chunk.size())
        {
            d->readChunks.pop_front();
            d->readOffset = 0;
        }
    }
    d->readBuffered -= copied;
    d->consumedSinceCredit += copied;
    d->returnCredit(false);
    if (copied == 0 && d->state == QAbstractSocket::UnconnectedState)
        return -1; // end of stream
    return copied;
}

qint64 KcpSocket::writeData(const char* data, qint64 size)
{
    if (d->state != QAbstractSocket::ConnectedState &&
        d->state != QAbstractSocket::ConnectingState &&
        d->state != QAbstractSocket::HostLookupState)
    {
        setErrorString(tr("Socket is not connected"));
        return -1;
    }
    const qint64 room = d->options.writeBufferSize - bytesToWrite();
    const qint64 take = std::clamp<qint64>(size, 0, std::max<qint64>(0, room));
    if (take == 0)
        return 0;
    {
        // Small writes fill the last piece; each piece is handed over whole (no copy).
        QMutexLocker lock(&d->channel->mutex);
        std::deque<QByteArray>& out = d->channel->outbound;
        qint64 done = 0;
        while (done < take)
        {
            if (out.empty() || out.back().size() >= detail::DataChannel::PieceSize)
            {
                out.emplace_back();
                out.back().reserve(static_cast<qsizetype>(
                    std::min<qint64>(take - done, detail::DataChannel::PieceSize)));
            }
            const qint64 n =
                std::min<qint64>(take - done, detail::DataChannel::PieceSize - out.back().size());
            out.back().append(data + done, static_cast<qsizetype>(n));
            done += n;
        }
    }
    d->unsent += take;
    d->notifyWorker();
    return take;
}

void KcpSocket::connectNotify(const QMetaMethod& signal)
{
    if (signal == QMetaMethod::fromSignal(&KcpSocket::statsUpdated))
        QMetaObject::invokeMethod(
            this, [this] { d->updateStatsSubscription(); }, Qt::QueuedConnection);
}

void KcpSocket::disconnectNotify(const QMetaMethod& signal)
{
    if (!signal.isValid() || signal == QMetaMethod::fromSignal(&KcpSocket::statsUpdated))
        QMetaObject::invokeMethod(
            this, [this] { d->updateStatsSubscription(); }, Qt::QueuedConnection);
}

} // namespace kcp::net
