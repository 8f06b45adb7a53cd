#include "kcp/tunnel/metrics_server.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace kcp::tunnel
{

namespace
{

// Requests larger than this are not a scrape; drop them.
constexpr qsizetype MaxRequest = 8192;
constexpr int RequestTimeoutMs = 5000;

} // namespace

MetricsServer::MetricsServer(std::function<QByteArray()> body, QObject* parent)
    : QObject(parent)
    , m_body(std::move(body))
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &MetricsServer::onConnection);
}

bool MetricsServer::listen(const QHostAddress& address, quint16 port, QString* error)
{
    if (m_server->listen(address, port))
        return true;
    *error = QStringLiteral("--metrics: cannot listen on %1:%2: %3")
                 .arg(address.toString())
                 .arg(port)
                 .arg(m_server->errorString());
    return false;
}

quint16 MetricsServer::port() const
{
    return m_server->serverPort();
}

void MetricsServer::onConnection()
{
    while (QTcpSocket* socket = m_server->nextPendingConnection())
    {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(RequestTimeoutMs, socket, &QTcpSocket::abort);
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
            if (socket->property("answered").toBool())
                return;
            const QByteArray request = socket->peek(MaxRequest);
            if (!request.contains("\r\n\r\n") && !request.contains("\n\n"))
            {
                if (request.size() >= MaxRequest)
                    socket->abort();
                return;
            }
            socket->setProperty("answered", true);
            const QList<QByteArray> line = request.left(request.indexOf('\n')).trimmed().split(' ');
            QByteArray response;
            if (line.size() >= 2 && line[0] == "GET" &&
                (line[1] == "/metrics" || line[1].startsWith("/metrics?")))
            {
                const QByteArray body = m_body();
                response = "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                           "Content-Length: " +
                           QByteArray::number(body.size()) + "\r\n\r\n" + body;
            }
            else
            {
                response = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
            }
            socket->write(response);
            socket->disconnectFromHost();
        });
    }
}

} // namespace kcp::tunnel
