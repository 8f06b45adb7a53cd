#pragma once

#include "kcp/tunnel/kcptun_config.h"

#include <QString>
#include <QStringList>

#include <variant>
#include <vector>

namespace kcp::tunnel
{

// One kcptun setting as both its command line and its JSON file know it. The flag name is the
// JSON key (kcptun's Config struct tags equal its primary flag names).
struct KcptunOption
{
    using Field = std::variant<int KcptunConfig::*, bool KcptunConfig::*, QString KcptunConfig::*>;

    QString name;         // primary flag name == JSON key, e.g. "datashard"
    QStringList aliases;  // e.g. "ds", "l"
    Field field;
    QString usage;        // kcptun's --help line (ours where kcptun has none)
    QString valueName;    // for --help: "value" for ints, "ADDR" ...
    bool hidden = false;  // kcptun hides acknodelay/nodelay/interval/resend/nc from --help
    bool kcpdeskOnly = false;  // not a kcptun setting (e.g. metrics)
    bool processWide = false;  // a setting of the kcpdesk-cli process, not of one tunnel (workers)
};

// The options of one role, in kcptun's --help order (plus KcpDesk's at the end). "-c" (the JSON
// file) is not a config field and is handled by the command-line parser.
const std::vector<KcptunOption>& kcptunOptions(TunnelRole role);

} // namespace kcp::tunnel
