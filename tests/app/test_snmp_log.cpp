// kcptun --snmplog files read back (kcp::tunnel::readSnmpLog) and turned into rates, totals and
// a report (app::digestSnmpLog, app::snmpLogReport): every kcp-go header generation, the
// misaligned rows of kcp-go 5.6.22/23, restarts, and damaged files. Logs from the real kcptun
// binary are read in tests/tunnel/test_kcptun_interop.cpp (snmpLogOfRealKcptunReadsBack).

#include "stats/snmp_log_report.h"

#include "kcp/tunnel/snmp_log_reader.h"
#include "kcp/tunnel/snmp_logger.h"

#include <QBuffer>
#include <QtTest>

using kcp::tunnel::SnmpLog;

namespace
{

const char* const V561Header =
    "Unix,BytesSent,BytesReceived,MaxConn,ActiveOpens,PassiveOpens,CurrEstab,InErrs,InCsumErrors,"
    "KCPInErrors,InPkts,OutPkts,InSegs,OutSegs,InBytes,OutBytes,RetransSegs,FastRetransSegs,"
    "EarlyRetransSegs,LostSegs,RepeatSegs,FECParityShards,FECErrs,FECRecovered,FECShortShards";

std::optional<SnmpLog> parse(const QByteArray& text, QString* error = nullptr)
{
    QBuffer buffer;
    buffer.setData(text);
    buffer.open(QIODevice::ReadOnly);
    QString ignored;
    return kcp::tunnel::readSnmpLog(buffer, error ? error : &ignored);
}

// A row whose value in column i (after Unix) is base + i.
QByteArray row(qint64 unix, int values, int base)
{
    QByteArray r = QByteArray::number(unix);
    for (int i = 0; i < values; ++i)
        r += ',' + QByteArray::number(base + i);
    return r + '\n';
}

} // namespace

class TestSnmpLog : public QObject
{
    Q_OBJECT

private slots:
    void readsKcpGo561ByName()
    {
        const auto log =
            parse(QByteArray(V561Header) + '\n' + row(1000, 24, 1) + row(1005, 24, 101));
        QVERIFY(log);
        QCOMPARE(log->rows.size(), 2);
        const kcp::SnmpCounters& c = log->rows[1].counters;
        QCOMPARE(log->rows[1].unixSeconds, 1005);
        QCOMPARE(c.BytesSent, 101u);
        QCOMPARE(c.BytesReceived, 102u);
        QCOMPARE(c.OutSegs, 113u);
        QCOMPARE(c.RetransSegs, 116u);
        QCOMPARE(c.FECParityShards, 121u);
        QCOMPARE(c.FECRecovered, 123u);
        QCOMPARE(c.FECShortShards, 124u);
        QVERIFY(log->warnings.isEmpty());
        QVERIFY(log->ignoredColumns.isEmpty());
    }

    void realignsKcpGo5622Rows()
    {
        // 30 names, 29 values: FECShortShards has no value, what follows FECRecovered shifts.
        const QByteArray header =
            "Unix,BytesSent,BytesReceived,MaxConn,ActiveOpens,PassiveOpens,CurrEstab,InErrs,"
            "InCsumErrors,KCPInErrors,InPkts,OutPkts,InSegs,OutSegs,InBytes,OutBytes,RetransSegs,"
            "FastRetransSegs,EarlyRetransSegs,LostSegs,RepeatSegs,FECFullShards,FECParityShards,"
            "FECErrs,FECRecovered,FECShortShards,FECShardSet,FECShardMin,RingBufferSndQueue,"
            "RingBufferRcvQueue,RingBufferSndBuffer\n";
        const auto log = parse(header + row(2000, 29, 1));
        QVERIFY(log);
        QCOMPARE(log->rows.size(), 1);
        QCOMPARE(log->realignedRows, 1);
        const kcp::SnmpCounters& c = log->rows[0].counters;
        QCOMPARE(c.RepeatSegs, 20u);
        QCOMPARE(c.FECParityShards, 22u); // after FECFullShards (21)
        QCOMPARE(c.FECRecovered, 24u);
        QCOMPARE(c.FECShortShards, 0u); // no value in these rows
        QVERIFY(log->ignoredColumns.contains(QStringLiteral("FECFullShards")));
        QVERIFY(log->ignoredColumns.contains(QStringLiteral("RingBufferSndBuffer")));
    }

