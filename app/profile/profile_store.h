#pragma once

#include "profile/profile.h"

#include <QAbstractListModel>
#include <QString>
#include <QVector>

namespace app
{

// The user's profiles, as a list model (display: the name) and as a JSON file on disk.
//
// File: {"format": "kcpdesk-profiles", "version": 1, "profiles": [Profile::toJson()...]},
// written atomically with QSaveFile, mode 0600 (it holds pre-shared keys). Before each save the
// previous file is copied to "<file>.bak". A file that cannot be read is never lost: load()
// copies it to "<file>.corrupt-<UTC time>", says so in its error, and loads "<file>.bak" if that
// is good. The GUI thread owns the store.
class ProfileStore : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Roles
    {
        IdRole = Qt::UserRole + 1,
        RoleNameRole, // "client" / "server"
    };

    // path: the profiles file; empty = defaultPath().
    explicit ProfileStore(const QString& path = QString(), QObject* parent = nullptr);

    // <AppConfigLocation>/profiles.json
    static QString defaultPath();
    QString path() const { return m_path; }

    // Replaces the list with the file's content. A missing file is an empty list, not an error.
    // Returns false with errorString() when the file (or a profile in it) is unusable; see the
    // class comment for what happens to such a file.
    bool load();
    // Writes the list; false with errorString() when the file cannot be written.
    bool save();
    QString errorString() const { return m_error; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    const QVector<Profile>& profiles() const { return m_profiles; }
    const Profile* find(const QString& id) const;
    int indexOf(const QString& id) const;

    // Edits notify the model; call save() to persist. Return the row touched, -1 if none.
    int add(const Profile& profile);
    int update(const Profile& profile); // by id
    int duplicate(const QString& id);
    bool remove(const QString& id);

    // A name not used yet: base, "base 2", "base 3" ...
    QString uniqueName(const QString& base) const;

private:
    bool parse(const QByteArray& bytes, QVector<Profile>& out, QString* error) const;

    QString m_path;
    QString m_error;
    QVector<Profile> m_profiles;
};

} // namespace app
