// The tunnel against Debian's real kcptun 20210922 binaries, on 127.0.0.1 only:
//   our TunnelClient -> kcptun-server -> TCP echo (in this process)
//   kcptun-client -> our TunnelServer -> TCP echo
// for every crypt kcptun has, FEC 10/3 and 0/0, compression on and off, smux v1 and v2; 1 MiB
// each way per case, compared by SHA-256. Plus a smux version mismatch that must fail loudly.
// Skipped when the kcptun package is not installed. Every child process is killed at the end.

#include "kcp/packet_crypto.h"
#include "kcp/tunnel/kcptun_command_line.h"
#include "kcp/tunnel/tunnel_client.h"
#include "kcp/tunnel/tunnel_server.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUdpSocket>
#include <QtTest>

#include <memory>

using namespace kcp::tunnel;

namespace
{

const QString KcptunClient = QStringLiteral("/usr/bin/kcptun-client");
const QString KcptunServer = QStringLiteral("/usr/bin/kcptun-server");
constexpr int TransferBytes = 1 << 20;
constexpr int TransferTimeoutMs = 30000;

quint16 freeTcpPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

quint16 freeUdpPort()
{
    QUdpSocket probe;
    probe.bind(QHostAddress::LocalHost, 0);
    return probe.localPort();
}

// Echoes every byte back on every connection; honours no limits (loopback, 1 MiB).
class EchoServer : public QObject
{
public:
    EchoServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection())
            {
                connect(s, &QTcpSocket::readyRead, s, [s] { s->write(s->readAll()); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
};

// A child process that is killed, not left behind, whatever the test does.
struct Child
{
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    ~Child()
    {
        if (process->state() != QProcess::NotRunning)
        {
            process->kill();
            process->waitForFinished(3000);
        }
    }
    QByteArray output() { return process->readAllStandardError() + process->readAllStandardOutput(); }
};

// Sends n random bytes through port and expects them back; returns "" or what went wrong.
QString echoThrough(quint16 port, int n)
{
    QByteArray data(n, Qt::Uninitialized);
    QRandomGenerator rng(quint32(port) * 7919u);
    for (int i = 0; i < n; ++i)
        data[i] = char(rng.generate());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return "connect: " + socket.errorString();
    QByteArray received;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { received += socket.readAll(); });
    socket.write(data);
    QElapsedTimer timer;
    timer.start();
    while (received.size() < n && timer.elapsed() < TransferTimeoutMs &&
           socket.state() == QAbstractSocket::ConnectedState)
        QTest::qWait(10);
    received += socket.readAll();
    if (received.size() != n)
        return QStringLiteral("received %1 of %2 bytes").arg(received.size()).arg(n);
    if (QCryptographicHash::hash(received, QCryptographicHash::Sha256) !=
        QCryptographicHash::hash(data, QCryptographicHash::Sha256))
        return QStringLiteral("sha256 differs");
    return {};
}

// Waits until something accepts TCP connections on port (a kcptun-client starting up).
bool waitForTcp(quint16 port, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs)
    {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(200))
        {
            probe.disconnectFromHost();
            return true;
        }
        QTest::qWait(50);
    }
    return false;
}

KcptunConfig resolve(TunnelRole role, const QStringList& args)
{
    KcptunConfig config;
    const QStringList problems = resolveKcptunConfig(
        parseKcptunCommandLine(role, args, QProcessEnvironment()), config);
    if (!problems.isEmpty())
        qFatal("bad test config: %s", qPrintable(problems.join("; ")));
    return config;
}

} // namespace

class TestKcptunInterop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void echo_data();
    void echo();
    void smuxVersionMismatchFailsLoudly();
};

void TestKcptunInterop::initTestCase()
{
    if (!QFile::exists(KcptunClient) || !QFile::exists(KcptunServer))
        QSKIP("Debian's kcptun package is not installed");
}

void TestKcptunInterop::echo_data()
{
    QTest::addColumn<bool>("oursIsClient");
    QTest::addColumn<QStringList>("flags");

    // The reference case (wire-compat.md 9) in both directions.
    const QStringList reference{"--crypt", "aes", "--ds", "10", "--ps", "3", "--nocomp",
                                "--smuxver", "1"};
    QTest::newRow("ours->kcptun aes fec10/3 nocomp v1") << true << reference;
    QTest::newRow("kcptun->ours aes fec10/3 nocomp v1") << false << reference;

    // Every crypt kcptun 20210922 has, alternating the settings that must match on both ends.
    int i = 0;
    for (const std::string& crypt : kcp::kcptunCryptNames())
    {
        const bool fec = i % 2 == 0;
        const bool comp = (i / 2) % 2 == 0;
        const QString smux = i % 3 == 0 ? "2" : "1";
        QStringList flags{"--crypt", QString::fromStdString(crypt), "--ds", fec ? "10" : "0",
                          "--ps", fec ? "3" : "0", "--smuxver", smux};
        if (!comp)
            flags << "--nocomp";
        const QString name = QStringLiteral("%1 fec%2 %3 v%4")
                                 .arg(QString::fromStdString(crypt), fec ? "10/3" : "0/0",
                                      comp ? "comp" : "nocomp", smux);
        QTest::addRow("ours->kcptun %s", qPrintable(name)) << true << flags;
        QTest::addRow("kcptun->ours %s", qPrintable(name)) << false << flags;
        ++i;
    }
}

