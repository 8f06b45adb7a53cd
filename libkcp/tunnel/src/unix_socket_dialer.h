#pragma once

#include <QString>

class QTcpSocket;

namespace kcp::tunnel::detail
{

// Connects to the unix domain stream socket at path (kcptun-server's --target when it is a path;
// "@name" is Linux's abstract namespace, as in Go's net.Dial). Qt has no QAbstractSocket for unix
// sockets (QLocalSocket is a separate class), but a connected AF_UNIX stream socket handed to
// QTcpSocket reads and writes like a TCP one, so StreamBridge serves both. Returns the socket,
// connected, or nullptr with the reason in *error. Never blocks: a listener whose backlog is
// full refuses at once (EAGAIN), like a refused TCP connection.
QTcpSocket* connectUnixSocket(const QString& path, QString* error);

} // namespace kcp::tunnel::detail
