#pragma once

#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QUdpSocket>
#include <QtGlobal>

#include <unistd.h>

#include <set>

namespace tunneltest
{

namespace detail
{

// [first, last] of the kernel's ephemeral ports (bind to port 0, connect without bind).
inline std::pair<int, int> ephemeralRange()
{
    QFile f(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (f.open(QIODevice::ReadOnly))
    {
        const QList<QByteArray> parts = f.readAll().simplified().split(' ');
        if (parts.size() == 2)
            return {parts[0].toInt(), parts[1].toInt()};
    }
    return {32768, 60999};
}

// A port on 127.0.0.1 that a process or tunnel the test starts next can bind.
//
// A port probed with bind(0) and released is, until that process binds it, free for the kernel
// to give to any socket bound to port 0 or connected without a bind: our own tunnel clients,
// kcptun's dialers, a parallel case's probe. Then the process fails to bind, or datagrams meant
// for one case reach another's server. So the port comes from below the ephemeral range, which
// the kernel never hands out by itself, and this test process hands each one out once.
inline quint16 unusedPort(bool tcp)
{
    static std::set<int> handedOut;
    static int next = -1;
    const auto [ephemeralFirst, ephemeralLast] = ephemeralRange();
    // Below the ephemeral range if there is room for it, above it otherwise.
    const int low = ephemeralFirst > 12000 ? 10000 : ephemeralLast + 1;
    const int high = ephemeralFirst > 12000 ? ephemeralFirst - 1 : 65535;
    const int span = high - low + 1;
    if (next < 0)  // parallel test processes start at different places
        next = int((quint32(getpid()) * 7919u) % quint32(span));
    for (int tries = 0; tries < span; ++tries)
    {
        const int port = low + (next++ % span);
        if (handedOut.count(port))
            continue;
        const bool free = tcp ? QTcpServer().listen(QHostAddress::LocalHost, quint16(port))
                              : QUdpSocket().bind(QHostAddress::LocalHost, quint16(port),
                                                    QAbstractSocket::DontShareAddress);
        if (free)
        {
            handedOut.insert(port);
            return quint16(port);
        }
    }
    qFatal("no free %s port on 127.0.0.1 in %d..%d", tcp ? "TCP" : "UDP", low, high);
}

} // namespace detail

inline quint16 freeTcpPort()
{
    return detail::unusedPort(true);
}

inline quint16 freeUdpPort()
{
    return detail::unusedPort(false);
}

} // namespace tunneltest
