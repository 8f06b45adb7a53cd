// CsvExporter writes RFC 4180 CSV: a header, CRLF line ends, quoting only where needed with
// doubled quotes, '.' decimals whatever the locale, empty cells for unmeasured values, ISO 8601
// UTC timestamps; and the file on disk is exactly those bytes.

#include "stats/csv_exporter.h"

#include <QFile>
#include <QLocale>
#include <QTemporaryDir>
#include <QtTest>

using namespace app;

namespace
{

// A minimal RFC 4180 reader, so the test checks what a spreadsheet would see.
QList<QStringList> parseCsv(const QString& text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (int i = 0; i < text.size(); ++i)
    {
        const QChar c = text[i];
        if (quoted)
        {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                field += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                field += c;
        }
        else if (c == '"')
            quoted = true;
        else if (c == ',')
            row << field, field.clear();
        else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
        {
            row << field, field.clear();
            rows << row, row.clear();
            ++i;
        }
        else
            field += c;
    }
    if (!field.isEmpty() || !row.isEmpty())
        rows << (row << field);
    return rows;
}

StatsSeries twoSamples()
{
    StatsSeries series;
    StatsSample a;
    a.timestampMs = 1'764'115'200'123; // 2025-11-26T00:00:00.123Z
    a.elapsedS = 1.0;
    a.srttMs = 57;
    a.rttVarMs = 4;
    a.rtoMs = 100;
    a.retransPerS = 1234.5;
    a.hasLinkLoss = true;
    a.linkLossPercent = 5.25;
    a.goodputInBps = 17'100'000;
    a.inflight = 128;
    series.append(a);
    StatsSample b = a;
    b.elapsedS = 2.0;
    b.hasLinkLoss = false; // FEC off: not measured
    series.append(b);
    return series;
}

} // namespace

class TestCsvExporter : public QObject
{
    Q_OBJECT

private slots:
    void headerAndRows();
    void quotesOnlyWhereNeeded();
    void numbersIgnoreTheLocale();
    void writesFileAtomically();
    void severalSourcesOneHeader();
};

void TestCsvExporter::headerAndRows()
{
    const QByteArray csv = CsvExporter::toCsv("Tokyo", twoSamples());
    QVERIFY(csv.endsWith("\r\n"));
    QCOMPARE(csv.count('\n'), csv.count("\r\n")); // no bare LF
    const QList<QStringList> rows = parseCsv(QString::fromUtf8(csv));
    QCOMPARE(rows.size(), 3);
    const QStringList header = rows[0];
    QCOMPARE(header, CsvExporter::columns());
    QCOMPARE(header.first(), QString("timestamp_utc"));
    for (const QStringList& row : rows)
        QCOMPARE(row.size(), header.size());
    auto cell = [&](int row, const char* column) { return rows[row][header.indexOf(column)]; };
    QCOMPARE(cell(1, "timestamp_utc"), QString("2025-11-26T00:00:00.123Z"));
    QCOMPARE(cell(1, "elapsed_s"), QString("1.000"));
    QCOMPARE(cell(1, "source"), QString("Tokyo"));
    QCOMPARE(cell(1, "srtt_ms"), QString("57"));
    QCOMPARE(cell(1, "retrans_per_s"), QString("1234.50"));
    QCOMPARE(cell(1, "link_loss_pct"), QString("5.250"));
    QCOMPARE(cell(1, "goodput_in_bps"), QString("17100000"));
    QCOMPARE(cell(1, "inflight_segs"), QString("128"));
    QCOMPARE(cell(2, "link_loss_pct"), QString()); // unmeasured is empty, not 0
    QCOMPARE(cell(2, "emulated_loss_pct"), QString());
}

void TestCsvExporter::quotesOnlyWhereNeeded()
{
    QCOMPARE(CsvExporter::quoteField("plain"), QString("plain"));
    QCOMPARE(CsvExporter::quoteField("a,b"), QString("\"a,b\""));
    QCOMPARE(CsvExporter::quoteField("say \"hi\""), QString("\"say \"\"hi\"\"\""));
    QCOMPARE(CsvExporter::quoteField("two\nlines"), QString("\"two\nlines\""));
    QCOMPARE(CsvExporter::quoteField("cr\r"), QString("\"cr\r\""));
    QCOMPARE(CsvExporter::quoteField(""), QString(""));

    const QString name = "VPS \"east\", port 4000\nbackup";
    const QList<QStringList> rows =
        parseCsv(QString::fromUtf8(CsvExporter::toCsv(name, twoSamples())));
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[1][CsvExporter::columns().indexOf("source")], name);
    QCOMPARE(rows[1].size(), CsvExporter::columns().size());
}

void TestCsvExporter::numbersIgnoreTheLocale()
{
    const QLocale before;
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(QLocale().toString(1234.5, 'f', 2), QString("1.234,50")); // the trap, for real
    const QByteArray csv = CsvExporter::toCsv("x", twoSamples());
    QLocale::setDefault(before);
    QVERIFY(csv.contains(",1234.50,"));
    QVERIFY(csv.contains(",5.250,"));
    QVERIFY(!csv.contains("1.234"));
}

void TestCsvExporter::writesFileAtomically()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("stats.csv");
    QString error;
    QVERIFY2(CsvExporter::writeFile(path, "Lab", twoSamples(), &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), CsvExporter::toCsv("Lab", twoSamples()));
    QVERIFY(
        !CsvExporter::writeFile(dir.filePath("no/such/dir/x.csv"), "Lab", twoSamples(), &error));
    QVERIFY2(error.contains("Cannot write"), qPrintable(error));
}

void TestCsvExporter::severalSourcesOneHeader()
{
    const StatsSeries a = twoSamples();
    const StatsSeries b = twoSamples();
    const QList<QStringList> rows = parseCsv(QString::fromUtf8(
        CsvExporter::toCsv(QVector<CsvExporter::Source>{{"Lab", &a}, {"Lab, FEC off", &b}})));
    QCOMPARE(rows.size(), 5);
    const int source = CsvExporter::columns().indexOf("source");
    QCOMPARE(rows[1][source], QString("Lab"));
    QCOMPARE(rows[4][source], QString("Lab, FEC off"));
}

QTEST_APPLESS_MAIN(TestCsvExporter)
#include "test_csv_exporter.moc"
