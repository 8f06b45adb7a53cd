#include "profile/profile.h"

#include "kcp/tunnel/kcptun_json.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QUuid>

namespace app
{

using kcp::tunnel::KcptunConfig;
using kcp::tunnel::TunnelRole;

Profile Profile::create(const QString& name, TunnelRole role)
{
    Profile profile;
    profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    profile.name = name;
    profile.config = KcptunConfig::defaults(role);
    return profile;
}

Profile Profile::duplicate(const QString& newName) const
{
    Profile copy = *this;
    copy.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    copy.name = newName;
    copy.autoStart = false;
    return copy;
}

KcptunConfig Profile::effectiveConfig() const
{
    KcptunConfig effective = config;
    effective.applyModePreset();
    return effective;
}

QStringList Profile::problems() const
{
    QStringList list;
    if (name.trimmed().isEmpty())
        list << tr("The profile needs a name.");
    return list + effectiveConfig().validate();
}

QStringList Profile::warnings() const
{
    return effectiveConfig().warnings();
}

QJsonObject Profile::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("role"), roleName(config.role)},
                       {QStringLiteral("autoStart"), autoStart},
                       {QStringLiteral("kcptun"), kcp::tunnel::toKcptunJson(config)}};
}

std::optional<Profile> Profile::fromJson(const QJsonObject& object, QString* error)
{
    const auto role = roleFromName(object.value(QStringLiteral("role")).toString());
    if (!role)
    {
        *error = tr("\"role\" must be \"client\" or \"server\"");
        return std::nullopt;
    }
    if (!object.value(QStringLiteral("name")).isString() ||
        !object.value(QStringLiteral("kcptun")).isObject())
    {
        *error = tr("a profile needs a \"name\" string and a \"kcptun\" object");
        return std::nullopt;
    }
    const QJsonValue autoStart = object.value(QStringLiteral("autoStart"));
    if (!autoStart.isUndefined() && !autoStart.isBool())
    {
        *error = tr("profile \"%1\": \"autoStart\" must be true or false")
                     .arg(object.value(QStringLiteral("name")).toString());
        return std::nullopt;
    }
    Profile profile;
    profile.autoStart = autoStart.toBool(false);
    profile.id = object.value(QStringLiteral("id")).toString();
    if (QUuid::fromString(profile.id).isNull())
        profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    profile.name = object.value(QStringLiteral("name")).toString();
    profile.config = KcptunConfig::defaults(*role);
    const QByteArray kcptun =
        QJsonDocument(object.value(QStringLiteral("kcptun")).toObject()).toJson();
    if (const QString problem = kcp::tunnel::loadKcptunJson(profile.config, kcptun);
        !problem.isEmpty())
    {
        *error = tr("profile \"%1\": %2").arg(profile.name, problem);
        return std::nullopt;
    }
    return profile;
}

QString roleName(TunnelRole role)
{
    return role == TunnelRole::Client ? QStringLiteral("client") : QStringLiteral("server");
}

std::optional<TunnelRole> roleFromName(const QString& name)
{
    if (name == QLatin1String("client"))
        return TunnelRole::Client;
    if (name == QLatin1String("server"))
        return TunnelRole::Server;
    return std::nullopt;
}

std::optional<TunnelRole> guessKcptunRole(const QJsonObject& kcptunJson)
{
    auto has = [&](const char* key)
    {
        for (auto it = kcptunJson.begin(); it != kcptunJson.end(); ++it)
            if (it.key().compare(QLatin1String(key), Qt::CaseInsensitive) == 0)
                return true;
        return false;
    };
    const bool client = has("remoteaddr") || has("localaddr") || has("conn");
    const bool server = has("listen") || has("target");
    if (client == server)
        return std::nullopt;
    return client ? TunnelRole::Client : TunnelRole::Server;
}

std::optional<Profile> importKcptunFile(const QString& path, std::optional<TunnelRole> role,
                                        QString* error, bool* needsRole)
{
    if (needsRole)
        *needsRole = false;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
    {
        *error = Profile::tr("Cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
    {
        *error = Profile::tr("%1 is not a kcptun JSON config: %2")
                     .arg(path, parseError.error != QJsonParseError::NoError
                                    ? parseError.errorString()
                                    : Profile::tr("expected an object of kcptun keys"));
        return std::nullopt;
    }
    if (!role)
        role = guessKcptunRole(document.object());
    if (!role)
    {
        if (needsRole)
            *needsRole = true;
        *error =
            Profile::tr("%1 does not say whether it is a client or a server config (it has neither "
                        "or both of remoteaddr and listen); choose the role")
                .arg(path);
        return std::nullopt;
    }
    Profile profile = Profile::create(QFileInfo(path).completeBaseName(), *role);
    if (const QString problem = kcp::tunnel::loadKcptunJson(profile.config, bytes);
        !problem.isEmpty())
    {
        *error = Profile::tr("%1: %2").arg(path, problem);
        return std::nullopt;
    }
    return profile;
}

bool exportKcptunFile(const Profile& profile, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
    {
        *error = Profile::tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(kcp::tunnel::toKcptunJson(profile.config)).toJson());
    if (!file.commit())
    {
        *error = Profile::tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace app
