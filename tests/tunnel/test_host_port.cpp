// kcptun address forms: host:port, :port, [v6]:port, host:min-max; Go's SplitHostPort rules.

#include "kcp/tunnel/host_port.h"

#include <QtTest>

using kcp::tunnel::AddressRules;
using kcp::tunnel::parseHostPort;

class TestHostPort : public QObject
{
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void roundTrips();
};

void TestHostPort::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("range");      // rules.allowRange
    QTest::addColumn<bool>("listener");   // rules.allowEmptyHost + allowPortZero
    QTest::addColumn<QString>("host");    // empty + error: must fail
    QTest::addColumn<int>("minPort");
    QTest::addColumn<int>("maxPort");
    QTest::addColumn<QString>("error");   // substring of the error

    QTest::newRow("ipv4") << "127.0.0.1:4000" << false << false << "127.0.0.1" << 4000 << 4000
                          << "";
    QTest::newRow("name") << "vps.example.org:29900" << false << false << "vps.example.org"
                          << 29900 << 29900 << "";
    QTest::newRow("ipv6") << "[::1]:4000" << false << false << "::1" << 4000 << 4000 << "";
    QTest::newRow("ipv6 range") << "[2001:db8::7]:3000-3010" << true << false << "2001:db8::7"
                                << 3000 << 3010 << "";
    QTest::newRow("range") << "1.2.3.4:20000-20100" << true << false << "1.2.3.4" << 20000
                           << 20100 << "";
    QTest::newRow("all interfaces") << ":12948" << false << true << "" << 12948 << 12948 << "";
    QTest::newRow("any port") << "127.0.0.1:0" << false << true << "127.0.0.1" << 0 << 0 << "";
    QTest::newRow("ipv6 any") << "[::]:29900" << false << true << "::" << 29900 << 29900 << "";

    QTest::newRow("no port") << "127.0.0.1" << false << false << "" << 0 << 0 << "missing port";
    QTest::newRow("v6 no brackets") << "::1:4000" << false << false << "" << 0 << 0
                                    << "brackets";
    QTest::newRow("port 0 remote") << "1.2.3.4:0" << false << false << "" << 0 << 0 << "port";
    QTest::newRow("port too big") << "1.2.3.4:65536" << false << false << "" << 0 << 0
                                  << "port";
    QTest::newRow("port word") << "1.2.3.4:http" << false << false << "" << 0 << 0 << "port";
    QTest::newRow("empty host remote") << ":4000" << false << false << "" << 0 << 0
                                       << "missing host";
    QTest::newRow("range not allowed") << "1.2.3.4:1-2" << false << false << "" << 0 << 0
                                       << "range";
    QTest::newRow("range reversed") << "1.2.3.4:9-2" << true << false << "" << 0 << 0 << "min";
    QTest::newRow("bad v6") << "[zz::1]:4000" << false << false << "" << 0 << 0 << "IPv6";
    QTest::newRow("bad host") << "a b:4000" << false << false << "" << 0 << 0 << "host";
    QTest::newRow("unclosed") << "[::1:4000" << false << false << "" << 0 << 0 << "]";
    QTest::newRow("empty") << "" << false << true << "" << 0 << 0 << "port";
}

void TestHostPort::parses()
{
    QFETCH(QString, text);
    QFETCH(bool, range);
    QFETCH(bool, listener);
    QFETCH(QString, host);
    QFETCH(int, minPort);
    QFETCH(int, maxPort);
    QFETCH(QString, error);
    AddressRules rules;
    rules.allowRange = range;
    rules.allowEmptyHost = listener;
    rules.allowPortZero = listener;
    QString problem;
    const auto parsed = parseHostPort(text, rules, &problem);
    if (!error.isEmpty())
    {
        QVERIFY2(!parsed, qPrintable(text));
        QVERIFY2(problem.contains(error), qPrintable(problem));
        return;
    }
    QVERIFY2(parsed, qPrintable(problem));
    QCOMPARE(parsed->host, host);
    QCOMPARE(int(parsed->minPort), minPort);
    QCOMPARE(int(parsed->maxPort), maxPort);
}

void TestHostPort::roundTrips()
{
    for (const QString text : {"[::1]:4000", "1.2.3.4:5-9", ":80", "[fe80::1]:1-2"})
    {
        const auto parsed = parseHostPort(text, {true, true, true});
        QVERIFY(parsed);
        QCOMPARE(parsed->toString(), text);
    }
}

QTEST_APPLESS_MAIN(TestHostPort)
#include "test_host_port.moc"
