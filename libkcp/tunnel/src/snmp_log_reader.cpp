#include "kcp/tunnel/snmp_log_reader.h"

#include <QHash>

namespace kcp::tunnel
{

namespace
{

using Field = std::uint64_t SnmpCounters::*;

// 9999-12-31 23:59:59 UTC. Later "times" are damage, and would overflow once taken as ms.
constexpr quint64 MaxUnixSeconds = 253402300799;
// Unknown column names kept for the report; a damaged header could hold thousands.
constexpr qsizetype MaxIgnoredColumns = 32;

// Column name -> counter. kcptun's 24 plus KcpDesk's additions (our own logs carry only the 24,
// but a future one may carry more).
const QHash<QString, Field>& knownColumns()
{
    static const QHash<QString, Field> map = []
    {
        QHash<QString, Field> m;
        for (const SnmpColumn& c : allSnmpColumns())
            m.insert(QString::fromLatin1(c.name.data(), qsizetype(c.name.size())), c.field);
        return m;
    }();
    return map;
}

struct Header
{
    QStringList names;      // after "Unix"
    QVector<Field> fields;  // nullptr: a column we do not know
    int shortShardsAt = -1; // index of FECShortShards in names, or -1
};

Header parseHeader(const QStringList& cells, QStringList* ignored)
{
    Header h;
    for (qsizetype i = 1; i < cells.size(); ++i)
    {
        const QString name = cells[i].trimmed();
        h.names << name;
        const auto it = knownColumns().find(name);
        h.fields << (it == knownColumns().end() ? nullptr : *it);
        if (it == knownColumns().end() && ignored->size() < MaxIgnoredColumns &&
            !ignored->contains(name))
            *ignored << name;
        if (name == QLatin1String("FECShortShards"))
            h.shortShardsAt = int(i - 1);
    }
    return h;
}

bool parseUnsigned(const QString& cell, quint64* value)
{
    bool ok = false;
    *value = cell.trimmed().toULongLong(&ok);
    return ok;
}

} // namespace

std::optional<SnmpLog> readSnmpLog(QIODevice& in, QString* error)
{
    SnmpLog log;
    std::optional<Header> header;
    int lineNumber = 0;
    auto skip = [&log, &lineNumber](const QString& why)
    {
        ++log.skippedLines;
        if (log.warnings.size() < SnmpLog::MaxWarnings)
            log.warnings << QStringLiteral("line %1: %2").arg(lineNumber).arg(why);
    };

    while (!in.atEnd())
    {
        const QByteArray raw = in.readLine(1 << 16);
        ++lineNumber;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty())
            continue;
        const QStringList cells = line.split(u',');
        if (cells.first().trimmed() == QLatin1String("Unix"))
        {
            header = parseHeader(cells, &log.ignoredColumns);
            continue;
        }
        if (!header)
        {
            skip(QStringLiteral("a row before any header line (\"Unix,BytesSent,...\")"));
            continue;
        }
        quint64 unixSeconds = 0;
        if (!parseUnsigned(cells.first(), &unixSeconds) || unixSeconds > MaxUnixSeconds)
        {
            skip(QStringLiteral("\"%1\" is not a Unix time").arg(cells.first().left(40)));
            continue;
        }
        const qsizetype values = cells.size() - 1;
        const qsizetype columns = header->names.size();
        // kcp-go 5.6.22/23: the header names FECShortShards, rows carry no value for it.
        const bool realign = values == columns - 1 && header->shortShardsAt >= 0;
        if (values != columns && !realign)
        {
            skip(QStringLiteral("%1 values for the header's %2 columns").arg(values).arg(columns));
            continue;
        }
        SnmpLog::Row row;
        row.unixSeconds = qint64(unixSeconds);
        row.line = lineNumber;
        bool ok = true;
        for (qsizetype v = 0, c = 0; v < values; ++v, ++c)
        {
            if (realign && c == header->shortShardsAt)
                ++c;
            quint64 value = 0;
            if (!parseUnsigned(cells[v + 1], &value))
            {
                skip(QStringLiteral("%1 is \"%2\", not a count")
                         .arg(header->names[c], cells[v + 1].trimmed().left(40)));
                ok = false;
                break;
            }
            if (const Field f = header->fields[c])
                row.counters.*f = value;
        }
        if (!ok)
            continue;
        if (realign)
            ++log.realignedRows;
        log.rows << row;
    }
    if (!header)
    {
        *error = lineNumber == 0 ? QStringLiteral("the file is empty")
                                 : QStringLiteral("no header line (\"Unix,BytesSent,...\"): not a "
                                                  "kcptun --snmplog file");
        return std::nullopt;
    }
    return log;
}

} // namespace kcp::tunnel
