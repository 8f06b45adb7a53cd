#pragma once

#include "profile/profile.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QTabWidget;

namespace ui
{

// Edits one profile: its name, its role and every kcptun setting of that role, each field with
// kcptun's own help text as tooltip. The library validates the whole config on every change;
// its sentences are listed under the form and OK stays disabled until there are none, so a
// profile is never saved with a value kcptun would silently replace.
class ProfileEditorDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ProfileEditorDialog(const app::Profile& profile, QWidget* parent = nullptr);

    // The profile as the fields say now (same id as given).
    app::Profile profile() const;
    QStringList problems() const { return m_problems; }

    // The widget editing a kcptun key (e.g. "remoteaddr"), or the name field for "name".
    QWidget* field(const QString& key) const;

private:
    void buildForm(kcp::tunnel::TunnelRole role, const kcp::tunnel::KcptunConfig& values);
    void validate();

    app::Profile m_original;
    QLineEdit* m_name = nullptr;
    QComboBox* m_role = nullptr;
    QCheckBox* m_autoStart = nullptr;
    QTabWidget* m_tabs = nullptr;
    QHash<QString, QWidget*> m_fields;
    QLabel* m_messages = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QStringList m_problems;
};

} // namespace ui
