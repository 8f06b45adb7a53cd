#pragma once

#include <QHostAddress>
#include <QTcpServer>
#include <QUdpSocket>

namespace tunneltest
{

// A port on 127.0.0.1 that was free a moment ago, for a process or tunnel the test starts next.
inline quint16 freeTcpPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

inline quint16 freeUdpPort()
{
    QUdpSocket probe;
    probe.bind(QHostAddress::LocalHost, 0);
    return probe.localPort();
}

} // namespace tunneltest
