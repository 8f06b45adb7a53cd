#include "unix_socket_dialer.h"

#include <QTcpSocket>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace kcp::tunnel::detail
{

QTcpSocket* connectUnixSocket(const QString& path, QString* error)
{
    const QByteArray name = path.toLocal8Bit();
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (name.isEmpty() || std::size_t(name.size()) >= sizeof address.sun_path)
    {
        *error = QStringLiteral("unix socket path \"%1\" is empty or longer than %2 bytes")
                     .arg(path)
                     .arg(sizeof address.sun_path - 1);
        return nullptr;
    }
    std::memcpy(address.sun_path, name.constData(), std::size_t(name.size()));
    const bool abstract = name.startsWith('@');
    if (abstract)
        address.sun_path[0] = '\0';
    // An abstract name is exactly its bytes; a path is NUL-terminated.
    const socklen_t length =
        socklen_t(offsetof(sockaddr_un, sun_path) + std::size_t(name.size()) + (abstract ? 0 : 1));

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0)
    {
        *error = QStringLiteral("unix socket %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        if (fd >= 0)
            ::close(fd);
        return nullptr;
    }
    auto* socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(fd, QAbstractSocket::ConnectedState))
    {
        *error = QStringLiteral("unix socket %1: %2").arg(path, socket->errorString());
        delete socket;
        ::close(fd);
        return nullptr;
    }
    return socket;
}

} // namespace kcp::tunnel::detail
