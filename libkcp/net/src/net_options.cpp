#include "kcp/net/net_options.h"

#include <QByteArray>

namespace kcp::net
{

std::optional<IoBackend> parseIoBackend(QStringView name)
{
    const QString n = name.trimmed().toString().toLower();
    if (n == QLatin1String("qt"))
        return IoBackend::Qt;
    if (n == QLatin1String("mmsg"))
        return IoBackend::Mmsg;
    if (n == QLatin1String("auto"))
        return IoBackend::Auto;
    return std::nullopt;
}

QString ioBackendName(IoBackend backend)
{
    switch (backend)
    {
    case IoBackend::Qt:
        return QStringLiteral("qt");
    case IoBackend::Mmsg:
        return QStringLiteral("mmsg");
    case IoBackend::Auto:
        break;
    }
    return QStringLiteral("auto");
}

bool mmsgAvailable()
{
#ifdef Q_OS_LINUX
    return true;
#else
    return false;
#endif
}

IoBackend resolveIoBackend(IoBackend requested)
{
    if (requested == IoBackend::Auto)
    {
        // Read each time: tests flip it between cases; it costs nothing next to a bind().
        const QByteArray env = qgetenv("KCPDESK_IO");
        const std::optional<IoBackend> fromEnv = parseIoBackend(QString::fromLatin1(env));
        requested = fromEnv && *fromEnv != IoBackend::Auto ? *fromEnv : IoBackend::Mmsg;
    }
    if (requested == IoBackend::Mmsg && !mmsgAvailable())
        return IoBackend::Qt;
    return requested;
}

} // namespace kcp::net
