#pragma once

#include "kcp/snmp_counters.h"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QTimer>

namespace kcp::tunnel
{

// kcptun's --snmplog / --snmpperiod: every period seconds, appends one CSV row of the
// process-wide kcp-go SNMP counters to a file, writing the header first if the file is empty:
//
//     Unix,BytesSent,BytesReceived,MaxConn,...,FECShortShards     (wire-compat.md 6)
//
// The file name part of the path may hold Go time-layout tokens (2006 01 02 15 04 05), expanded
// at each write like kcptun's time.Now().Format(logfile): "./snmp-20060102.log" rotates daily.
//
// Threads: its creating thread's event loop; each tick gathers the counters from the net
// workers (a short blocking round trip, like kcptun reading its global counters).
class SnmpLogger : public QObject
{
    Q_OBJECT

public:
    SnmpLogger(const QString& path, int periodSeconds, QObject* parent = nullptr);

    void start();
    // Appends one row now (also what each tick does). Returns false (and logs) on I/O errors.
    bool writeRow(const SnmpCounters& counters, const QDateTime& now);

    // The file a row written at `now` goes to.
    QString fileFor(const QDateTime& now) const;

private:
    QString m_path;
    QTimer m_timer;
};

// Expands Go's reference-time tokens (2006, 01, 02, 15, 04, 05) in layout with now's fields.
QString formatGoTimeLayout(const QString& layout, const QDateTime& now);

// "Unix,BytesSent,...": kcptun's header line, without line end.
QString kcptunSnmpHeader();
// One row: epoch seconds, then the counters in kcptun's column order.
QString kcptunSnmpRow(const SnmpCounters& counters, qint64 unixSeconds);

} // namespace kcp::tunnel
