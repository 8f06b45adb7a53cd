#pragma once

#include "stats/stats_series.h"

#include <QByteArray>
#include <QIODevice>
#include <QString>
#include <QStringList>
#include <QVector>

namespace app
{

// Session stats as CSV (RFC 4180): one header row, one row per sample, CRLF line ends, a field
// quoted only when it holds a comma, a quote or a line break (quotes doubled). Numbers are
// written with '.' and no grouping whatever the user's locale, so a spreadsheet or a script
// reads the same file everywhere. Times: ISO 8601 UTC and seconds since the source started.
// A field with no measurement (link loss with FEC off) is empty.
class CsvExporter
{
public:
    struct Source
    {
        QString name; // the "source" column: a profile name, "Lab", "Lab, FEC off" ...
        const StatsSeries* series = nullptr;
    };

    static QStringList columns();
    static QString quoteField(const QString& field);

    // source names the tunnel or "Lab" in every row, so several exports can be concatenated.
    static QByteArray toCsv(const QString& source, const StatsSeries& series);
    // Writes through QSaveFile: an existing file is replaced whole or not at all.
    static bool writeFile(const QString& path, const QString& source, const StatsSeries& series,
                          QString* error);
    // Several sources in one file (one header), each source's rows in turn.
    static QByteArray toCsv(const QVector<Source>& sources);
    static bool writeFile(const QString& path, const QVector<Source>& sources, QString* error);
};

} // namespace app
