#include "ui/profile_editor_dialog.h"

#include "kcp/packet_crypto.h"
#include "kcp/tunnel/kcptun_options.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <limits>

namespace ui
{

using kcp::tunnel::KcptunConfig;
using kcp::tunnel::KcptunOption;
using kcp::tunnel::TunnelRole;

namespace
{

// The settings most users touch, in the order they think of them; the rest go to "Advanced".
const QStringList& mainKeys(TunnelRole role)
{
    static const QStringList client{"localaddr", "remoteaddr", "key",         "crypt",
                                    "mode",      "datashard",  "parityshard", "conn",
                                    "mtu",       "sndwnd",     "rcvwnd",      "nocomp"};
    static const QStringList server{"listen", "target",    "key",         "crypt",
                                    "mode",   "datashard", "parityshard", "mtu",
                                    "sndwnd", "rcvwnd",    "nocomp"};
    return role == TunnelRole::Client ? client : server;
}

QStringList cryptNames()
{
    QStringList names;
    for (const std::string& name : kcp::packetCryptNames())
        names << QString::fromStdString(name);
    return names;
}

} // namespace

ProfileEditorDialog::ProfileEditorDialog(const app::Profile& profile, QWidget* parent)
    : QDialog(parent), m_original(profile)
{
    setWindowTitle(tr("Profile: %1").arg(profile.name));
    auto* layout = new QVBoxLayout(this);
    auto* head = new QFormLayout;
    m_name = new QLineEdit(profile.name, this);
    m_name->setObjectName(QStringLiteral("name"));
    head->addRow(tr("&Name:"), m_name);
    m_role = new QComboBox(this);
    m_role->setObjectName(QStringLiteral("role"));
    m_role->addItem(tr("Client (local TCP port → KCP server)"), int(TunnelRole::Client));
    m_role->addItem(tr("Server (KCP listener → TCP target)"), int(TunnelRole::Server));
    m_role->setCurrentIndex(profile.isClient() ? 0 : 1);
    head->addRow(tr("&Role:"), m_role);
    m_autoStart = new QCheckBox(tr("Start this tunnel when KcpDesk starts (and keep trying until "
                                   "its address and port are free)"),
                                this);
    m_autoStart->setObjectName(QStringLiteral("autoStart"));
    m_autoStart->setChecked(profile.autoStart);
    head->addRow(QString(), m_autoStart);
    layout->addLayout(head);

    m_tabs = new QTabWidget(this);
    layout->addWidget(m_tabs, 1);

    m_messages = new QLabel(this);
    m_messages->setObjectName(QStringLiteral("messages"));
    m_messages->setWordWrap(true);
    m_messages->setTextFormat(Qt::RichText);
    layout->addWidget(m_messages);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &ProfileEditorDialog::validate);
    connect(m_role, &QComboBox::currentIndexChanged, this,
            [this]
            {
                // The other role's defaults, keeping what both roles share (key, crypt, FEC ...).
                const auto role = TunnelRole(m_role->currentData().toInt());
                KcptunConfig next = KcptunConfig::defaults(role);
                const KcptunConfig current = this->profile().config;
                for (const KcptunOption& option : kcp::tunnel::kcptunOptions(role))
                    for (const KcptunOption& old : kcp::tunnel::kcptunOptions(current.role))
                        if (old.name == option.name && option.name != QLatin1String("sndwnd") &&
                            option.name != QLatin1String("rcvwnd"))
                            std::visit([&](auto field) { next.*field = current.*field; },
                                       option.field);
                buildForm(role, next);
            });

    buildForm(profile.config.role, profile.config);
    resize(560, 600);
}

