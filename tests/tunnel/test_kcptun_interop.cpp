// The tunnel against Debian's real kcptun 20210922 binaries, on 127.0.0.1 only:
//   our TunnelClient -> kcptun-server -> TCP echo (in this process)
//   kcptun-client -> our TunnelServer -> TCP echo
// for every crypt kcptun has, FEC 10/3 and 0/0, compression on and off, smux v1 and v2; 1 MiB
// each way per case, compared by SHA-256. Plus a smux version mismatch that must fail loudly.
// Skipped when the kcptun package is not installed. Every child process is killed at the end.

#include "kcp/net/worker_pool.h"
#include "kcp/packet_crypto.h"
#include "kcp/tunnel/smux_connection.h"
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
constexpr int TransferTimeoutMs = 30000;

// Bytes each way per case: 32 MiB (the bar), or KCPDESK_INTEROP_BYTES for a quick run.
qint64 transferBytes()
{
    bool ok = false;
    const qint64 n = qEnvironmentVariable("KCPDESK_INTEROP_BYTES").toLongLong(&ok);
    return ok && n > 0 ? n : qint64(32) << 20;
}

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

// Sends `streams` connections' worth of n random bytes each through port at the same time and
// expects every byte back on the connection it went out on; returns "" or what went wrong.
QString echoThrough(quint16 port, qint64 n, int streams = 1)
{
    struct Flow
    {
        std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
        QByteArray data;
        qint64 sent = 0;
        QCryptographicHash received{QCryptographicHash::Sha256};
        qint64 receivedBytes = 0;
    };
    std::vector<Flow> flows(static_cast<std::size_t>(streams));
    QRandomGenerator rng(quint32(port) * 7919u);
    for (Flow& f : flows)
    {
        f.data.resize(n);
        for (qint64 i = 0; i < n; ++i)
            f.data[i] = char(rng.generate());
        QTcpSocket* s = f.socket.get();
        s->connectToHost(QHostAddress::LocalHost, port);
        // Keep at most 1 MiB queued in Qt per connection so 32 MiB cases stay bounded.
        auto feed = [&f, s] {
            while (f.sent < f.data.size() && s->bytesToWrite() < (1 << 20))
            {
                const qint64 chunk = std::min<qint64>(256 * 1024, f.data.size() - f.sent);
                f.sent += s->write(f.data.constData() + f.sent, chunk);
            }
        };
        QObject::connect(s, &QTcpSocket::connected, s, feed);
        QObject::connect(s, &QTcpSocket::bytesWritten, s, feed);
        QObject::connect(s, &QTcpSocket::readyRead, s, [&f, s] {
            const QByteArray chunk = s->readAll();
            f.received.addData(chunk);
            f.receivedBytes += chunk.size();
        });
    }
    const qint64 timeoutMs = TransferTimeoutMs + n * streams / 20000;  // >= 20 MB/s or fail
    QElapsedTimer timer;
    timer.start();
    auto done = [&] {
        return std::all_of(flows.begin(), flows.end(),
                           [n](const Flow& f) { return f.receivedBytes >= n; });
    };
    auto broken = [&] {
        return std::any_of(flows.begin(), flows.end(), [](const Flow& f) {
            return f.socket->state() == QAbstractSocket::UnconnectedState &&
                   f.socket->error() != QAbstractSocket::UnknownSocketError;
        });
    };
    while (!done() && !broken() && timer.elapsed() < timeoutMs)
        QTest::qWait(5);
    for (std::size_t i = 0; i < flows.size(); ++i)
    {
        Flow& f = flows[i];
        if (f.receivedBytes != n)
            return QStringLiteral("stream %1: received %2 of %3 bytes after %4 ms (%5)")
                .arg(i)
                .arg(f.receivedBytes)
                .arg(n)
                .arg(timer.elapsed())
                .arg(f.socket->errorString());
        if (f.received.result() != QCryptographicHash::hash(f.data, QCryptographicHash::Sha256))
            return QStringLiteral("stream %1: sha256 differs").arg(i);
    }
    return {};
}

