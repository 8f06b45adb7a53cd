#include "profile/profile_store.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

namespace app
{

namespace
{

const QString FormatName = QStringLiteral("kcpdesk-profiles");
constexpr int FormatVersion = 1;

} // namespace

ProfileStore::ProfileStore(const QString& path, QObject* parent)
    : QAbstractListModel(parent), m_path(path.isEmpty() ? defaultPath() : path)
{
}

QString ProfileStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/profiles.json");
}

bool ProfileStore::parse(const QByteArray& bytes, QVector<Profile>& out, QString* error) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError)
    {
        *error = tr("not valid JSON (at byte %1: %2)")
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return false;
    }
    const QJsonObject root = document.object();
    if (!document.isObject() || root.value(QStringLiteral("format")).toString() != FormatName)
    {
        *error = tr("not a KcpDesk profiles file (no \"format\": \"%1\")").arg(FormatName);
        return false;
    }
    if (const int version = root.value(QStringLiteral("version")).toInt(); version > FormatVersion)
    {
        *error = tr("written by a newer KcpDesk (format version %1, this one reads %2)")
                     .arg(version)
                     .arg(FormatVersion);
        return false;
    }
    const QJsonArray list = root.value(QStringLiteral("profiles")).toArray();
    out.clear();
    for (const QJsonValue& value : list)
    {
        const auto profile = Profile::fromJson(value.toObject(), error);
        if (!profile)
            return false;
        out.push_back(*profile);
    }
    return true;
}

bool ProfileStore::load()
{
    m_error.clear();
    QVector<Profile> loaded;
    QFile file(m_path);
    if (!file.exists())
    {
        beginResetModel();
        m_profiles.clear();
        endResetModel();
        return true;
    }
    QString problem;
    if (!file.open(QIODevice::ReadOnly))
        problem = file.errorString();
    else if (parse(file.readAll(), loaded, &problem))
    {
        beginResetModel();
        m_profiles = loaded;
        endResetModel();
        return true;
    }
    file.close();

    // Keep the unreadable file's bytes where the next save cannot touch them.
    const QString keptAs =
        m_path + QStringLiteral(".corrupt-") +
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddThhmmsszzz"));
    const bool kept = QFile::copy(m_path, keptAs);
    m_error = tr("Cannot load profiles from %1: %2.").arg(m_path, problem);
    m_error += kept ? tr(" The file was kept as %1.").arg(keptAs)
                    : tr(" Could not keep a copy of it as %1.").arg(keptAs);

    QFile backup(m_path + QStringLiteral(".bak"));
    QString backupProblem;
    loaded.clear();
    if (backup.open(QIODevice::ReadOnly) && parse(backup.readAll(), loaded, &backupProblem))
        m_error += tr(" The last good copy (%1) was loaded instead.").arg(backup.fileName());
    else
        loaded.clear();
    beginResetModel();
    m_profiles = loaded;
    endResetModel();
    return false;
}

bool ProfileStore::save()
{
    m_error.clear();
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath()))
    {
        m_error = tr("Cannot create the folder %1.").arg(info.absolutePath());
        return false;
    }
    QJsonArray list;
    for (const Profile& profile : m_profiles)
        list.append(profile.toJson());
    const QJsonObject root{{QStringLiteral("format"), FormatName},
                           {QStringLiteral("version"), FormatVersion},
                           {QStringLiteral("profiles"), list}};

    // The previous file becomes the backup only if it is itself readable: a corrupt file must
    // not push out the last good copy.
    if (QFile current(m_path); current.open(QIODevice::ReadOnly))
    {
        QVector<Profile> ignored;
        QString ignoredError;
        if (parse(current.readAll(), ignored, &ignoredError))
        {
            const QString backupPath = m_path + QStringLiteral(".bak");
            QSaveFile backup(backupPath);
            current.seek(0);
            if (backup.open(QIODevice::WriteOnly))
            {
                backup.write(current.readAll());
                backup.commit();
                QFile::setPermissions(backupPath, QFile::ReadOwner | QFile::WriteOwner);
            }
        }
    }

    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
    {
        m_error = tr("Cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(QJsonDocument(root).toJson());
    if (!file.commit())
    {
        m_error = tr("Cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    return true;
}

int ProfileStore::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_profiles.size());
}

QVariant ProfileStore::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_profiles.size())
        return {};
    const Profile& profile = m_profiles[index.row()];
    switch (role)
    {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return profile.name;
    case IdRole:
        return profile.id;
    case RoleNameRole:
        return roleName(profile.config.role);
    default:
        return {};
    }
}

QHash<int, QByteArray> ProfileStore::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "profileId");
    names.insert(RoleNameRole, "tunnelRole");
    return names;
}

const Profile* ProfileStore::find(const QString& id) const
{
    const int row = indexOf(id);
    return row < 0 ? nullptr : &m_profiles[row];
}

int ProfileStore::indexOf(const QString& id) const
{
    for (int i = 0; i < m_profiles.size(); ++i)
        if (m_profiles[i].id == id)
            return i;
    return -1;
}

int ProfileStore::add(const Profile& profile)
{
    const int row = int(m_profiles.size());
    beginInsertRows({}, row, row);
    m_profiles.push_back(profile);
    endInsertRows();
    return row;
}

int ProfileStore::update(const Profile& profile)
{
    const int row = indexOf(profile.id);
    if (row < 0)
        return -1;
    m_profiles[row] = profile;
    emit dataChanged(index(row), index(row));
    return row;
}

int ProfileStore::duplicate(const QString& id)
{
    const Profile* original = find(id);
    if (!original)
        return -1;
    return add(original->duplicate(uniqueName(tr("%1 (copy)").arg(original->name))));
}

bool ProfileStore::remove(const QString& id)
{
    const int row = indexOf(id);
    if (row < 0)
        return false;
    beginRemoveRows({}, row, row);
    m_profiles.removeAt(row);
    endRemoveRows();
    return true;
}

QString ProfileStore::uniqueName(const QString& base) const
{
    auto used = [this](const QString& name)
    {
        for (const Profile& p : m_profiles)
            if (p.name == name)
                return true;
        return false;
    };
    QString name = base;
    for (int n = 2; used(name); ++n)
        name = QStringLiteral("%1 %2").arg(base).arg(n);
    return name;
}

} // namespace app