void ProfileEditorDialog::buildForm(TunnelRole role, const KcptunConfig& values)
{
    while (m_tabs->count() > 0)
    {
        QWidget* page = m_tabs->widget(0);
        m_tabs->removeTab(0);
        page->deleteLater();
    }
    m_fields.clear();

    auto makePage = [this](const QString& title)
    {
        auto* scroll = new QScrollArea;
        scroll->setWidgetResizable(true);
        auto* page = new QWidget;
        auto* form = new QFormLayout(page);
        scroll->setWidget(page);
        m_tabs->addTab(scroll, title);
        return form;
    };
    QFormLayout* mainForm = makePage(tr("Main"));
    QFormLayout* advancedForm = makePage(tr("Advanced"));

    const auto& options = kcp::tunnel::kcptunOptions(role);
    auto addRow = [&](const KcptunOption& option, QFormLayout* form)
    {
        if (option.processWide)
            return;  // the GUI's own process runs every tunnel (its KCP on a worker thread)
        QWidget* editor = nullptr;
        if (const auto* field = std::get_if<int KcptunConfig::*>(&option.field))
        {
            auto* spin = new QSpinBox;
            spin->setRange(0, std::numeric_limits<int>::max());
            spin->setValue(values.*(*field));
            connect(spin, &QSpinBox::valueChanged, this, &ProfileEditorDialog::validate);
            editor = spin;
        }
        else if (const auto* field = std::get_if<bool KcptunConfig::*>(&option.field))
        {
            auto* check = new QCheckBox;
            check->setChecked(values.*(*field));
            connect(check, &QCheckBox::toggled, this, &ProfileEditorDialog::validate);
            editor = check;
        }
        else if (const auto* field = std::get_if<QString KcptunConfig::*>(&option.field))
        {
            const QString value = values.*(*field);
            if (option.name == QLatin1String("crypt") || option.name == QLatin1String("mode"))
            {
                auto* combo = new QComboBox;
                combo->addItems(option.name == QLatin1String("crypt") ? cryptNames()
                                                                      : kcp::tunnel::kcptunModes());
                // An imported value the list lacks stays visible, so validation can name it.
                if (combo->findText(value) < 0)
                    combo->addItem(value);
                combo->setCurrentText(value);
                connect(combo, &QComboBox::currentTextChanged, this,
                        &ProfileEditorDialog::validate);
                editor = combo;
            }
            else
            {
                auto* line = new QLineEdit(value);
                if (option.name == QLatin1String("key"))
                    line->setEchoMode(QLineEdit::PasswordEchoOnEdit);
                connect(line, &QLineEdit::textChanged, this, &ProfileEditorDialog::validate);
                editor = line;
            }
        }
        editor->setObjectName(option.name);
        editor->setToolTip(option.usage);
        QString label = option.name;
        if (!option.aliases.isEmpty())
            label += QStringLiteral(" (-%1)").arg(option.aliases.join(QStringLiteral(", -")));
        form->addRow(label + QLatin1Char(':'), editor);
        m_fields.insert(option.name, editor);
    };
    for (const QString& key : mainKeys(role))
        for (const KcptunOption& option : options)
            if (option.name == key)
                addRow(option, mainForm);
    for (const KcptunOption& option : options)
        if (!mainKeys(role).contains(option.name))
            addRow(option, advancedForm);
    validate();
}

QWidget* ProfileEditorDialog::field(const QString& key) const
{
    return key == QLatin1String("name") ? m_name : m_fields.value(key);
}

app::Profile ProfileEditorDialog::profile() const
{
    app::Profile p = m_original;
    p.name = m_name->text().trimmed();
    p.autoStart = m_autoStart->isChecked();
    const auto role = TunnelRole(m_role->currentData().toInt());
    p.config = KcptunConfig::defaults(role);
    for (const KcptunOption& option : kcp::tunnel::kcptunOptions(role))
    {
        QWidget* editor = m_fields.value(option.name);
        if (!editor)
            continue;
        if (const auto* field = std::get_if<int KcptunConfig::*>(&option.field))
            p.config.*(*field) = static_cast<QSpinBox*>(editor)->value();
        else if (const auto* field = std::get_if<bool KcptunConfig::*>(&option.field))
            p.config.*(*field) = static_cast<QCheckBox*>(editor)->isChecked();
        else if (const auto* field = std::get_if<QString KcptunConfig::*>(&option.field))
        {
            if (auto* combo = qobject_cast<QComboBox*>(editor))
                p.config.*(*field) = combo->currentText();
            else
                p.config.*(*field) = static_cast<QLineEdit*>(editor)->text();
        }
    }
    return p;
}

void ProfileEditorDialog::validate()
{
    if (!m_buttons)
        return;
    const app::Profile p = profile();
    m_problems = p.problems();
    const QStringList warnings = p.warnings();
    QString html;
    for (const QString& problem : m_problems)
        html +=
            QStringLiteral("<div style='color:#c62828'>✖ %1</div>").arg(problem.toHtmlEscaped());
    for (const QString& warning : warnings)
        html +=
            QStringLiteral("<div style='color:#a66a00'>⚠ %1</div>").arg(warning.toHtmlEscaped());
    if (html.isEmpty())
        html = QStringLiteral("<div style='color:#2e7d32'>✔ %1</div>")
                   .arg(tr("Valid: kcptun would accept these settings."));
    m_messages->setText(html);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_problems.isEmpty());
}

} // namespace ui
