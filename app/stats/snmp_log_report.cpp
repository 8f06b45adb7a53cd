#include "stats/snmp_log_report.h"

#include "stats/sample_deriver.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLocale>

namespace app
{

namespace
{

// The translation context of the report (the GUI shows it translated; kcpdesk-cli installs no
// translator and prints English).
struct SnmpLogReport
{
    Q_DECLARE_TR_FUNCTIONS(app::SnmpLogReport)
};

LinkReading readingOf(const kcp::tunnel::SnmpLog::Row& row)
{
    LinkReading r;
    r.monotonicMs = row.unixSeconds * 1000;
    r.timestampMs = row.unixSeconds * 1000;
    r.counters = row.counters;
    return r;
}

// A restarted kcptun starts its counters again from zero: the traffic counters go down.
bool restarted(const kcp::SnmpCounters& now, const kcp::SnmpCounters& before)
{
    return now.BytesSent < before.BytesSent || now.BytesReceived < before.BytesReceived ||
           now.OutPkts < before.OutPkts || now.InPkts < before.InPkts;
}

void addGrowth(kcp::SnmpCounters& totals, const kcp::SnmpCounters& now,
               const kcp::SnmpCounters& before)
{
    for (const kcp::SnmpColumn& c : kcp::allSnmpColumns())
    {
        const std::uint64_t a = now.*(c.field);
        const std::uint64_t b = before.*(c.field);
        totals.*(c.field) += a >= b ? a - b : 0;
    }
}

QString bytes(double n)
{
    return QLocale::c().formattedDataSize(qint64(n), 1, QLocale::DataSizeSIFormat);
}

QString percent(double part, double whole)
{
    return whole > 0 ? QString::number(100.0 * part / whole, 'f', 2) + QStringLiteral(" %")
                     : QStringLiteral("-");
}

QString utc(qint64 unixSeconds)
{
    return QDateTime::fromSecsSinceEpoch(unixSeconds, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

QString duration(qint64 seconds)
{
    if (seconds < 120)
        return SnmpLogReport::tr("%1 s").arg(seconds);
    if (seconds < 2 * 3600)
        return SnmpLogReport::tr("%1 min").arg(seconds / 60);
    if (seconds < 2 * 86400)
        return SnmpLogReport::tr("%1 h").arg(double(seconds) / 3600, 0, 'f', 1);
    return SnmpLogReport::tr("%1 days").arg(double(seconds) / 86400, 0, 'f', 1);
}

} // namespace

SnmpLogDigest digestSnmpLog(const kcp::tunnel::SnmpLog& log)
{
    SnmpLogDigest d;
    if (log.rows.isEmpty())
        return d;
    d.firstUnix = log.rows.first().unixSeconds;
    d.lastUnix = log.rows.last().unixSeconds;
    SampleDeriver deriver;
    deriver.continueFrom(readingOf(log.rows.first()));
    for (qsizetype i = 1; i < log.rows.size(); ++i)
    {
        const auto& row = log.rows[i];
        const auto& before = log.rows[i - 1];
        if (row.unixSeconds <= before.unixSeconds)
        {
            // Two logs concatenated out of order, or a clock step: no interval to speak of.
            deriver.continueFrom(readingOf(row));
            continue;
        }
        if (restarted(row.counters, before.counters))
        {
            // Counted from zero since some instant of the interval: take the previous row's
            // time with zero counters as the baseline.
            ++d.restarts;
            LinkReading zero = readingOf(before);
            zero.counters = {};
            deriver.continueFrom(zero);
            addGrowth(d.totals, row.counters, {});
        }
        else
        {
            addGrowth(d.totals, row.counters, before.counters);
        }
        d.samples << deriver.next(readingOf(row));
    }
    return d;
}

std::optional<LoadedSnmpLog> loadSnmpLogFiles(const QStringList& paths, QString* error)
{
    LoadedSnmpLog loaded;
    kcp::tunnel::SnmpLog& log = loaded.log;
    for (const QString& path : paths)
    {
        QFile file;
        const bool opened = path == QLatin1String("-")
                                ? file.open(stdin, QIODevice::ReadOnly)
                                : (file.setFileName(path), file.open(QIODevice::ReadOnly));
        if (!opened)
        {
            *error = SnmpLogReport::tr("cannot read %1: %2").arg(path, file.errorString());
            return std::nullopt;
        }
        QString why;
        const std::optional<kcp::tunnel::SnmpLog> part = kcp::tunnel::readSnmpLog(file, &why);
        if (!part)
        {
            *error = QStringLiteral("%1: %2").arg(path, why);
            return std::nullopt;
        }
        log.rows += part->rows;
        log.skippedLines += part->skippedLines;
        log.realignedRows += part->realignedRows;
        for (const QString& w : part->warnings)
            if (log.warnings.size() < kcp::tunnel::SnmpLog::MaxWarnings)
                log.warnings << (paths.size() > 1 ? path + QStringLiteral(": ") + w : w);
        for (const QString& c : part->ignoredColumns)
            if (!log.ignoredColumns.contains(c))
                log.ignoredColumns << c;
    }
    loaded.name = paths.size() == 1 ? QFileInfo(paths.first()).fileName()
                                    : SnmpLogReport::tr("%1 files").arg(paths.size());
    loaded.digest = digestSnmpLog(log);
    return loaded;
}

QString snmpLogReport(const QString& name, const kcp::tunnel::SnmpLog& log,
                      const SnmpLogDigest& digest)
{
    QStringList out;
    out << SnmpLogReport::tr("kcptun SNMP log %1: %2 rows").arg(name).arg(log.rows.size());
    if (log.rows.size() < 2)
    {
        out << SnmpLogReport::tr("  fewer than two rows: no interval to measure (kcptun writes one "
                                 "row every --snmpperiod seconds, 60 by default)");
    }
    else
    {
        const qint64 span = digest.lastUnix - digest.firstUnix;
        out << SnmpLogReport::tr("  %1 to %2 (%3, a row every %4 s on average)")
                   .arg(utc(digest.firstUnix), utc(digest.lastUnix), duration(span))
                   .arg(double(span) / double(log.rows.size() - 1), 0, 'f', 1);
    }
    if (digest.restarts > 0)
        out << SnmpLogReport::tr("  kcptun restarted %1 time(s) (counters went down); each restart "
                                 "starts its counts again")
                   .arg(digest.restarts);
    if (log.realignedRows > 0)
        out << SnmpLogReport::tr("  %1 rows from kcp-go 5.6.22/23 (no FECShortShards value) were "
                                 "realigned to their header")
                   .arg(log.realignedRows);
    if (log.skippedLines > 0)
    {
        out << SnmpLogReport::tr("  %1 line(s) skipped:").arg(log.skippedLines);
        for (const QString& w : log.warnings)
            out << QStringLiteral("    ") + w;
    }
    if (!log.ignoredColumns.isEmpty())
        out << SnmpLogReport::tr("  columns not charted: %1").arg(log.ignoredColumns.join(u", "));
    if (log.rows.size() < 2)
        return out.join(u'\n') + u'\n';

    const kcp::SnmpCounters& t = digest.totals;
    QStringList advice;
    out << QString();
    out << SnmpLogReport::tr("traffic        sent %1 and received %2 of application data; %3 of "
                             "UDP payload sent, %4 received")
               .arg(bytes(double(t.BytesSent)), bytes(double(t.BytesReceived)),
                    bytes(double(t.OutBytes)), bytes(double(t.InBytes)));
    // The multiplier only means something for the side that sends the data: a receiver's
    // OutBytes are ACKs for what it received.
    if (t.BytesSent >= 10'000'000 && t.BytesSent >= t.BytesReceived / 4)
    {
        const double multiplier = double(t.OutBytes) / double(t.BytesSent);
        out << SnmpLogReport::tr("               the wire carried %1x the application data sent "
                                 "(headers, ACKs, FEC parity, retransmissions)")
                   .arg(multiplier, 0, 'f', 2);
        if (multiplier > 2.0)
            advice << SnmpLogReport::tr(
                          "The wire carries %1x what the application sent. Usually "
                          "retransmissions on a lossy path or a window far larger than the link "
                          "needs: try a smaller --sndwnd, and look at the retransmission line "
                          "above (kcptun#91).")
                          .arg(multiplier, 0, 'f', 1);
    }
    if (t.OutSegs > 0)
    {
        out << SnmpLogReport::tr(
                   "retransmitted  %1 of the %2 segments sent (%3 by timeout, %4 fast, "
                   "%5 early)")
                   .arg(percent(double(t.RetransSegs), double(t.OutSegs)))
                   .arg(t.OutSegs)
                   .arg(percent(double(t.LostSegs), double(t.OutSegs)),
                        percent(double(t.FastRetransSegs), double(t.OutSegs)),
                        percent(double(t.EarlyRetransSegs), double(t.OutSegs)));
    }
    out << SnmpLogReport::tr("FEC            %1 parity shards received, %2 data shards rebuilt; "
                             "FECErrs %3")
               .arg(t.FECParityShards)
               .arg(t.FECRecovered)
               .arg(t.FECErrs);
    out << SnmpLogReport::tr("integrity      %1 datagrams failed decryption or crc (InCsumErrors), "
                             "%2 rejected by KCP (KCPInErrors)")
               .arg(t.InCsumErrors)
               .arg(t.KCPInErrors);

    const double retransShare = t.OutSegs > 0 ? double(t.RetransSegs) / double(t.OutSegs) : 0;
    if (t.FECParityShards == 0 && retransShare >= 0.05 && t.OutSegs >= 1000)
        advice << SnmpLogReport::tr("No parity arrived, so the peer sends without FEC, and %1 of "
                                    "the segments sent were retransmitted, each at least a round "
                                    "trip late. FEC (--datashard 10 --parityshard 3, the same on "
                                    "both ends) rebuilds most such losses without waiting.")
                      .arg(percent(double(t.RetransSegs), double(t.OutSegs)));
    if (t.FECParityShards >= 10000 && retransShare < 0.01 &&
        t.FECRecovered * 100 < t.FECParityShards)
        advice << SnmpLogReport::tr(
                      "Parity rebuilt %1 data shards for every 100 parity shards received, and "
                      "only %2 of segments needed a retransmission: the link loses little. FEC "
                      "costs parityshard/datashard extra bandwidth; fewer parity shards or FEC "
                      "off (on both ends) would save it. FECRecovered far below "
                      "FECParityShards is normal on a good link (kcptun#865).")
                      .arg(double(t.FECRecovered) * 100.0 / double(t.FECParityShards), 0, 'f', 2)
                      .arg(percent(double(t.RetransSegs), double(t.OutSegs)));
    if (t.FECErrs > 0)
        advice << SnmpLogReport::tr("FECErrs is %1: rebuilt shards had impossible lengths. The two "
                                    "ends probably use different --datashard/--parityshard; set "
                                    "the same on both.")
                      .arg(t.FECErrs);
    if (t.InCsumErrors > 0)
        advice << SnmpLogReport::tr("%1 datagrams failed decryption or crc: a client with another "
                                    "--key or --crypt (kcptun drops them without a reply, so that "
                                    "client sees only silence), or something probing the port.")
                      .arg(t.InCsumErrors);

    out << QString();
    if (advice.isEmpty())
        out << SnmpLogReport::tr("advice: nothing stands out in these counters.");
    else
    {
        out << SnmpLogReport::tr("advice:");
        for (const QString& a : advice)
            out << QStringLiteral("  - ") + a;
    }
    return out.join(u'\n') + u'\n';
}

} // namespace app
