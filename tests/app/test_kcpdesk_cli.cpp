// kcpdesk-cli as its users run it: the real executable, a server and a client process on
// 127.0.0.1 in front of a TCP echo target, and its answers to flags it must refuse.

#include "../tunnel/free_ports.h"
#include "../tunnel/tcp_echo_server.h"
#include "kcp/tunnel/snmp_logger.h"

#include <QCryptographicHash>
#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QUdpSocket>
#include <QtTest>

#include <memory>
#include <vector>

namespace
{

using tunneltest::freeTcpPort;
using tunneltest::freeUdpPort;

const QString CliPath = QStringLiteral(KCPDESK_CLI_PATH);

// Names of the process's threads (/proc/PID/task/*/comm).
QStringList threadNames(qint64 pid)
{
    QStringList names;
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString& task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
    {
        QFile comm(tasks.filePath(task) + QStringLiteral("/comm"));
        if (comm.open(QIODevice::ReadOnly))
            names << QString::fromUtf8(comm.readAll()).trimmed();
    }
    return names;
}

struct Cli
{
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();

    void start(const QStringList& arguments)
    {
        process->setProcessChannelMode(QProcess::MergedChannels);
        process->start(CliPath, arguments);
    }
    ~Cli()
    {
        if (process->state() != QProcess::NotRunning)
        {
            process->kill();
            process->waitForFinished(5000);
        }
    }
};

// One TCP connection through the tunnel: sends `data`, collects the echo.
struct EchoStream
{
    QTcpSocket socket;
    QByteArray sent;
    QByteArray received;
};

} // namespace

class TestKcpdeskCli : public QObject
{
    Q_OBJECT

private slots:
    void carriesStreamsIntact_data();
    void carriesStreamsIntact();
    void refusesBadFlags_data();
    void refusesBadFlags();
    void adviseNamesASilentServer();
    void snmplogReportsAndWritesRates();
};

void TestKcpdeskCli::carriesStreamsIntact_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<QString>("crypt");
    QTest::newRow("KCP on the main thread") << 0 << "aes";
    QTest::newRow("one worker thread") << 1 << "salsa20";
    QTest::newRow("two worker threads") << 2 << "aes-128";
}

void TestKcpdeskCli::carriesStreamsIntact()
{
    QFETCH(int, workers);
    QFETCH(QString, crypt);
    tunneltest::TcpEchoServer echo;
    QVERIFY(echo.isListening());
    const quint16 kcpPort = freeUdpPort();
    const quint16 localPort = freeTcpPort();
    const QStringList common{"--key",  "cli test", "--crypt",   crypt, "--workers",
                             QString::number(workers), "--quiet", "--mode", "fast"};

    Cli server;
    server.start(QStringList{"server", "-l", QStringLiteral("127.0.0.1:%1").arg(kcpPort), "-t",
                             QStringLiteral("127.0.0.1:%1").arg(echo.port())} +
                 common);
    Cli client;
    client.start(QStringList{"client", "-l", QStringLiteral("127.0.0.1:%1").arg(localPort), "-r",
                             QStringLiteral("127.0.0.1:%1").arg(kcpPort), "--conn", "2"} +
                 common);
    QVERIFY(server.process->waitForStarted(5000));
    QVERIFY(client.process->waitForStarted(5000));

    // Four streams at once, 2 MB each, over the client's two KCP sessions.
    constexpr int Streams = 4;
    constexpr int Bytes = 2 << 20;
    std::vector<std::unique_ptr<EchoStream>> streams;
    for (int i = 0; i < Streams; ++i)
    {
        auto stream = std::make_unique<EchoStream>();
        stream->sent.resize(Bytes);
        QRandomGenerator(quint32(i + 1))
            .fillRange(reinterpret_cast<quint32*>(stream->sent.data()), Bytes / 4);
        EchoStream* s = stream.get();
        connect(&s->socket, &QTcpSocket::readyRead, &s->socket,
                [s] { s->received += s->socket.readAll(); });
        // The client listens once its configuration is read: retry until it does.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&]
            {
                s->socket.abort();
                s->socket.connectToHost(QHostAddress::LocalHost, localPort);
                return s->socket.waitForConnected(500);
            }(),
            10000);
        s->socket.write(s->sent);
        streams.push_back(std::move(stream));
    }
    for (const auto& s : streams)
    {
        QTRY_VERIFY_WITH_TIMEOUT(s->received.size() >= Bytes, 60000);
        QCOMPARE(QCryptographicHash::hash(s->received, QCryptographicHash::Sha256),
                 QCryptographicHash::hash(s->sent, QCryptographicHash::Sha256));
    }

    // --workers decides where KCP runs: N threads named kcp-worker-*, or none at all.
    for (const Cli* end : {&server, &client})
    {
        const QStringList names = threadNames(end->process->processId());
        QCOMPARE(names.filter(QStringLiteral("kcp-worker")).size(), workers);
    }

    // SIGTERM ends both cleanly, as kcptun's users stop it.
    for (Cli* end : {&client, &server})
    {
        end->process->terminate();
        QVERIFY(end->process->waitForFinished(10000));
        QCOMPARE(end->process->exitStatus(), QProcess::NormalExit);
        QCOMPARE(end->process->exitCode(), 0);
    }
}

