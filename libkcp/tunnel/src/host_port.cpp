#include "kcp/tunnel/host_port.h"

#include <QHostAddress>

namespace kcp::tunnel
{

namespace
{

std::optional<quint16> parsePort(QStringView text, bool allowZero)
{
    if (text.isEmpty() || text.size() > 5)
        return std::nullopt;
    for (QChar c : text)
        if (!c.isDigit())
            return std::nullopt;
    const int port = text.toInt();
    if (port > 65535 || (port == 0 && !allowZero))
        return std::nullopt;
    return quint16(port);
}

// A DNS name as Go would dial it: labels of letters, digits, '-' and '_', separated by dots.
bool isHostName(QStringView host)
{
    if (host.size() > 253)
        return false;
    for (QStringView label : host.split(u'.'))
    {
        if (label.isEmpty() || label.size() > 63)
            return false;
        for (QChar c : label)
            if (!(c.isLetterOrNumber() || c == u'-' || c == u'_'))
                return false;
    }
    return true;
}

std::optional<HostPortRange> failWith(QString* error, QString message)
{
    if (error)
        *error = std::move(message);
    return std::nullopt;
}

} // namespace

QString HostPortRange::toString() const
{
    const QString h = host.contains(u':') ? u'[' + host + u']' : host;
    if (isRange())
        return QStringLiteral("%1:%2-%3").arg(h).arg(minPort).arg(maxPort);
    return QStringLiteral("%1:%2").arg(h).arg(minPort);
}

std::optional<HostPortRange> parseHostPort(QStringView text, const AddressRules& rules,
                                           QString* error)
{
    const QString quoted = u'"' + text.toString() + u'"';
    QStringView host;
    QStringView ports;
    if (text.startsWith(u'['))
    {
        const qsizetype close = text.indexOf(u']');
        if (close < 0)
            return failWith(error, "bad address " + quoted + ": missing ']'");
        host = text.mid(1, close - 1);
        if (text.mid(close + 1).size() < 2 || text[close + 1] != u':')
            return failWith(error, "bad address " + quoted + ": missing port after ']'");
        ports = text.mid(close + 2);
        if (QHostAddress(host.toString()).protocol() != QAbstractSocket::IPv6Protocol)
            return failWith(error, "bad address " + quoted + ": not an IPv6 address in brackets");
    }
    else
    {
        const qsizetype colon = text.lastIndexOf(u':');
        if (colon < 0)
            return failWith(error, "bad address " + quoted + ": missing port (host:port)");
        host = text.first(colon);
        ports = text.mid(colon + 1);
        if (host.contains(u':'))
            return failWith(error, "bad address " + quoted +
                                       ": an IPv6 address needs brackets, e.g. [::1]:4000");
        if (!host.isEmpty() && QHostAddress(host.toString()).isNull() && !isHostName(host))
            return failWith(error, "bad address " + quoted + ": invalid host name");
    }
    if (host.isEmpty() && !rules.allowEmptyHost)
        return failWith(error, "bad address " + quoted + ": missing host");

    HostPortRange result;
    result.host = host.toString();
    const qsizetype dash = ports.indexOf(u'-');
    if (dash >= 0)
    {
        if (!rules.allowRange)
            return failWith(error, "bad address " + quoted + ": a port range is not allowed here");
        const auto low = parsePort(ports.first(dash), false);
        const auto high = parsePort(ports.mid(dash + 1), false);
        if (!low || !high)
            return failWith(error, "bad address " + quoted + ": ports must be 1..65535");
        if (*low > *high)
            return failWith(error, "bad address " + quoted + ": port range min > max");
        result.minPort = *low;
        result.maxPort = *high;
        return result;
    }
    const auto port = parsePort(ports, rules.allowPortZero);
    if (!port)
        return failWith(error, "bad address " + quoted + ": port must be 1..65535");
    result.minPort = result.maxPort = *port;
    return result;
}

} // namespace kcp::tunnel