// A UDP relay on 127.0.0.1 between one KCP client and its server that drops a share of the
// datagrams in each direction (seeded, so a failure reproduces).
class LossyRelay : public QObject
{
public:
    LossyRelay(quint16 serverPort, double loss)
        : m_serverPort(serverPort)
        , m_loss(loss)
    {
        m_front.bind(QHostAddress::LocalHost, 0);
        m_back.bind(QHostAddress::LocalHost, 0);
        connect(&m_front, &QUdpSocket::readyRead, this, [this] {
            while (m_front.hasPendingDatagrams())
            {
                QHostAddress from;
                quint16 port = 0;
                QByteArray d(int(m_front.pendingDatagramSize()), Qt::Uninitialized);
                m_front.readDatagram(d.data(), d.size(), &from, &port);
                m_clientPort = port;
                if (!drop())
                    m_back.writeDatagram(d, QHostAddress::LocalHost, m_serverPort);
            }
        });
        connect(&m_back, &QUdpSocket::readyRead, this, [this] {
            while (m_back.hasPendingDatagrams())
            {
                QByteArray d(int(m_back.pendingDatagramSize()), Qt::Uninitialized);
                m_back.readDatagram(d.data(), d.size());
                if (m_clientPort && !drop())
                    m_front.writeDatagram(d, QHostAddress::LocalHost, m_clientPort);
            }
        });
    }
    quint16 port() const { return m_front.localPort(); }
    quint64 dropped() const { return m_dropped; }
    quint64 relayed() const { return m_relayed; }

private:
    bool drop()
    {
        const bool d = m_rng.generateDouble() < m_loss;
        (d ? m_dropped : m_relayed)++;
        return d;
    }

    QUdpSocket m_front;  // the client talks to this
    QUdpSocket m_back;   // the server sees this
    quint16 m_serverPort;
    quint16 m_clientPort = 0;
    double m_loss;
    QRandomGenerator m_rng{20260301};
    quint64 m_dropped = 0;
    quint64 m_relayed = 0;
};

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

