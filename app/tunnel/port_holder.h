#pragma once

#include <QString>

#include <optional>

namespace app
{

// Who holds a local port, so "address in use" can name the culprit: most often a kcptun (or a
// second KcpDesk) the user started earlier and forgot, which the GUI would otherwise keep
// failing against (dfdragon/kcptun_gclient#23).
//
// Linux: the kernel's socket tables (/proc/net/tcp, tcp6, udp, udp6) give the socket's inode
// and owner; the process is found by its descriptors (/proc/PID/fd), which are readable for our
// own user's processes only. Elsewhere nothing is found.
struct PortHolder
{
    qint64 pid = 0;  // 0 when the socket belongs to another user's process
    QString program; // argv[0]'s file name, or the kernel's short name; empty when pid is 0
    uint uid = 0;    // the socket's owner

    // "kcptun-client (pid 4242)", or "a process of user 1001".
    QString toString() const;
};

enum class PortProtocol
{
    Tcp, // a listening TCP socket
    Udp, // any bound UDP socket
};

std::optional<PortHolder> findPortHolder(PortProtocol protocol, quint16 port);

} // namespace app
