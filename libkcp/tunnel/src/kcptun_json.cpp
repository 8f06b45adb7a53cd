#include "kcp/tunnel/kcptun_json.h"

#include "kcp/tunnel/kcptun_options.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>
#include <limits>

namespace kcp::tunnel
{

namespace
{

const KcptunOption* findOption(TunnelRole role, const QString& key)
{
    const auto& options = kcptunOptions(role);
    for (const KcptunOption& o : options)
        if (o.name == key)
            return &o;
    for (const KcptunOption& o : options)
        if (o.name.compare(key, Qt::CaseInsensitive) == 0)
            return &o;
    return nullptr;
}

QString assign(KcptunConfig& config, const KcptunOption& option, const QJsonValue& value)
{
    const QString where = QStringLiteral("key \"%1\": ").arg(option.name);
    if (value.isNull())  // Go's decoder leaves the field as it was
        return {};
    if (const auto* field = std::get_if<int KcptunConfig::*>(&option.field))
    {
        const double d = value.toDouble(std::nan(""));
        if (!value.isDouble() || std::floor(d) != d || d < std::numeric_limits<int>::min() ||
            d > std::numeric_limits<int>::max())
            return where + QStringLiteral("expected an integer");
        config.*(*field) = int(d);
    }
    else if (const auto* field = std::get_if<bool KcptunConfig::*>(&option.field))
    {
        if (!value.isBool())
            return where + QStringLiteral("expected true or false");
        config.*(*field) = value.toBool();
    }
    else if (const auto* field = std::get_if<QString KcptunConfig::*>(&option.field))
    {
        if (!value.isString())
            return where + QStringLiteral("expected a string");
        config.*(*field) = value.toString();
    }
    return {};
}

} // namespace

QString loadKcptunJson(KcptunConfig& config, const QByteArray& json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return QStringLiteral("invalid JSON at offset %1: %2")
            .arg(parseError.offset)
            .arg(parseError.errorString());
    if (!document.isObject())
        return QStringLiteral("the JSON config must be an object of kcptun keys");

    KcptunConfig updated = config;
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it)
    {
        const KcptunOption* option = findOption(config.role, it.key());
        if (!option)
            continue;  // kcptun ignores unknown keys (e.g. the other role's)
        if (const QString error = assign(updated, *option, it.value()); !error.isEmpty())
            return error;
    }
    config = updated;
    return {};
}

QString loadKcptunJsonFile(KcptunConfig& config, const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read config %1: %2").arg(path, file.errorString());
    const QString error = loadKcptunJson(config, file.readAll());
    return error.isEmpty() ? QString() : path + QStringLiteral(": ") + error;
}

namespace
{

// KcpDesk's own settings only when set, so the file stays kcptun's when they are not.
template <typename T>
void insertUnlessOwnDefault(QJsonObject& object, const KcptunOption& option,
                            const KcptunConfig& config, T KcptunConfig::*field)
{
    if (option.kcpdeskOnly && config.*field == KcptunConfig::defaults(config.role).*field)
        return;
    object.insert(option.name, config.*field);
}

} // namespace

QJsonObject toKcptunJson(const KcptunConfig& config)
{
    QJsonObject object;
    for (const KcptunOption& option : kcptunOptions(config.role))
    {
        if (const auto* field = std::get_if<int KcptunConfig::*>(&option.field))
            insertUnlessOwnDefault(object, option, config, *field);
        else if (const auto* field = std::get_if<bool KcptunConfig::*>(&option.field))
            insertUnlessOwnDefault(object, option, config, *field);
        else if (const auto* field = std::get_if<QString KcptunConfig::*>(&option.field))
        {
            if (option.kcpdeskOnly && (config.*(*field)).isEmpty())
                continue;
            object.insert(option.name, config.*(*field));
        }
    }
    return object;
}

} // namespace kcp::tunnel