// `streams` connections through port, each doing `rounds` 64-byte request/response round trips
// one at a time (interactive traffic: thin flights); returns "" or what went wrong.
QString pingPongThrough(quint16 port, int streams, int rounds)
{
    struct Flow
    {
        std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
        QByteArray request;
        QByteArray reply;
        int done = 0;
    };
    std::vector<Flow> flows(static_cast<std::size_t>(streams));
    QRandomGenerator rng(quint32(port) * 31u);
    const auto next = [&rng](Flow& f) {
        f.request.resize(64);
        for (char& c : f.request)
            c = char(rng.generate());
        f.reply.clear();
        f.socket->write(f.request);
    };
    QString problem;
    for (Flow& f : flows)
    {
        QTcpSocket* s = f.socket.get();
        QObject::connect(s, &QTcpSocket::connected, s, [&f, &next] { next(f); });
        QObject::connect(s, &QTcpSocket::readyRead, s, [&f, &next, &problem, s, rounds] {
            f.reply += s->readAll();
            if (f.reply.size() < f.request.size())
                return;
            if (f.reply != f.request)
                problem = QStringLiteral("round trip %1 came back different").arg(f.done);
            else if (++f.done < rounds)
                next(f);
        });
        s->connectToHost(QHostAddress::LocalHost, port);
    }
    QElapsedTimer timer;
    timer.start();
    const auto finished = [&] {
        return std::all_of(flows.begin(), flows.end(),
                           [rounds](const Flow& f) { return f.done >= rounds; });
    };
    while (!finished() && problem.isEmpty() && timer.elapsed() < TransferTimeoutMs)
        QTest::qWait(5);
    if (!problem.isEmpty())
        return problem;
    for (std::size_t i = 0; i < flows.size(); ++i)
        if (flows[i].done < rounds)
            return QStringLiteral("stream %1: %2 of %3 round trips after %4 ms (%5)")
                .arg(i)
                .arg(flows[i].done)
                .arg(rounds)
                .arg(timer.elapsed())
                .arg(flows[i].socket->errorString());
    return {};
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
    void wrongKeyAtOurClientFailsFast();
    void wrongKeyAtOurServerIsCounted();
    void fecMismatchIsReportedAndDataIntact();
    void thinRedundancyCopiesAreAcceptedByKcptun_data();
    void thinRedundancyCopiesAreAcceptedByKcptun();
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
    QTest::addColumn<int>("streams");
    QTest::addColumn<double>("loss");
    QTest::addColumn<qint64>("bytes");  // per stream; 0 = transferBytes()

    // The reference case (wire-compat.md 9) in both directions.
    const QStringList reference{"--crypt", "aes", "--ds", "10", "--ps", "3", "--nocomp",
                                "--smuxver", "1"};
    QTest::newRow("ours->kcptun aes fec10/3 nocomp v1") << true << reference << 1 << 0.0
                                                        << qint64(0);
    QTest::newRow("kcptun->ours aes fec10/3 nocomp v1") << false << reference << 1 << 0.0
                                                        << qint64(0);
    // 100 concurrent streams on one session, 32 MiB in all.
    const QStringList many{"--crypt", "aes", "--ds", "10", "--ps", "3", "--smuxver", "2"};
    QTest::newRow("ours->kcptun 100 streams v2 comp") << true << many << 100 << 0.0
                                                     << qint64(-100);
    QTest::newRow("kcptun->ours 100 streams v2 comp") << false << many << 100 << 0.0
                                                     << qint64(-100);
    // 5 % of the datagrams dropped each way: FEC and ARQ must deliver every byte intact.
    const QStringList lossy{"--crypt", "aes", "--ds", "10", "--ps", "3", "--mode", "fast3",
                            "--nocomp"};
    QTest::newRow("ours->kcptun 5% loss") << true << lossy << 1 << 0.05 << qint64(8 << 20);
    QTest::newRow("kcptun->ours 5% loss") << false << lossy << 1 << 0.05 << qint64(8 << 20);

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
        QTest::addRow("ours->kcptun %s", qPrintable(name)) << true << flags << 1 << 0.0
                                                           << qint64(0);
        QTest::addRow("kcptun->ours %s", qPrintable(name)) << false << flags << 1 << 0.0
                                                           << qint64(0);
        ++i;
    }
}

void TestKcptunInterop::echo()
{
    QFETCH(bool, oursIsClient);
    QFETCH(QStringList, flags);
    QFETCH(int, streams);
    QFETCH(double, loss);
    QFETCH(qint64, bytes);
    // 0: the full amount on one stream; -k: the full amount spread over k streams.
    bytes = bytes == 0 ? transferBytes() : bytes < 0 ? transferBytes() / -bytes : bytes;
    EchoServer echo;
    const QString key = QStringLiteral("interop-key");
    const quint16 serverPort = freeUdpPort();
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(serverPort);
    std::unique_ptr<LossyRelay> relay;
    if (loss > 0)
        relay = std::make_unique<LossyRelay>(serverPort, loss);
    // The client dials the relay when there is one.
    const QString remote = relay ? QStringLiteral("127.0.0.1:%1").arg(relay->port()) : udp;
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
            resolve(TunnelRole::Client, QStringList{"-l", local, "-r", remote} + common));
        QVERIFY2(ourClient->start(&error), qPrintable(error));
        entry = ourClient->port();
    }
    else
    {
        ourServer = std::make_unique<TunnelServer>(
            resolve(TunnelRole::Server, QStringList{"-l", udp, "-t", target} + common));
        QVERIFY2(ourServer->start(&error), qPrintable(error));
        peer.process->start(KcptunClient, QStringList{"-l", local, "-r", remote} + common);
        QVERIFY(peer.process->waitForStarted(5000));
        entry = quint16(local.section(':', 1).toUInt());
        QVERIFY2(waitForTcp(entry, 10000), peer.output().constData());
    }

    QElapsedTimer timer;
    timer.start();
    const QString problem = echoThrough(entry, bytes, streams);
    QVERIFY2(problem.isEmpty(), qPrintable(problem + "\n" + QString::fromLocal8Bit(peer.output())));
    const double seconds = double(timer.elapsed()) / 1000.0;
    qInfo("%lld bytes x %d stream(s) echoed in %.2f s (%.1f MB/s each way)%s", bytes, streams,
          seconds, double(bytes) * streams / seconds / 1e6,
          relay ? qPrintable(QStringLiteral(", relay dropped %1 of %2 datagrams")
                                 .arg(relay->dropped())
                                 .arg(relay->dropped() + relay->relayed()))
                : "");
    if (relay)
        QVERIFY(relay->dropped() > 0);
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

