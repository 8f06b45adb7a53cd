#include "tunnel/retry_backoff.h"

#include <algorithm>

namespace app
{

int RetryBackoff::delayMs(int attempt) const
{
    qint64 delay = std::max(1, firstMs);
    for (int i = 1; i < attempt && delay < maxMs; ++i)
        delay *= 2;
    return int(std::min<qint64>(delay, std::max(firstMs, maxMs)));
}

bool RetryBackoff::isWorthRetrying(QAbstractSocket::SocketError error)
{
    switch (error)
    {
    case QAbstractSocket::AddressInUseError:
    case QAbstractSocket::SocketAddressNotAvailableError:
    case QAbstractSocket::HostNotFoundError:
        return true;
    default:
        return false;
    }
}

} // namespace app
