#include "stats/csv_exporter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSaveFile>

namespace app
{

namespace
{

// QString::number ignores the locale (always the C locale), unlike QLocale::toString.
QString number(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

QStringList row(const QString& source, const StatsSample& s)
{
    return {
        QDateTime::fromMSecsSinceEpoch(s.timestampMs, Qt::UTC).toString(Qt::ISODateWithMs),
        number(s.elapsedS, 3),
        source,
        number(s.srttMs, 0),
        number(s.rttVarMs, 0),
        number(s.rtoMs, 0),
        number(s.retransPerS, 2),
        number(s.rtoRetransPerS, 2),
        number(s.fastRetransPerS, 2),
        number(s.earlyRetransPerS, 2),
        s.hasLinkLoss ? number(s.linkLossPercent, 3) : QString(),
        s.hasEmulatedLoss ? number(s.emulatedLossPercent, 3) : QString(),
        number(s.fecRecoveredPerS, 2),
        number(s.fecParityPerS, 2),
        number(s.goodputInBps, 0),
        number(s.goodputOutBps, 0),
        number(s.wireOutBps, 0),
        QString::number(s.inflight),
        QString::number(s.cwnd),
        QString::number(s.sessions),
    };
}

} // namespace

QStringList CsvExporter::columns()
{
    return {
        QStringLiteral("timestamp_utc"),
        QStringLiteral("elapsed_s"),
        QStringLiteral("source"),
        QStringLiteral("srtt_ms"),
        QStringLiteral("rttvar_ms"),
        QStringLiteral("rto_ms"),
        QStringLiteral("retrans_per_s"),
        QStringLiteral("rto_retrans_per_s"),
        QStringLiteral("fast_retrans_per_s"),
        QStringLiteral("early_retrans_per_s"),
        QStringLiteral("link_loss_pct"),
        QStringLiteral("emulated_loss_pct"),
        QStringLiteral("fec_recovered_per_s"),
        QStringLiteral("fec_parity_per_s"),
        QStringLiteral("goodput_in_bps"),
        QStringLiteral("goodput_out_bps"),
        QStringLiteral("wire_out_bps"),
        QStringLiteral("inflight_segs"),
        QStringLiteral("cwnd_segs"),
        QStringLiteral("sessions"),
    };
}

QString CsvExporter::quoteField(const QString& field)
{
    if (!field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) &&
        !field.contains(QLatin1Char('\n')) && !field.contains(QLatin1Char('\r')))
        return field;
    QString quoted = field;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QByteArray CsvExporter::toCsv(const QString& source, const StatsSeries& series)
{
    return toCsv(QVector<Source>{{source, &series}});
}

bool CsvExporter::writeFile(const QString& path, const QString& source, const StatsSeries& series,
                            QString* error)
{
    return writeFile(path, QVector<Source>{{source, &series}}, error);
}

QByteArray CsvExporter::toCsv(const QVector<Source>& sources)
{
    auto line = [](const QStringList& fields)
    {
        QStringList quoted;
        quoted.reserve(fields.size());
        for (const QString& f : fields)
            quoted << quoteField(f);
        return quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    };
    QString text = line(columns());
    for (const Source& source : sources)
        for (int i = 0; source.series && i < source.series->size(); ++i)
            text += line(row(source.name, source.series->at(i)));
    return text.toUtf8();
}

bool CsvExporter::writeFile(const QString& path, const QVector<Source>& sources, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
    {
        *error = QCoreApplication::translate("app::CsvExporter", "Cannot write %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    file.write(toCsv(sources));
    if (!file.commit())
    {
        *error = QCoreApplication::translate("app::CsvExporter", "Cannot write %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace app