void TestKcptunInterop::wrongKeyAtOurClientFailsFast()
{
    // kcptun-server silently drops datagrams it cannot authenticate; our client must not hang
    // on that: it closes the session with a reason, and the TCP connection is reset.
    EchoServer echo;
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(freeUdpPort());
    Child peer;
    peer.process->start(KcptunServer,
                        {"-l", udp, "-t", QStringLiteral("127.0.0.1:%1").arg(echo.port()), "--key",
                         "server-key", "--crypt", "aes", "--quiet"});
    QVERIFY(peer.process->waitForStarted(5000));
    TunnelClient client(resolve(TunnelRole::Client,
                                {"-l", QStringLiteral("127.0.0.1:%1").arg(freeTcpPort()), "-r", udp,
                                 "--key", "client-key", "--crypt", "aes", "--quiet"}));
    QString error;
    QVERIFY2(client.start(&error), qPrintable(error));
    QSignalSpy closed(&client, &TunnelClient::sessionClosed);

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, client.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(QByteArray(100000, 'x'));
    QByteArray received;
    connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
    QTRY_VERIFY_WITH_TIMEOUT(!closed.isEmpty(), SmuxConnection::NoAnswerTimeoutMs + 5000);
    const QString reason = closed.first().first().toString();
    QVERIFY2(reason.contains("no authentic datagram") && reason.contains("--key"),
             qPrintable(reason));
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(received.isEmpty());
}

void TestKcptunInterop::wrongKeyAtOurServerIsCounted()
{
    QTcpServer target;
    QVERIFY(target.listen(QHostAddress::LocalHost, 0));
    int targetConnections = 0;
    connect(&target, &QTcpServer::newConnection, this, [&] {
        while (target.nextPendingConnection())
            ++targetConnections;
    });
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(freeUdpPort());
    const QString local = QStringLiteral("127.0.0.1:%1").arg(freeTcpPort());
    TunnelServer server(resolve(TunnelRole::Server,
                                {"-l", udp, "-t",
                                 QStringLiteral("127.0.0.1:%1").arg(target.serverPort()), "--key",
                                 "server-key", "--quiet"}));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QSignalSpy failures(&server, &TunnelServer::authenticationFailures);

    Child peer;
    peer.process->start(KcptunClient, {"-l", local, "-r", udp, "--key", "client-key", "--quiet"});
    QVERIFY(peer.process->waitForStarted(5000));
    const quint16 entry = quint16(local.section(':', 1).toUInt());
    QVERIFY(waitForTcp(entry, 10000));
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, entry);
    QVERIFY(socket.waitForConnected(5000));
    socket.write("never delivered");
    QTRY_VERIFY_WITH_TIMEOUT(!failures.isEmpty(), 10000);
    QVERIFY(failures.first().first().toULongLong() > 0);
    QVERIFY(kcp::net::WorkerPool::instance()->collect().InCsumErrors > 0);
    QCOMPARE(server.sessionCount(), 0);
    QCOMPARE(targetConnections, 0);
}

