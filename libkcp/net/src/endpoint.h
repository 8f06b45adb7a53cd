#pragma once

#include <QHostAddress>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>

struct sockaddr;
struct sockaddr_storage;

namespace kcp::net::detail
{

// A UDP peer as a small value that hashes fast (the listener looks one up per datagram, where
// QHostAddress and kcp-go's addr.String() would allocate). IPv4 is kept as the IPv4-mapped
// IPv6 form ::ffff:a.b.c.d, so a dual-stack socket's mapped peers and plain IPv4 peers are the
// same key, and are reported as plain IPv4.
struct Endpoint
{
    std::array<std::uint8_t, 16> address{};
    std::uint16_t port = 0;
    std::uint32_t scopeId = 0;

    bool isV4() const;
    QHostAddress host() const; // plain IPv4 for v4 endpoints

    static Endpoint fromHost(const QHostAddress& host, std::uint16_t port);
    // nullopt-like: returns false for families other than AF_INET/AF_INET6.
    static bool fromSockaddr(const sockaddr* sa, Endpoint& out);
    // Fills storage for a socket of the given family (AF_INET or AF_INET6; a v4 endpoint on an
    // AF_INET6 socket becomes v4-mapped). Returns the length, 0 when the family cannot reach it.
    std::uint32_t toSockaddr(int socketFamily, sockaddr_storage& storage) const;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// IPv4, or IPv6 of the mapped form ::ffff:a.b.c.d (then v4 gets the IPv4 value). Unlike
// QHostAddress::toIPv4Address(), "::" and other IPv4-compatible forms are not IPv4 here.
bool asIpv4(const QHostAddress& host, quint32* v4 = nullptr);

struct EndpointHash
{
    std::size_t operator()(const Endpoint& e) const noexcept;
};

} // namespace kcp::net::detail
