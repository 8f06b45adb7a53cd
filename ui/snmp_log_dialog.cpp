#include "ui/snmp_log_dialog.h"

#include "ui/chart_panel.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace ui
{

SnmpLogDialog::SnmpLogDialog(const app::LoadedSnmpLog& loaded, QWidget* parent)
    : QDialog(parent), m_series(std::max<int>(1, int(loaded.digest.samples.size())))
{
    setWindowTitle(tr("kcptun SNMP log: %1").arg(loaded.name));
    for (const app::StatsSample& sample : loaded.digest.samples)
        m_series.append(sample);

    m_report = new QPlainTextEdit(this);
    m_report->setObjectName(QStringLiteral("report"));
    m_report->setReadOnly(true);
    m_report->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_report->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_report->setPlainText(app::snmpLogReport(loaded.name, loaded.log, loaded.digest));

    m_charts = new ChartPanel(this);
    m_charts->setSource(&m_series, loaded.name);
    // The whole log, however long: the panel averages it down to MaxPoints per line.
    m_charts->setWindowSeconds(int(std::clamp<qint64>(
        loaded.digest.lastUnix - loaded.digest.firstUnix, 60, std::numeric_limits<int>::max())));

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_report);
    split->addWidget(m_charts);
    split->setStretchFactor(1, 3);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);
    layout->addWidget(buttons);
    resize(1000, 800);
}

QString SnmpLogDialog::reportText() const
{
    return m_report->toPlainText();
}

} // namespace ui