void TestKcpdeskCli::refusesBadFlags_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("message");
    QTest::newRow("negative workers") << QStringList{"--workers", "-1"}
                                      << "--workers must be 0..64 threads, got -1";
    QTest::newRow("too many workers") << QStringList{"--workers", "65"}
                                      << "--workers must be 0..64 threads, got 65";
    QTest::newRow("coalescing too long") << QStringList{"--rxcoalesce", "11"}
                                         << "--rxcoalesce must be 0..10 ms, got 11";
    QTest::newRow("workers not a number")
        << QStringList{"--workers", "all"} << "invalid value \"all\" for flag -workers";
    QTest::newRow("unknown crypt") << QStringList{"--crypt", "rot13"}
                                   << "--crypt: unknown method \"rot13\"";
    QTest::newRow("unknown flag") << QStringList{"--turbo"} << "flag provided but not defined";
}

void TestKcpdeskCli::refusesBadFlags()
{
    QFETCH(QStringList, flags);
    QFETCH(QString, message);
    for (const char* role : {"client", "server"})
    {
        Cli cli;
        cli.start(QStringList{QString::fromLatin1(role)} + flags);
        QVERIFY(cli.process->waitForFinished(10000));
        QCOMPARE(cli.process->exitStatus(), QProcess::NormalExit);
        QCOMPARE(cli.process->exitCode(), 2);
        const QString output = QString::fromUtf8(cli.process->readAll());
        QVERIFY2(output.contains(message), qPrintable(output));
    }
}

// --advise against a real kcpdesk-cli server with another key: the server drops every datagram
// without a reply, and after 10 s of that the client's log says what may be wrong.
void TestKcpdeskCli::adviseNamesASilentServer()
{
    tunneltest::TcpEchoServer echo;
    QVERIFY(echo.isListening());
    const quint16 kcpPort = freeUdpPort();
    const quint16 localPort = freeTcpPort();
    const QString remote = QStringLiteral("127.0.0.1:%1").arg(kcpPort);
    Cli server;
    server.start({"server", "-l", remote, "-t", QStringLiteral("127.0.0.1:%1").arg(echo.port()),
                  "--key", "the server's key", "--quiet"});
    Cli client;
    client.start({"client", "-l", QStringLiteral("127.0.0.1:%1").arg(localPort), "-r", remote,
                  "--key", "a different key", "--quiet", "--advise"});
    QVERIFY(server.process->waitForStarted(5000));
    QVERIFY(client.process->waitForStarted(5000));
    QTcpSocket socket;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&]
        {
            socket.abort();
            socket.connectToHost(QHostAddress::LocalHost, localPort);
            return socket.waitForConnected(500);
        }(),
        10000);
    socket.write(QByteArray(8192, 'x'));
    QByteArray log;
    QTRY_VERIFY_WITH_TIMEOUT(
        (log += client.process->readAll(), log.contains("advice: No answer from the server")),
        25000);
    QVERIFY2(log.contains(remote.toUtf8()) && log.contains("key"), log.constData());
    QCOMPARE(socket.bytesAvailable(), 0);
}

QTEST_GUILESS_MAIN(TestKcpdeskCli)
// kcpdesk-cli snmplog on a log in kcptun's layout (written by our SnmpLogger's functions, which
// test_kcptun_interop checks against the real kcptun's): the report, the per-interval CSV, and
// clear failures for a missing file, a file that is no log and a bad option.
void TestKcpdeskCli::snmplogReportsAndWritesRates()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString logPath = dir.filePath(QStringLiteral("snmp-20261128.log"));
    {
        QFile log(logPath);
        QVERIFY(log.open(QIODevice::WriteOnly));
        QByteArray text = kcp::tunnel::kcptunSnmpHeader().toUtf8() + '\n';
        kcp::SnmpCounters c;
        for (int i = 0; i < 4; ++i)
        {
            text += kcp::tunnel::kcptunSnmpRow(c, 1795800000 + 5 * i).toUtf8() + '\n';
            c.BytesSent += 5'000'000;
            c.OutBytes += 6'000'000;
            c.OutSegs += 4000;
            c.RetransSegs += 40;
            c.FECParityShards += 1000;
            c.FECRecovered += 30;
        }
        QVERIFY(log.write(text) == text.size());
    }
    const QString csvPath = dir.filePath(QStringLiteral("rates.csv"));
    Cli cli;
    cli.start({"snmplog", "--csv", csvPath, logPath});
    QVERIFY(cli.process->waitForFinished(10000));
    const QString output = QString::fromUtf8(cli.process->readAll());
    QCOMPARE(cli.process->exitCode(), 0);
    QVERIFY2(output.contains(QStringLiteral("4 rows")), qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("1.00 % of the 12000 segments sent")),
             qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("1.20x the application data sent")),
             qPrintable(output));
    QVERIFY(output.contains(QStringLiteral("3000 parity shards received, 90 data shards rebuilt")));
    QVERIFY(output.contains(QStringLiteral("wrote 3 interval(s)")));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 4);                                      // header + 3 intervals
    QVERIFY2(lines[1].contains(",8000000,"), lines[1].constData()); // 5 MB / 5 s as bit/s

    Cli missing;
    missing.start({"snmplog", dir.filePath(QStringLiteral("none.log"))});
    QVERIFY(missing.process->waitForFinished(10000));
    QCOMPARE(missing.process->exitCode(), 1);
    QVERIFY(QString::fromUtf8(missing.process->readAll()).contains(QStringLiteral("cannot read")));

    Cli notALog;
    notALog.start({"snmplog", csvPath});
    QVERIFY(notALog.process->waitForFinished(10000));
    QCOMPARE(notALog.process->exitCode(), 1);
    QVERIFY(QString::fromUtf8(notALog.process->readAll())
                .contains(QStringLiteral("not a kcptun --snmplog file")));

    Cli badOption;
    badOption.start({"snmplog", "--fast", logPath});
    QVERIFY(badOption.process->waitForFinished(10000));
    QCOMPARE(badOption.process->exitCode(), 2);
}

#include "test_kcpdesk_cli.moc"
