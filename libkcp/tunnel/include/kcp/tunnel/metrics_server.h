#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QString>

#include <functional>

class QTcpServer;

namespace kcp::tunnel
{

// A minimal HTTP/1.0 endpoint for Prometheus scrapes (--metrics ADDR): GET /metrics answers
// with body() (text format 0.0.4), anything else with 404. One request per connection.
//
// Threads: its creating thread; body() runs there.
class MetricsServer : public QObject
{
    Q_OBJECT

public:
    MetricsServer(std::function<QByteArray()> body, QObject* parent = nullptr);

    bool listen(const QHostAddress& address, quint16 port, QString* error);
    quint16 port() const;

private:
    void onConnection();

    std::function<QByteArray()> m_body;
    QTcpServer* m_server;
};

} // namespace kcp::tunnel