    void readsLaterGenerations()
    {
        // 5.6.24+: no FECShortShards; 5.6.60+: OOBPackets at the end. Columns by name.
        const QByteArray header =
            "Unix,BytesSent,BytesReceived,MaxConn,ActiveOpens,PassiveOpens,CurrEstab,InErrs,"
            "InCsumErrors,KCPInErrors,InPkts,OutPkts,InSegs,OutSegs,InBytes,OutBytes,RetransSegs,"
            "FastRetransSegs,EarlyRetransSegs,LostSegs,RepeatSegs,FECFullShards,FECParityShards,"
            "FECErrs,FECRecovered,FECShardSet,FECShardMin,RingBufferSndQueue,RingBufferRcvQueue,"
            "RingBufferSndBuffer,OOBPackets\n";
        const auto log = parse(header + row(3000, 30, 1));
        QVERIFY(log);
        QCOMPARE(log->rows.size(), 1);
        QCOMPARE(log->realignedRows, 0);
        QCOMPARE(log->rows[0].counters.FECRecovered, 24u);
        QVERIFY(log->ignoredColumns.contains(QStringLiteral("OOBPackets")));
    }

    void ourOwnLoggerRoundTrips()
    {
        kcp::SnmpCounters c;
        c.BytesSent = 123456789012;
        c.FECRecovered = 7;
        c.InCsumErrors = 3;
        const QByteArray text = (kcp::tunnel::kcptunSnmpHeader() + u'\n' +
                                 kcp::tunnel::kcptunSnmpRow(c, 1795843404) + u'\n')
                                    .toUtf8();
        const auto log = parse(text);
        QVERIFY(log);
        QCOMPARE(log->rows.size(), 1);
        QCOMPARE(log->rows[0].counters.BytesSent, c.BytesSent);
        QCOMPARE(log->rows[0].counters.FECRecovered, c.FECRecovered);
        QCOMPARE(log->rows[0].counters.InCsumErrors, c.InCsumErrors);
    }

    void damagedLinesAreSkippedAndNamed()
    {
        QByteArray text = "1,2,3\n"; // before any header
        text += QByteArray(V561Header) + '\n';
        text += row(1000, 24, 1);
        text += "1005,1,2,3\n";                          // too few values
        text += row(1010, 24, 1).replace(",5,", ",x,");  // not a count
        text += QByteArray("\xff\xfe\x00garbage\n", 11); // binary junk
        text += "notatime," + row(0, 24, 0).mid(2);
        text += row(Q_INT64_C(9223372036854775807), 24, 1); // no time: ms would overflow
        text += "\n\n";
        text += row(1015, 24, 50);
        const auto log = parse(text);
        QVERIFY(log);
        QCOMPARE(log->rows.size(), 2);
        QCOMPARE(log->skippedLines, 6);
        QCOMPARE(log->warnings.size(), 6);
        QVERIFY(log->warnings[0].startsWith(QStringLiteral("line 1: ")));
        QVERIFY2(log->warnings[1].contains(QStringLiteral("3 values for the header's 24")),
                 qPrintable(log->warnings[1]));
        QVERIFY2(log->warnings[2].contains(QStringLiteral("PassiveOpens is \"x\"")),
                 qPrintable(log->warnings[2]));
    }

