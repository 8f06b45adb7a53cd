#pragma once

#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>

namespace tunneltest
{

// The target the tunnel tests forward to: a TCP server on 127.0.0.1 that echoes every byte.
class TcpEchoServer : public QObject
{
public:
    TcpEchoServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this,
                [this]
                {
                    while (QTcpSocket* s = m_server.nextPendingConnection())
                    {
                        connect(s, &QTcpSocket::readyRead, s, [s] { s->write(s->readAll()); });
                        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                    }
                });
    }
    bool isListening() const { return m_server.isListening(); }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
};

} // namespace tunneltest
