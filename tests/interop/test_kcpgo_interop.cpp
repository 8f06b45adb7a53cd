// KcpSocket / KcpServer against a real kcp-go 5.6.1 peer (kcpgo_peer, built at test time from
// Debian's golang-github-xtaci-kcp-dev): 16 MB echoed intact for every kcptun crypt method, with
// FEC 10/3 and 0/0, our side as client and as server.
//
// KCPDESK_INTEROP_BYTES overrides the transfer size (bytes) for quick runs.

#include "net_test_util.h"

#include "kcp/net/worker_pool.h"
#include "kcp/packet_crypto.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

using namespace kcp::net;

namespace
{

qint64 transferBytes()
{
    bool ok = false;
    const qint64 fromEnv = qEnvironmentVariableIntValue("KCPDESK_INTEROP_BYTES", &ok);
    return ok && fromEnv > 0 ? fromEnv : 16ll << 20;
}

const char* const Key = "interop-key";

// The settings both sides use: kcptun-like mtu, fast3, windows of 1024.
KcpOptions options(const QString& crypt, int ds, int ps, IoBackend backend)
{
    KcpOptions o;
    o.backend = backend;
    o.session.crypt = crypt.toStdString();
    o.session.key = kcp::deriveKcptunKey(Key);
    o.session.dataShards = ds;
    o.session.parityShards = ps;
    o.session.mtu = 1350;
    o.session.sndWnd = 1024;
    o.session.rcvWnd = 1024;
    o.session.noDelay = kcp::NoDelayParams{1, 10, 2, 1};
    return o;
}

QStringList peerArgs(const QString& mode, const QString& addr, const QString& crypt, int ds, int ps)
{
    return {QStringLiteral("-mode"),     mode,
            QStringLiteral("-addr"),     addr,
            QStringLiteral("-crypt"),    crypt,
            QStringLiteral("-key"),      QString::fromLatin1(Key),
            QStringLiteral("-ds"),       QString::number(ds),
            QStringLiteral("-ps"),       QString::number(ps),
            QStringLiteral("-mtu"),      QStringLiteral("1350"),
            QStringLiteral("-sndwnd"),   QStringLiteral("1024"),
            QStringLiteral("-rcvwnd"),   QStringLiteral("1024"),
            QStringLiteral("-nodelay"),  QStringLiteral("1"),
            QStringLiteral("-interval"), QStringLiteral("10"),
            QStringLiteral("-resend"),   QStringLiteral("2"),
            QStringLiteral("-nc"),       QStringLiteral("1")};
}

// A kcp-go server process; stopped (SIGKILL) when destroyed.
class GoServer
{
public:
    bool start(const QStringList& args)
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(QStringLiteral(KCPGO_PEER), args);
        if (!m_process.waitForStarted(5000))
            return false;
        QByteArray out;
        const bool ok = QTest::qWaitFor(
            [&]
            {
                out += m_process.readAllStandardOutput();
                return out.contains('\n') || m_process.state() == QProcess::NotRunning;
            },
            10000);
        const int at = out.indexOf("LISTENING ");
        if (!ok || at < 0)
            return false;
        port = static_cast<quint16>(out.mid(at + 10).trimmed().split('\n').first().toUInt());
        return port != 0;
    }
    ~GoServer()
    {
        if (m_process.state() != QProcess::NotRunning)
        {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    quint16 port = 0;

private:
    QProcess m_process;
};

} // namespace

class TestKcpGoInterop : public QObject
{
    Q_OBJECT

    static void addMatrix()
    {
        QTest::addColumn<QString>("crypt");
        QTest::addColumn<int>("ds");
        QTest::addColumn<int>("ps");
        for (const std::string& name : kcp::kcptunCryptNames())
        {
            const QString c = QString::fromStdString(name);
            QTest::addRow("%s-fec10-3", name.c_str()) << c << 10 << 3;
            QTest::addRow("%s-fec0-0", name.c_str()) << c << 0 << 0;
        }
    }

private slots:
    void initTestCase()
    {
        if (!QFileInfo::exists(QStringLiteral(KCPGO_PEER)))
            QSKIP("kcpgo_peer was not built (no Go toolchain?)");
        QCOMPARE(kcp::kcptunCryptNames().size(), std::size_t(13));
        qInfo("transfer size %lld bytes per case", transferBytes());
    }

