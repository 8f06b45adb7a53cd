#include "endpoint.h"

#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace kcp::net::detail
{

namespace
{

constexpr std::array<std::uint8_t, 12> V4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

} // namespace

bool Endpoint::isV4() const
{
    return std::memcmp(address.data(), V4MappedPrefix.data(), V4MappedPrefix.size()) == 0;
}

QHostAddress Endpoint::host() const
{
    if (isV4())
    {
        const quint32 v4 = quint32(address[12]) << 24 | quint32(address[13]) << 16 |
                           quint32(address[14]) << 8 | quint32(address[15]);
        return QHostAddress(v4);
    }
    QHostAddress h(address.data());
    if (scopeId != 0)
        h.setScopeId(QString::number(scopeId));
    return h;
}

Endpoint Endpoint::fromHost(const QHostAddress& host, std::uint16_t port)
{
    Endpoint e;
    e.port = port;
    quint32 v4 = 0;
    if (asIpv4(host, &v4))
    {
        std::memcpy(e.address.data(), V4MappedPrefix.data(), V4MappedPrefix.size());
        e.address[12] = static_cast<std::uint8_t>(v4 >> 24);
        e.address[13] = static_cast<std::uint8_t>(v4 >> 16);
        e.address[14] = static_cast<std::uint8_t>(v4 >> 8);
        e.address[15] = static_cast<std::uint8_t>(v4);
        return e;
    }
    const Q_IPV6ADDR v6 = host.toIPv6Address();
    std::memcpy(e.address.data(), v6.c, 16);
    bool ok = false;
    const uint scope = host.scopeId().toUInt(&ok);
    e.scopeId = ok ? scope : 0;
    return e;
}

bool Endpoint::fromSockaddr(const sockaddr* sa, Endpoint& out)
{
    if (sa->sa_family == AF_INET)
    {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        out = Endpoint{};
        std::memcpy(out.address.data(), V4MappedPrefix.data(), V4MappedPrefix.size());
        std::memcpy(out.address.data() + 12, &in->sin_addr, 4);
        out.port = ntohs(in->sin_port);
        return true;
    }
    if (sa->sa_family == AF_INET6)
    {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        std::memcpy(out.address.data(), &in6->sin6_addr, 16);
        out.port = ntohs(in6->sin6_port);
        // A mapped peer carries no scope; keep the key identical to the plain IPv4 form.
        out.scopeId = out.isV4() ? 0 : in6->sin6_scope_id;
        return true;
    }
    return false;
}

std::uint32_t Endpoint::toSockaddr(int socketFamily, sockaddr_storage& storage) const
{
    std::memset(&storage, 0, sizeof(sockaddr_in6));
    if (socketFamily == AF_INET)
    {
        if (!isV4())
            return 0;
        auto* in = reinterpret_cast<sockaddr_in*>(&storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        std::memcpy(&in->sin_addr, address.data() + 12, 4);
        return sizeof(sockaddr_in);
    }
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    std::memcpy(&in6->sin6_addr, address.data(), 16);
    in6->sin6_scope_id = scopeId;
    return sizeof(sockaddr_in6);
}

bool asIpv4(const QHostAddress& host, quint32* v4)
{
    if (host.protocol() == QAbstractSocket::IPv4Protocol)
    {
        if (v4)
            *v4 = host.toIPv4Address();
        return true;
    }
    if (host.protocol() != QAbstractSocket::IPv6Protocol)
        return false;
    const Q_IPV6ADDR a = host.toIPv6Address();
    if (std::memcmp(a.c, V4MappedPrefix.data(), V4MappedPrefix.size()) != 0)
        return false;
    if (v4)
        *v4 = quint32(a.c[12]) << 24 | quint32(a.c[13]) << 16 | quint32(a.c[14]) << 8 | a.c[15];
    return true;
}

std::size_t EndpointHash::operator()(const Endpoint& e) const noexcept
{
    // FNV-1a over the 16 address bytes and the port: cheap and good enough for a hash map that
    // an attacker cannot grow past the listener's session limit.
    std::uint64_t h = 1469598103934665603ull;
    for (const std::uint8_t b : e.address)
        h = (h ^ b) * 1099511628211ull;
    h = (h ^ e.port) * 1099511628211ull;
    h = (h ^ e.scopeId) * 1099511628211ull;
    return static_cast<std::size_t>(h ^ (h >> 32));
}

} // namespace kcp::net::detail
