#pragma once

#include "kcp/tunnel/kcptun_config.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace kcp::tunnel
{

// kcptun's -c file.json (wire-compat.md 5.3): a JSON object whose keys are the flag names
// ("localaddr", "datashard", "nocomp", ...). Keys present override what config holds (flags and
// defaults); absent keys keep it; unknown keys are ignored; keys match case-insensitively, like
// Go's encoding/json. A value of the wrong type (a string for "mtu", 1.5 for an int) is an
// error, as it is for kcptun. Returns an empty string on success, else the reason; config is
// left unchanged on error. The mode preset is NOT applied (kcptun applies it after the JSON).
QString loadKcptunJson(KcptunConfig& config, const QByteArray& json);
QString loadKcptunJsonFile(KcptunConfig& config, const QString& path);

// config as kcptun JSON: every key of config.role, so either kcptun or KcpDesk can load it.
// KcpDesk-only keys are written only when set (kcptun ignores them anyway).
QJsonObject toKcptunJson(const KcptunConfig& config);

} // namespace kcp::tunnel
