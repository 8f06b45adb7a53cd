#pragma once

#include <QAbstractSocket>

namespace app
{

// When the supervisor tries again a tunnel whose start failed for a reason that may pass: a port
// still held by a program that is stopping, an address that appears once the network is up (a
// tunnel started at login, dfdragon/kcptun_gclient#2). The delay doubles from firstMs up to
// maxMs and stays there, so a failure that never passes costs one attempt a minute, not the
// busy start-fail loop of kcptun_gclient#23.
struct RetryBackoff
{
    int firstMs = 1000;
    int maxMs = 60000;

    // The wait before attempt `attempt` (1 = the first retry).
    int delayMs(int attempt) const;

    // Start failures that may pass on their own; config mistakes and refusals never do.
    static bool isWorthRetrying(QAbstractSocket::SocketError error);
};

} // namespace app
