#pragma once

#include "kcp/tunnel/kcptun_config.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace kcp::tunnel
{

// kcptun-client / kcptun-server command lines (urfave/cli v1 on Go's flag package): every flag
// works with one or two dashes (-key, --key), with its value as the next argument or after '='
// (--mtu 1400, -mtu=1400); booleans take no value (--nocomp) or an explicit one
// (--nocomp=false); aliases (-l, -r, -t, --ds, --ps) are the same flag; "--" ends the flags.
// KCPTUN_KEY in the environment replaces the key's default. Unlike kcptun, stray positional
// arguments are an error rather than ignored.
struct KcptunCommandLine
{
    KcptunConfig config;   // defaults + environment + flags (no JSON, no preset yet)
    QString configFile;    // -c
    QStringList givenFlags;  // primary names of the flags given, in order
    bool help = false;     // -h / --help
    bool version = false;  // -v / --version
    QString error;         // non-empty: the command line is wrong (nothing else is valid)
};

KcptunCommandLine parseKcptunCommandLine(TunnelRole role, const QStringList& arguments,
                                         const QProcessEnvironment& environment =
                                             QProcessEnvironment::systemEnvironment());

// kcptun's whole start-up order: flags, then -c JSON over them, then the --mode preset, then
// validation. On success returns an empty list and fills config; else the problems.
QStringList resolveKcptunConfig(const KcptunCommandLine& commandLine, KcptunConfig& config);

// --help text: every option of the role with its aliases, default and usage, kcptun's hidden
// manual-mode flags in their own section.
QString kcptunHelpText(TunnelRole role, const QString& program);

} // namespace kcp::tunnel