    // kcp-go echo server, our KcpSocket as the client.
    void weAreClient_data() { addMatrix(); }
    void weAreClient()
    {
        QFETCH(QString, crypt);
        QFETCH(int, ds);
        QFETCH(int, ps);
        GoServer go;
        QVERIFY(go.start(
            peerArgs(QStringLiteral("echo-server"), QStringLiteral("127.0.0.1:0"), crypt, ds, ps)));
        KcpSocket client;
        client.setOptions(options(crypt, ds, ps, IoBackend::Auto));
        const qint64 total = transferBytes();
        nettest::EchoClient checker(&client, total, 0xc0ffee);
        QElapsedTimer timer;
        timer.start();
        client.connectToHost(QHostAddress::LocalHost, go.port);
        QVERIFY2(QTest::qWaitFor([&] { return checker.done(); }, 120000),
                 qPrintable(QStringLiteral("received %1 of %2").arg(checker.received).arg(total)));
        QCOMPARE(checker.mismatchAt, qint64(-1));
        QCOMPARE(checker.received, total);
        qInfo("%s ds=%d ps=%d: %lld bytes echoed by kcp-go in %.2f s", qPrintable(crypt), ds, ps,
              total, timer.elapsed() / 1000.0);
        client.abort();
    }

    // Our KcpServer echoes, a kcp-go client sends and verifies.
    void weAreServer_data() { addMatrix(); }
    void weAreServer()
    {
        QFETCH(QString, crypt);
        QFETCH(int, ds);
        QFETCH(int, ps);
        nettest::EchoServer echo(nettest::serverOptions(options(crypt, ds, ps, IoBackend::Auto)));
        QVERIFY(echo.listen(QHostAddress::LocalHost));
        const qint64 total = transferBytes();
        QProcess go;
        go.setProcessChannelMode(QProcess::MergedChannels);
        QStringList args = peerArgs(QStringLiteral("echo-client"),
                                    QStringLiteral("127.0.0.1:%1").arg(echo.port()), crypt, ds, ps);
        args << QStringLiteral("-bytes") << QString::number(total);
        go.start(QStringLiteral(KCPGO_PEER), args);
        QVERIFY(go.waitForStarted(5000));
        QVERIFY(QTest::qWaitFor([&] { return go.state() == QProcess::NotRunning; }, 120000));
        const QByteArray out = go.readAll().trimmed();
        QVERIFY2(go.exitStatus() == QProcess::NormalExit && go.exitCode() == 0, out.constData());
        QVERIFY2(out.startsWith("OK bytes=" + QByteArray::number(total)), out.constData());
        QCOMPARE(echo.accepted, 1);
        QCOMPARE(echo.echoed, total);
        qInfo("%s ds=%d ps=%d: kcp-go client says %s", qPrintable(crypt), ds, ps, out.constData());
        for (const auto& s : echo.sockets)
            delete s.data();
    }

    // The same through the portable backend, for both roles, once.
    void qtBackendBothWays()
    {
        const QString crypt = QStringLiteral("aes");
        GoServer go;
        QVERIFY(go.start(
            peerArgs(QStringLiteral("echo-server"), QStringLiteral("[::1]:0"), crypt, 10, 3)));
        KcpSocket client;
        client.setOptions(options(crypt, 10, 3, IoBackend::Qt));
        const qint64 total = transferBytes();
        nettest::EchoClient checker(&client, total, 7);
        client.connectToHost(QHostAddress::LocalHostIPv6, go.port);
        QVERIFY(QTest::qWaitFor([&] { return checker.done(); }, 120000));
        QCOMPARE(checker.mismatchAt, qint64(-1));
        QCOMPARE(client.backend(), IoBackend::Qt);

        nettest::EchoServer echo(nettest::serverOptions(options(crypt, 10, 3, IoBackend::Qt)));
        QVERIFY(echo.listen(QHostAddress::LocalHostIPv6));
        QProcess peer;
        peer.setProcessChannelMode(QProcess::MergedChannels);
        QStringList args = peerArgs(QStringLiteral("echo-client"),
                                    QStringLiteral("[::1]:%1").arg(echo.port()), crypt, 10, 3);
        args << QStringLiteral("-bytes") << QString::number(total);
        peer.start(QStringLiteral(KCPGO_PEER), args);
        QVERIFY(QTest::qWaitFor([&] { return peer.state() == QProcess::NotRunning; }, 120000));
        const QByteArray out = peer.readAll().trimmed();
        QVERIFY2(peer.exitCode() == 0 && out.startsWith("OK"), out.constData());
    }
};

QTEST_GUILESS_MAIN(TestKcpGoInterop)
#include "test_kcpgo_interop.moc"