void TestKcptunInterop::echo()
{
    QFETCH(bool, oursIsClient);
    QFETCH(QStringList, flags);
    EchoServer echo;
    const QString key = QStringLiteral("interop-key");
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(freeUdpPort());
    const QString target = QStringLiteral("127.0.0.1:%1").arg(echo.port());
    const QString local = QStringLiteral("127.0.0.1:%1").arg(freeTcpPort());
    const QStringList common = QStringList{"--key", key, "--quiet"} + flags;

    Child peer;
    std::unique_ptr<TunnelClient> ourClient;
    std::unique_ptr<TunnelServer> ourServer;
    quint16 entry = 0;
    QString error;
    if (oursIsClient)
    {
        peer.process->start(KcptunServer, QStringList{"-l", udp, "-t", target} + common);
        QVERIFY(peer.process->waitForStarted(5000));
        ourClient = std::make_unique<TunnelClient>(
            resolve(TunnelRole::Client, QStringList{"-l", local, "-r", udp} + common));
        QVERIFY2(ourClient->start(&error), qPrintable(error));
        entry = ourClient->port();
    }
    else
    {
        ourServer = std::make_unique<TunnelServer>(
            resolve(TunnelRole::Server, QStringList{"-l", udp, "-t", target} + common));
        QVERIFY2(ourServer->start(&error), qPrintable(error));
        peer.process->start(KcptunClient, QStringList{"-l", local, "-r", udp} + common);
        QVERIFY(peer.process->waitForStarted(5000));
        entry = quint16(local.section(':', 1).toUInt());
        QVERIFY2(waitForTcp(entry, 10000), peer.output().constData());
    }

    const QString problem = echoThrough(entry, TransferBytes);
    QVERIFY2(problem.isEmpty(), qPrintable(problem + "\n" + QString::fromLocal8Bit(peer.output())));
    QCOMPARE(peer.process->state(), QProcess::Running);  // kcptun did not die on our bytes
}

void TestKcptunInterop::smuxVersionMismatchFailsLoudly()
{
    // kcptun-client speaks smux v1 to our server configured for v2: our server must close the
    // session with a clear "invalid protocol" reason, the TCP connection must end (no hang),
    // and no byte may be delivered to the target.
    QTcpServer target;
    QVERIFY(target.listen(QHostAddress::LocalHost, 0));
    int targetConnections = 0;
    connect(&target, &QTcpServer::newConnection, this, [&] {
        while (target.nextPendingConnection())
            ++targetConnections;
    });
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(freeUdpPort());
    const QString local = QStringLiteral("127.0.0.1:%1").arg(freeTcpPort());
    const QStringList common{"--key", "k", "--crypt", "aes", "--nocomp", "--quiet"};

    TunnelServer server(resolve(TunnelRole::Server,
                                QStringList{"-l", udp, "-t",
                                            QStringLiteral("127.0.0.1:%1").arg(target.serverPort()),
                                            "--smuxver", "2"} +
                                    common));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QSignalSpy closed(&server, &TunnelServer::sessionClosed);

    Child peer;
    peer.process->start(KcptunClient, QStringList{"-l", local, "-r", udp, "--smuxver", "1"} +
                                          common);
    QVERIFY(peer.process->waitForStarted(5000));
    const quint16 entry = quint16(local.section(':', 1).toUInt());
    QVERIFY(waitForTcp(entry, 10000));

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, entry);
    QVERIFY(socket.waitForConnected(5000));
    socket.write("must never reach the target");
    QTRY_VERIFY_WITH_TIMEOUT(!closed.isEmpty(), 10000);
    const QString reason = closed.first().first().toString();
    QVERIFY2(reason.contains("invalid protocol") && reason.contains("smuxver"),
             qPrintable(reason));
    QCOMPARE(targetConnections, 0);
    QCOMPARE(server.sessionCount(), 0);
}

QTEST_GUILESS_MAIN(TestKcptunInterop)
#include "test_kcptun_interop.moc"
