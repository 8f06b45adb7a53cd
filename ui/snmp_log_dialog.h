#pragma once

#include "stats/snmp_log_report.h"
#include "stats/stats_series.h"

#include <QDialog>

class QPlainTextEdit;

namespace ui
{

class ChartPanel;

// A kcptun --snmplog opened from File > Open kcptun SNMP log: the report kcpdesk-cli snmplog
// prints, and the log's per-interval rates in the same charts as a live tunnel, over the whole
// log. kcptun logs no round-trip times and no path loss: those lines stay empty, and the report
// says what the counters do tell.
class SnmpLogDialog : public QDialog
{
    Q_OBJECT

public:
    SnmpLogDialog(const app::LoadedSnmpLog& loaded, QWidget* parent = nullptr);

    ChartPanel* charts() const { return m_charts; }
    QString reportText() const;

private:
    app::StatsSeries m_series;
    ChartPanel* m_charts = nullptr;
    QPlainTextEdit* m_report = nullptr;
};

} // namespace ui