    void noHeaderIsAnError()
    {
        QString error;
        QVERIFY(!parse("", &error));
        QCOMPARE(error, QStringLiteral("the file is empty"));
        QVERIFY(!parse("hello\nworld\n", &error));
        QVERIFY(error.contains(QStringLiteral("not a kcptun --snmplog file")));
        const auto headerOnly = parse(QByteArray(V561Header) + '\n');
        QVERIFY(headerOnly);
        QVERIFY(headerOnly->rows.isEmpty());
        QVERIFY(
            app::snmpLogReport(QStringLiteral("h"), *headerOnly, app::digestSnmpLog(*headerOnly))
                .contains(QStringLiteral("fewer than two rows")));
    }

    void ratesTotalsAndRestarts()
    {
        SnmpLog log;
        auto add = [&log](qint64 unix, quint64 sent, quint64 outSegs, quint64 retrans)
        {
            SnmpLog::Row r;
            r.unixSeconds = unix;
            r.counters.BytesSent = sent;
            r.counters.OutPkts = outSegs;
            r.counters.OutSegs = outSegs;
            r.counters.RetransSegs = retrans;
            log.rows << r;
        };
        add(1000, 5000, 100, 0);   // kcptun had run for a while: the baseline, not a sample
        add(1005, 15000, 200, 10); // +10,000 bytes in 5 s
        add(1010, 2000, 50, 5);    // restarted: counts from zero again
        add(1015, 4000, 150, 5);
        const app::SnmpLogDigest d = app::digestSnmpLog(log);
        QCOMPARE(d.samples.size(), 3);
        QCOMPARE(d.restarts, 1);
        QCOMPARE(d.samples[0].goodputOutBps, 10000.0 * 8 / 5);
        QCOMPARE(d.samples[0].retransPerS, 2.0);
        QCOMPARE(d.samples[1].goodputOutBps, 2000.0 * 8 / 5); // from zero at the restart
        QCOMPARE(d.samples[2].elapsedS, 15.0);
        QCOMPARE(d.totals.BytesSent, quint64(10000 + 2000 + 2000));
        QCOMPARE(d.totals.RetransSegs, quint64(10 + 5 + 0));
        QCOMPARE(d.firstUnix, 1000);
        QCOMPARE(d.lastUnix, 1015);
    }

    void reportAdvisesFromTheCounters()
    {
        SnmpLog log;
        SnmpLog::Row a;
        a.unixSeconds = 1000;
        SnmpLog::Row b = a;
        b.unixSeconds = 1060;
        b.counters.BytesSent = 50'000'000;
        b.counters.OutBytes = 60'000'000;
        b.counters.OutSegs = 40'000;
        b.counters.RetransSegs = 4'000; // 10 %, and no parity ever arrived: FEC off
        b.counters.LostSegs = 1'000;
        b.counters.FastRetransSegs = 3'000;
        b.counters.InCsumErrors = 12;
        log.rows << a << b;
        const QString report =
            app::snmpLogReport(QStringLiteral("s.log"), log, app::digestSnmpLog(log));
        QVERIFY2(report.contains(QStringLiteral("10.00 % of the 40000 segments sent")),
                 qPrintable(report));
        QVERIFY(report.contains(QStringLiteral("1.20x the application data sent")));
        QVERIFY(report.contains(QStringLiteral("No parity arrived")));
        QVERIFY(report.contains(QStringLiteral("12 datagrams failed decryption")));

        // A clean link with FEC on: parity that rebuilds next to nothing.
        b.counters = {};
        b.counters.OutSegs = 100'000;
        b.counters.RetransSegs = 10;
        b.counters.FECParityShards = 30'000;
        b.counters.FECRecovered = 5;
        log.rows[1] = b;
        const QString clean =
            app::snmpLogReport(QStringLiteral("s.log"), log, app::digestSnmpLog(log));
        QVERIFY2(clean.contains(QStringLiteral("the link loses little")), qPrintable(clean));
        QVERIFY(!clean.contains(QStringLiteral("No parity arrived")));
    }
};

QTEST_GUILESS_MAIN(TestSnmpLog)
#include "test_snmp_log.moc"
