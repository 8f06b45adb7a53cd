#pragma once

#include "kcp/tunnel/kcptun_command_line.h"

#include <QProcessEnvironment>
#include <QStringList>
#include <QtGlobal>

namespace tunneltest
{

// A config the test itself wrote: a problem with it is a bug in the test, so it stops there.
inline kcp::tunnel::KcptunConfig resolve(kcp::tunnel::TunnelRole role, const QStringList& args)
{
    kcp::tunnel::KcptunConfig config;
    const QStringList problems = kcp::tunnel::resolveKcptunConfig(
        kcp::tunnel::parseKcptunCommandLine(role, args, QProcessEnvironment()), config);
    if (!problems.isEmpty())
        qFatal("bad test config: %s", qPrintable(problems.join("; ")));
    return config;
}

} // namespace tunneltest
