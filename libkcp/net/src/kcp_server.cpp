#include "kcp/net/kcp_server.h"

#include "kcp_socket_p.h"

#include "kcp/net/worker_pool.h"

#include <QCoreApplication>
#include <QThread>

namespace kcp::net
{

namespace detail
{

void KcpServerPrivate::onIncoming(const IncomingSession& incoming)
{
    auto* socket = new KcpSocket(q);
    KcpSocketPrivate::of(socket)->initAccepted(incoming, q);
    pending.push_back(socket);
    emit q->newConnection();
}

void KcpServerPrivate::onPendingClosed(KcpSocket* socket)
{
    const auto it = std::find(pending.begin(), pending.end(), socket);
    if (it == pending.end())
        return;
    pending.erase(it);
    if (shared)
        shared->pending.fetch_sub(1, std::memory_order_relaxed);
    socket->deleteLater();
    emit q->pendingConnectionClosed();
}

} // namespace detail

using detail::KcpServerPrivate;
using detail::KcpSocketPrivate;

KcpServer::KcpServer(QObject* parent) : QObject(parent), d(std::make_unique<KcpServerPrivate>(this))
{
}

KcpServer::~KcpServer()
{
    // Pending sessions die with the server (their sockets are our children); drop them before
    // the listener so that its port is free when this destructor returns.
    for (KcpSocket* socket : d->pending)
    {
        KcpSocketPrivate::of(socket)->server = nullptr;
        delete socket;
    }
    d->pending.clear();
    close();
}

void KcpServer::setOptions(const ServerOptions& options)
{
    d->options = options;
}

ServerOptions KcpServer::options() const
{
    return d->options;
}

bool KcpServer::listen(const QHostAddress& address, quint16 port)
{
    if (d->listening)
    {
        qWarning("KcpServer::listen() called when already listening");
        return false;
    }
    if (const std::string problem = d->options.session.session.validate(); !problem.empty())
    {
        d->error = QAbstractSocket::UnsupportedSocketOperationError;
        d->errorString = QString::fromStdString(problem);
        return false;
    }
    WorkerPool* pool = WorkerPool::instance();
    detail::Worker* worker = pool->pickWorker();
    detail::ListenRequest request;
    request.id = WorkerPool::nextId();
    request.options = d->options;
    request.options.session.backend = resolveIoBackend(d->options.session.backend);
    request.address = address;
    request.port = port;
    request.shared = std::make_shared<detail::ServerShared>(this);
    request.shared->maxPending.store(std::max(1, d->options.maxPendingConnections));

    detail::ListenResult result;
    if (QThread::currentThread() == worker->thread())
    {
        // Same thread (inline pool): run the commands already queued for the worker first, as
        // the worker thread would, e.g. the release of a previous server's port.
        QCoreApplication::sendPostedEvents(worker, QEvent::MetaCall);
        result = worker->listen(request);
    }
    else
        QMetaObject::invokeMethod(
            worker, [worker, &request, &result] { result = worker->listen(request); },
            Qt::BlockingQueuedConnection);
    if (!result.ok)
    {
        request.shared->link.detach();
        d->error = result.errorKind;
        d->errorString = result.error;
        return false;
    }
    d->worker = worker;
    d->listenerId = request.id;
    d->shared = request.shared;
    d->listening = true;
    d->address = result.address;
    d->port = result.port;
    d->error = QAbstractSocket::UnknownSocketError;
    d->errorString.clear();
    return true;
}

bool KcpServer::isListening() const
{
    return d->listening;
}

void KcpServer::close()
{
    if (!d->listening)
        return;
    d->listening = false;
    d->shared->link.detach();
    if (!detail::Worker::workersRunning())
        return; // the pool (and the port) went away with QCoreApplication
    detail::Worker* worker = d->worker;
    const quint64 listenerId = d->listenerId;
    // Blocking, so that a port with no sessions left is free when close() returns (a restart on
    // the same port must not race the worker).
    if (QThread::currentThread() == worker->thread())
    {
        // Queued first: the aborts of this server's sessions, which hold the port too.
        QCoreApplication::sendPostedEvents(worker, QEvent::MetaCall);
        worker->closeListener(listenerId);
    }
    else
        QMetaObject::invokeMethod(
            worker, [worker, listenerId] { worker->closeListener(listenerId); },
            Qt::BlockingQueuedConnection);
}

QHostAddress KcpServer::serverAddress() const
{
    return d->address;
}

quint16 KcpServer::serverPort() const
{
    return d->port;
}

QAbstractSocket::SocketError KcpServer::serverError() const
{
    return d->error;
}

QString KcpServer::errorString() const
{
    return d->errorString;
}

void KcpServer::setMaxPendingConnections(int count)
{
    d->options.maxPendingConnections = std::max(1, count);
    if (d->shared)
        d->shared->maxPending.store(d->options.maxPendingConnections);
}

int KcpServer::maxPendingConnections() const
{
    return d->options.maxPendingConnections;
}

bool KcpServer::hasPendingConnections() const
{
    return !d->pending.empty();
}

KcpSocket* KcpServer::nextPendingConnection()
{
    if (d->pending.empty())
        return nullptr;
    KcpSocket* socket = d->pending.front();
    d->pending.pop_front();
    KcpSocketPrivate::of(socket)->server = nullptr;
    if (d->shared)
        d->shared->pending.fetch_sub(1, std::memory_order_relaxed);
    return socket;
}

} // namespace kcp::net
