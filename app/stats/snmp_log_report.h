#pragma once

#include "stats/stats_sample.h"

#include "kcp/snmp_counters.h"
#include "kcp/tunnel/snmp_log_reader.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace app
{

// A kcptun --snmplog read back: per-interval samples for charts and CSV, totals, and the
// report `kcpdesk-cli snmplog` prints. kcptun's counters are cumulative since its process
// started; users asked for rates ("the relation between time, throughput, loss and FEC",
// kcptun#342) and for what the counters mean (#293, #865).
struct SnmpLogDigest
{
    QVector<StatsSample> samples; // one per interval between consecutive rows
    kcp::SnmpCounters totals;     // what the counters grew by over the whole log
    int restarts = 0;             // rows whose counters went down: kcptun restarted
    qint64 firstUnix = 0;
    qint64 lastUnix = 0;
};

SnmpLogDigest digestSnmpLog(const kcp::tunnel::SnmpLog& log);

// Several --snmplog files read as one log, in the order given (daily files of one kcptun);
// "-" reads standard input. Warnings name their file when there are several.
struct LoadedSnmpLog
{
    QString name; // the file name, or "N files"
    kcp::tunnel::SnmpLog log;
    SnmpLogDigest digest;
};
// nullopt with *error ("cannot read F: why", "F: not a kcptun --snmplog file ...") when a file
// cannot be opened or has no header.
std::optional<LoadedSnmpLog> loadSnmpLogFiles(const QStringList& paths, QString* error);

// The human report: period, traffic and wire multiplier, retransmissions, FEC, integrity
// errors, and advice drawn from those numbers. name labels the log (its file name).
QString snmpLogReport(const QString& name, const kcp::tunnel::SnmpLog& log,
                      const SnmpLogDigest& digest);

} // namespace app
