#pragma once

#include "kcp/snmp_counters.h"

#include <QIODevice>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace kcp::tunnel
{

// What kcptun's --snmplog wrote: one row per period of cumulative process-wide counters.
struct SnmpLog
{
    struct Row
    {
        qint64 unixSeconds = 0;
        SnmpCounters counters;
        int line = 0; // 1-based line in the input, for messages
    };
    QVector<Row> rows;
    // Lines that could not be used, each "line N: why" (the first MaxWarnings of them), and how
    // many there were in all.
    QStringList warnings;
    int skippedLines = 0;
    // kcp-go 5.6.22/23 rows realigned (their header names FECShortShards but rows omit it).
    int realignedRows = 0;
    // Header columns this reader does not know (newer kcp-go gauges such as OOBPackets).
    QStringList ignoredColumns;
    static constexpr int MaxWarnings = 20;
};

// Reads a kcptun --snmplog file (wire-compat.md 6, user-research.md 3): CSV, a header naming the
// columns ("Unix,BytesSent,...") and then rows. Columns are matched by name, never by position,
// so every kcp-go generation reads: 5.6.1's 24 counters, 5.6.22-5.6.23 (30 names, 29 values:
// FECShortShards has no value and the columns after FECRecovered shift left), 5.6.24+ (29) and
// 5.6.60+ (with OOBPackets). A header line later in the file (logs concatenated, or a binary
// upgraded behind a rotated name) starts a new column map. Rows that do not fit their header, or
// hold something other than unsigned integers, are skipped and reported; nothing else is
// refused. Returns nullopt with *error set only when the input has no header at all.
std::optional<SnmpLog> readSnmpLog(QIODevice& in, QString* error);

} // namespace kcp::tunnel
