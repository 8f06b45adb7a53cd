#pragma once

#include "kcp/tunnel/kcptun_config.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace app
{

// A named kcptun configuration: what the user starts with one click. The id stays the same
// across renames, so running tunnels, charts and selections follow the profile, not its name.
// A value type; no thread rules.
struct Profile
{
    Q_DECLARE_TR_FUNCTIONS(Profile)

public:
    QString id; // QUuid without braces, assigned by Profile::create()
    QString name;
    kcp::tunnel::KcptunConfig config;
    // KcpDesk starts the tunnel when it starts (and keeps trying while the network comes up).
    bool autoStart = false;

    static Profile create(const QString& name, kcp::tunnel::TunnelRole role);
    // Same settings, new id, name "<name> (copy)"; not started with KcpDesk (two tunnels on
    // one port would fail against each other).
    Profile duplicate(const QString& newName) const;

    bool isClient() const { return config.role == kcp::tunnel::TunnelRole::Client; }

    // What Tunnel::start() receives: the mode preset applied on a copy, as kcptun applies it
    // after reading its flags and JSON (the profile keeps "fast3" plus the manual values).
    kcp::tunnel::KcptunConfig effectiveConfig() const;
    // Library validation of effectiveConfig(), one sentence each; empty when startable.
    QStringList problems() const;
    QStringList warnings() const;

    // Storage form: {"id", "name", "role": "client"|"server", "autoStart": bool,
    // "kcptun": {kcptun JSON keys}}; autoStart may be absent (false).
    QJsonObject toJson() const;
    // nullopt and *error set when the object is not a profile (missing role, wrong types ...).
    static std::optional<Profile> fromJson(const QJsonObject& object, QString* error);
};

QString roleName(kcp::tunnel::TunnelRole role);
std::optional<kcp::tunnel::TunnelRole> roleFromName(const QString& name);

// kcptun's own JSON files (-c file.json) carry no role. Guess it from the keys the file uses:
// "remoteaddr"/"localaddr" mean client, "listen"/"target" mean server. nullopt when the file
// uses both kinds or neither.
std::optional<kcp::tunnel::TunnelRole> guessKcptunRole(const QJsonObject& kcptunJson);

// A profile from a kcptun JSON file: the role's defaults, then the file's keys (the library's
// loader, so a wrong type is an error, not a silent default). role overrides the guess; without
// either, an error asks for it and *needsRole (if given) is set. The name is the file's base
// name.
std::optional<Profile> importKcptunFile(const QString& path,
                                        std::optional<kcp::tunnel::TunnelRole> role, QString* error,
                                        bool* needsRole = nullptr);
// Writes the profile's config as kcptun JSON (every key of its role) so kcptun can use it.
bool exportKcptunFile(const Profile& profile, const QString& path, QString* error);

} // namespace app