void TestKcptunInterop::fecMismatchIsReportedAndDataIntact()
{
    // kcptun-client with FEC 3/2 against our server with 10/3: our decoder sees shards that do
    // not fit 10/3, counts them, never "recovers" with the wrong geometry, and the bytes arrive
    // intact through ARQ.
    EchoServer echo;
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(freeUdpPort());
    const QString local = QStringLiteral("127.0.0.1:%1").arg(freeTcpPort());
    TunnelServer server(resolve(TunnelRole::Server,
                                {"-l", udp, "-t", QStringLiteral("127.0.0.1:%1").arg(echo.port()),
                                 "--key", "k", "--ds", "10", "--ps", "3", "--nocomp", "--quiet"}));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    Child peer;
    peer.process->start(KcptunClient, {"-l", local, "-r", udp, "--key", "k", "--ds", "3", "--ps",
                                       "2", "--nocomp", "--quiet"});
    QVERIFY(peer.process->waitForStarted(5000));
    const quint16 entry = quint16(local.section(':', 1).toUInt());
    QVERIFY(waitForTcp(entry, 10000));
    const QString problem = echoThrough(entry, 4 << 20);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    auto mismatches = [&] {
        quint64 n = 0;
        for (const auto& s : server.snapshot().sessions)
            n += s.kcp.counters.FECGeometryMismatch;
        return n;
    };
    QTRY_VERIFY_WITH_TIMEOUT(mismatches() > 0, 5000);
}

void TestKcptunInterop::thinRedundancyCopiesAreAcceptedByKcptun_data()
{
    QTest::addColumn<bool>("oursIsClient");
    QTest::newRow("ours->kcptun") << true;
    QTest::newRow("kcptun->ours") << false;
}

// Our copies of thin flights (--thinredundancy, fixed at 3 here so they certainly happen) are
// plain repeated KCP segments to kcptun: it must ACK them, deliver each byte once, and live on.
void TestKcptunInterop::thinRedundancyCopiesAreAcceptedByKcptun()
{
    QFETCH(bool, oursIsClient);
    EchoServer echo;
    const quint16 serverPort = freeUdpPort();
    LossyRelay relay(serverPort, 0.10);
    const QString remote = QStringLiteral("127.0.0.1:%1").arg(relay.port());
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(serverPort);
    const QString target = QStringLiteral("127.0.0.1:%1").arg(echo.port());
    const QString local = QStringLiteral("127.0.0.1:%1").arg(freeTcpPort());
    const QStringList common{"--key", "thin", "--quiet", "--crypt", "aes", "--ds", "0", "--ps",
                             "0", "--nocomp", "--mode", "fast"};
    const QStringList ours{"--thinredundancy", "3"};

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
            resolve(TunnelRole::Client, QStringList{"-l", local, "-r", remote} + common + ours));
        QVERIFY2(ourClient->start(&error), qPrintable(error));
        entry = ourClient->port();
    }
    else
    {
        ourServer = std::make_unique<TunnelServer>(
            resolve(TunnelRole::Server, QStringList{"-l", udp, "-t", target} + common + ours));
        QVERIFY2(ourServer->start(&error), qPrintable(error));
        peer.process->start(KcptunClient, QStringList{"-l", local, "-r", remote} + common);
        QVERIFY(peer.process->waitForStarted(5000));
        entry = quint16(local.section(':', 1).toUInt());
        QVERIFY2(waitForTcp(entry, 10000), peer.output().constData());
    }

    const QString problem = pingPongThrough(entry, 4, 150);
    QVERIFY2(problem.isEmpty(), qPrintable(problem + "\n" + QString::fromLocal8Bit(peer.output())));
    QVERIFY(relay.dropped() > 0);
    // The worker publishes stats about once a second.
    quint64 copies = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const TunnelSnapshot snap = oursIsClient ? ourClient->snapshot() : ourServer->snapshot();
            copies = 0;
            for (const TunnelSessionSnapshot& session : snap.sessions)
                copies += session.kcp.counters.RedundantSegs;
            return copies > 0;
        }(),
        5000);
    qInfo("600 round trips, %llu copies sent, relay dropped %llu of %llu datagrams",
          static_cast<unsigned long long>(copies), static_cast<unsigned long long>(relay.dropped()),
          static_cast<unsigned long long>(relay.dropped() + relay.relayed()));
    QCOMPARE(peer.process->state(), QProcess::Running);
}

QTEST_GUILESS_MAIN(TestKcptunInterop)
#include "test_kcptun_interop.moc"
