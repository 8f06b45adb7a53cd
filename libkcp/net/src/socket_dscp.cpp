#include "socket_dscp.h"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace kcp::net::detail
{

bool applyDscp(int fd, bool ipv6, bool dualStack, int dscp, QString& error)
{
    if (dscp == 0)
        return true;
    if (dscp < 0 || dscp > 63)
    {
        error = QStringLiteral("DSCP must be 0..63, got %1").arg(dscp);
        return false;
    }
    const int tos = dscp << 2;
    const auto set = [&](int level, int name, const char* what)
    {
        if (::setsockopt(fd, level, name, reinterpret_cast<const char*>(&tos), sizeof tos) == 0)
            return true;
        error = QStringLiteral("%1 %2: %3")
                    .arg(QLatin1String(what))
                    .arg(tos)
                    .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    };
    if (!ipv6)
        return set(IPPROTO_IP, IP_TOS, "setsockopt IP_TOS");
    if (!set(IPPROTO_IPV6, IPV6_TCLASS, "setsockopt IPV6_TCLASS"))
        return false;
    return !dualStack || set(IPPROTO_IP, IP_TOS, "setsockopt IP_TOS");
}

} // namespace kcp::net::detail
