// --snmplog CSV in kcptun's layout, Go time layouts in its path, and the Prometheus text.

#include "kcp/tunnel/metrics_server.h"
#include "kcp/tunnel/prometheus_text.h"
#include "kcp/tunnel/snmp_logger.h"

#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace kcp::tunnel;

class TestTunnelMetrics : public QObject
{
    Q_OBJECT

private slots:
    void kcptunCsvLayout();
    void goTimeLayout();
    void loggerAppendsWithOneHeader();
    void prometheusHasEveryCounterAndSession();
    void metricsEndpointServesScrapes();
};

void TestTunnelMetrics::kcptunCsvLayout()
{
    // kcptun's generic.SnmpLogger: "Unix" then kcp-go 5.6.1's Snmp.Header().
    QCOMPARE(kcptunSnmpHeader(),
             QStringLiteral("Unix,BytesSent,BytesReceived,MaxConn,ActiveOpens,PassiveOpens,"
                            "CurrEstab,InErrs,InCsumErrors,KCPInErrors,InPkts,OutPkts,InSegs,"
                            "OutSegs,InBytes,OutBytes,RetransSegs,FastRetransSegs,"
                            "EarlyRetransSegs,LostSegs,RepeatSegs,FECParityShards,FECErrs,"
                            "FECRecovered,FECShortShards"));
    kcp::SnmpCounters c;
    c.BytesSent = 1;
    c.FECParityShards = 21;
    c.FECRecovered = 23;
    c.FECShortShards = 24;
    QCOMPARE(kcptunSnmpRow(c, 1700000000),
             QStringLiteral("1700000000,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,21,0,23,24"));
}

void TestTunnelMetrics::goTimeLayout()
{
    const QDateTime t(QDate(2026, 3, 9), QTime(7, 5, 4));
    QCOMPARE(formatGoTimeLayout("snmp-20060102.log", t), QStringLiteral("snmp-20260309.log"));
    QCOMPARE(formatGoTimeLayout("x-2006-01-02T15:04:05", t),
             QStringLiteral("x-2026-03-09T07:05:04"));
    QCOMPARE(formatGoTimeLayout("plain.csv", t), QStringLiteral("plain.csv"));
    SnmpLogger logger("./dir-20060102/snmp-20060102.csv", 1);
    // Only the file name is formatted, like kcptun (filepath.Split then Format(logfile)).
    QCOMPARE(logger.fileFor(t), QStringLiteral("./dir-20060102/snmp-20260309.csv"));
}

void TestTunnelMetrics::loggerAppendsWithOneHeader()
{
    QTemporaryDir dir;
    SnmpLogger logger(dir.filePath("snmp.csv"), 1);
    kcp::SnmpCounters c;
    c.InPkts = 5;
    const QDateTime t = QDateTime::fromSecsSinceEpoch(1700000000);
    QVERIFY(logger.writeRow(c, t));
    c.InPkts = 9;
    QVERIFY(logger.writeRow(c, t.addSecs(1)));
    QFile f(dir.filePath("snmp.csv"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QCOMPARE(lines.size(), 4);  // header, 2 rows, trailing empty
    QVERIFY(lines[0].startsWith("Unix,BytesSent"));
    QVERIFY(lines[1].startsWith("1700000000,"));
    QCOMPARE(lines[2].split(',')[10], QByteArray("9"));  // InPkts is column 10
}

void TestTunnelMetrics::prometheusHasEveryCounterAndSession()
{
    TunnelSnapshot s;
    s.snmp.BytesSent = 12345;
    s.snmp.CurrEstab = 2;
    TunnelSessionSnapshot session;
    session.peer = "127.0.0.1:4000";
    session.conv = 77;
    session.kcp.srtt = 12;
    session.smux.streams = 3;
    session.kcp.thinCopies = 4;
    session.kcp.thinLoss = 0.125;
    s.sessions.push_back(session);
    const QByteArray text = prometheusText(s);
    for (const kcp::SnmpColumn& c : kcp::allSnmpColumns())
        QVERIFY2(text.contains("kcpdesk_" + QByteArray(c.name.data(), qsizetype(c.name.size()))),
                 c.name.data());
    QVERIFY(text.contains("kcpdesk_BytesSent_total 12345\n"));
    QVERIFY(text.contains("# TYPE kcpdesk_CurrEstab gauge\nkcpdesk_CurrEstab 2\n"));
    QVERIFY(text.contains("kcpdesk_tunnel_sessions 1\n"));
    QVERIFY(text.contains("kcpdesk_session_srtt_ms{conv=\"77\",peer=\"127.0.0.1:4000\"} 12\n"));
    QVERIFY(text.contains("kcpdesk_session_streams{conv=\"77\",peer=\"127.0.0.1:4000\"} 3\n"));
    QVERIFY(text.contains("kcpdesk_session_thin_copies{conv=\"77\",peer=\"127.0.0.1:4000\"} 4\n"));
    QVERIFY(text.contains("kcpdesk_session_thin_loss{conv=\"77\",peer=\"127.0.0.1:4000\"} 0.125\n"));
}

void TestTunnelMetrics::metricsEndpointServesScrapes()
{
    MetricsServer server([] { return QByteArray("kcpdesk_x_total 1\n"); });
    QString error;
    QVERIFY2(server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    auto fetch = [&](const QByteArray& request) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        if (!s.waitForConnected(3000))
            return QByteArray();
        s.write(request);
        QByteArray reply;
        QElapsedTimer t;
        t.start();
        while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < 3000)
        {
            QTest::qWait(5);
            reply += s.readAll();
        }
        return reply + s.readAll();
    };
    const QByteArray ok = fetch("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY2(ok.startsWith("HTTP/1.0 200 OK"), ok.constData());
    QVERIFY(ok.contains("text/plain; version=0.0.4"));
    QVERIFY(ok.endsWith("\r\n\r\nkcpdesk_x_total 1\n"));
    QVERIFY(fetch("GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.0 404"));
}

QTEST_GUILESS_MAIN(TestTunnelMetrics)
#include "test_tunnel_metrics.moc"
