// The Tunnel facade end to end on 127.0.0.1, our client against our server (no kcptun needed):
// start/stop from config values, state signals, snapshots, data intact through compression and
// smux v2, a unix-socket target (a path, and Linux's abstract "@name"), and refusing bad configs
// and busy ports with a reason and the socket error a supervisor decides by; renewing a client's
// sessions (after a network change) while its old streams go on until scavengettl.

#include "event_loop.h"
#include "free_ports.h"
#include "kcp/tunnel/kcptun_command_line.h"
#include "kcp/tunnel/tunnel.h"
#include "resolve_test_config.h"
#include "tcp_echo_server.h"

#include <QCryptographicHash>
#include <QLocalServer>
#include <QLocalSocket>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUdpSocket>
#include <QtTest>

#include <sys/ioctl.h>

using namespace kcp::tunnel;

namespace
{

using tunneltest::resolve;
using tunneltest::runEventLoopFor;
using tunneltest::runEventLoopUntil;

} // namespace

class TestTunnelLoopback : public QObject
{
    Q_OBJECT

private slots:
    void echoThroughOurOwnPair();
    void stallingTargetGetsEveryByte();
    void refusesBadConfigAndBusyPort();
    void renewedSessionsTakeNewConnections();
    void unixSocketTarget_data();
    void unixSocketTarget();
};

void TestTunnelLoopback::echoThroughOurOwnPair()
{
    tunneltest::TcpEchoServer echo;
    QVERIFY(echo.isListening());
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(tunneltest::freeUdpPort());
    const QStringList common{"--key", "loop", "--crypt", "salsa20", "--smuxver", "2", "--quiet"};

    Tunnel server;
    QSignalSpy serverState(&server, &Tunnel::stateChanged);
    QVERIFY2(server.start(resolve(TunnelRole::Server,
                                  QStringList{"-l", udp, "-t",
                                              QStringLiteral("127.0.0.1:%1").arg(echo.port())} +
                                      common)),
             qPrintable(server.errorString()));
    QCOMPARE(server.state(), Tunnel::State::Running);
    QCOMPARE(serverState.size(), 1);

    Tunnel client;
    client.setSnapshotInterval(100);
    QVERIFY2(client.start(resolve(TunnelRole::Client,
                                  QStringList{"-l", "127.0.0.1:0", "-r", udp, "--conn", "2"} +
                                      common)),
             qPrintable(client.errorString()));
    QVERIFY(client.port() != 0);

    // Two connections (round robin over --conn 2), 2 MiB each, echoed intact.
    QByteArray data(2 << 20, Qt::Uninitialized);
    for (int i = 0; i < data.size(); ++i)
        data[i] = char(i * 131 + (i >> 9));
    QTcpSocket a, b;
    QByteArray gotA, gotB;
    for (auto [socket, got] : {std::pair{&a, &gotA}, std::pair{&b, &gotB}})
    {
        socket->connectToHost(QHostAddress::LocalHost, client.port());
        QVERIFY(socket->waitForConnected(3000));
        connect(socket, &QTcpSocket::readyRead, this, [socket, got] { *got += socket->readAll(); });
        socket->write(data);
    }
    QTRY_VERIFY_WITH_TIMEOUT(gotA.size() == data.size() && gotB.size() == data.size(), 30000);
    QCOMPARE(QCryptographicHash::hash(gotA, QCryptographicHash::Sha256),
             QCryptographicHash::hash(data, QCryptographicHash::Sha256));
    QCOMPARE(gotB, data);

    QSignalSpy snapshots(&client, &Tunnel::snapshotUpdated);
    QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty(), 3000);
    const TunnelSnapshot s = client.snapshot();
    QCOMPARE(int(s.sessions.size()), 2);
    for (const auto& session : s.sessions)
        QCOMPARE(session.smux.streams, std::size_t(1));
    QTRY_VERIFY_WITH_TIMEOUT(client.snapshot().snmp.BytesSent > 0, 3000);

    client.stop();
    QCOMPARE(client.state(), Tunnel::State::Stopped);
    QTRY_COMPARE_WITH_TIMEOUT(a.state(), QAbstractSocket::UnconnectedState, 5000);
    server.stop();
}

void TestTunnelLoopback::stallingTargetGetsEveryByte()
{
    // The target stops reading, then reads in small bursts with pauses: the server's writes to it
    // go to the kernel until it refuses, then wait in Qt's buffer, then in smux and the KCP
    // window, and go straight to the kernel again once it drains, many times over. Every byte
    // must arrive once and in order.
    QTcpServer target;
    QVERIFY(target.listen(QHostAddress::LocalHost, 0));
    QTcpSocket* sink = nullptr;
    connect(&target, &QTcpServer::newConnection, this, [&] {
        sink = target.nextPendingConnection();
        sink->setReadBufferSize(64 * 1024);  // so that the kernel's buffers fill, not Qt's
    });
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(tunneltest::freeUdpPort());
    const QStringList common{"--key", "stall", "--crypt", "none", "--nocomp", "--quiet"};
    Tunnel server;
    QVERIFY2(server.start(resolve(TunnelRole::Server,
                                  QStringList{"-l", udp, "-t",
                                              QStringLiteral("127.0.0.1:%1")
                                                  .arg(target.serverPort())} +
                                      common)),
             qPrintable(server.errorString()));
    Tunnel client;
    QVERIFY2(client.start(resolve(TunnelRole::Client,
                                  QStringList{"-l", "127.0.0.1:0", "-r", udp} + common)),
             qPrintable(client.errorString()));

    // More than every buffer on the way holds together (the tunnel's own, the KCP windows and
    // TCP's at both ends, whatever the kernel's autotuning makes of them).
    QByteArray data(24 << 20, Qt::Uninitialized);
    for (int i = 0; i < data.size(); ++i)
        data[i] = char(i * 7 + (i >> 13));
    QTcpSocket source;
    source.connectToHost(QHostAddress::LocalHost, client.port());
    QVERIFY(source.waitForConnected(3000));
    source.write(data);
    QTRY_VERIFY_WITH_TIMEOUT(sink != nullptr, 5000);

    // Stalled: the data backs up into the kernel's buffers for the sink, and all the way back to
    // the source, so the server's writes to the sink were refused.
    runEventLoopFor(1000);
    int waitingInKernel = 0;
    QCOMPARE(::ioctl(int(sink->socketDescriptor()), FIONREAD, &waitingInKernel), 0);
    QVERIFY2(waitingInKernel >= 64 * 1024, qPrintable(QString::number(waitingInKernel)));
    QVERIFY2(source.bytesToWrite() > 0, "the source was never held back");

    // Then it reads for 10 ms, stops for 10 ms, and so on.
    QByteArray got;
    bool reading = false;
    const auto take = [&] {
        if (reading)
            got += sink->readAll();
    };
    connect(sink, &QTcpSocket::readyRead, this, take);
    QTimer drain;
    connect(&drain, &QTimer::timeout, this, [&] {
        reading = !reading;
        take();
    });
    drain.start(10);
    QVERIFY(runEventLoopUntil([&] { return got.size() >= data.size(); }, 30000));
    drain.stop();
    QCOMPARE(got.size(), data.size());
    QVERIFY(got == data);
    client.stop();
    server.stop();
}

void TestTunnelLoopback::refusesBadConfigAndBusyPort()
{
    Tunnel t;
    KcptunConfig bad = KcptunConfig::defaults(TunnelRole::Client);
    bad.crypt = "rot13";
    QVERIFY(!t.start(bad));
    QCOMPARE(t.state(), Tunnel::State::Failed);
    QVERIFY(t.errorString().contains("rot13"));
    QCOMPARE(t.startSocketError(), QAbstractSocket::UnknownSocketError);

    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    KcptunConfig c = resolve(TunnelRole::Client,
                             {"-l", QStringLiteral("127.0.0.1:%1").arg(busy.serverPort()), "-r",
                              "127.0.0.1:9"});
    QVERIFY(!t.start(c));
    QVERIFY2(t.errorString().contains("cannot listen"), qPrintable(t.errorString()));
    QCOMPARE(t.startSocketError(), QAbstractSocket::AddressInUseError);

    // A server's UDP port in use, on both I/O backends.
    QUdpSocket busyUdp;
    QVERIFY(busyUdp.bind(QHostAddress::LocalHost, 0, QAbstractSocket::DontShareAddress));
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(busyUdp.localPort());
    for (const char* backend : {"qt", "mmsg"})
    {
        qputenv("KCPDESK_IO", backend);
        QVERIFY(!t.start(resolve(TunnelRole::Server, {"-l", udp, "-t", "127.0.0.1:9"})));
        QVERIFY2(t.errorString().contains(udp.section(':', 1)), qPrintable(t.errorString()));
        QCOMPARE(t.startSocketError(), QAbstractSocket::AddressInUseError);
    }
    qunsetenv("KCPDESK_IO");

    // An address this machine does not have (TEST-NET-1): what a tunnel bound to a LAN address
    // meets at login, before the network is up.
    QVERIFY(!t.start(resolve(TunnelRole::Client, {"-l", "192.0.2.1:4000", "-r", "127.0.0.1:9"})));
    QCOMPARE(t.startSocketError(), QAbstractSocket::SocketAddressNotAvailableError);
    QVERIFY(!t.start(resolve(TunnelRole::Server, {"-l", "192.0.2.1:4000", "-t", "127.0.0.1:9"})));
    QCOMPARE(t.startSocketError(), QAbstractSocket::SocketAddressNotAvailableError);
}

void TestTunnelLoopback::renewedSessionsTakeNewConnections()
{
    tunneltest::TcpEchoServer echo;
    QVERIFY(echo.isListening());
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(tunneltest::freeUdpPort());
    Tunnel server;
    QVERIFY2(server.start(resolve(TunnelRole::Server,
                                  {"-l", udp, "-t", QStringLiteral("127.0.0.1:%1").arg(echo.port()),
                                   "--key", "renew", "--quiet"})),
             qPrintable(server.errorString()));
    Tunnel client;
    QVERIFY2(client.start(resolve(TunnelRole::Client, {"-l", "127.0.0.1:0", "-r", udp, "--key",
                                                       "renew", "--scavengettl", "2", "--quiet"})),
             qPrintable(client.errorString()));

    auto echoes = [&](QTcpSocket& socket, const QByteArray& data)
    {
        QByteArray got;
        auto c = connect(&socket, &QTcpSocket::readyRead, this, [&] { got += socket.readAll(); });
        socket.write(data);
        const bool ok = runEventLoopUntil([&] { return got.size() >= data.size(); }, 10000);
        disconnect(c);
        return ok && got == data;
    };
    const QByteArray first(64 << 10, 'a');
    QTcpSocket old;
    old.connectToHost(QHostAddress::LocalHost, client.port());
    QVERIFY(old.waitForConnected(3000));
    QVERIFY(echoes(old, first));
    QCOMPARE(int(client.snapshot().sessions.size()), 1);
    const quint32 oldConv = client.snapshot().sessions[0].conv;

    client.renewSessions();
    QTcpSocket fresh;
    fresh.connectToHost(QHostAddress::LocalHost, client.port());
    QVERIFY(fresh.waitForConnected(3000));
    QVERIFY(echoes(fresh, QByteArray(64 << 10, 'b')));
    const TunnelSnapshot both = client.snapshot();
    QCOMPARE(int(both.sessions.size()), 2);
    QVERIFY(both.sessions[0].conv != both.sessions[1].conv);
    // The old stream goes on meanwhile ...
    QVERIFY(echoes(old, QByteArray(16 << 10, 'c')));
    // ... until scavengettl (2 s) retires its session; the new one stays.
    QTRY_COMPARE_WITH_TIMEOUT(old.state(), QAbstractSocket::UnconnectedState, 6000);
    QCOMPARE(int(client.snapshot().sessions.size()), 1);
    QVERIFY(client.snapshot().sessions[0].conv != oldConv);
    QVERIFY(echoes(fresh, QByteArray(16 << 10, 'd')));
}

void TestTunnelLoopback::unixSocketTarget_data()
{
    QTest::addColumn<bool>("abstract");
    QTest::newRow("path") << false;
    QTest::newRow("abstract @name") << true;
}

void TestTunnelLoopback::unixSocketTarget()
{
    // kcptun-server dials a --target that is a path as a unix socket; so must we, with data
    // intact both ways, and a missing socket must end only that stream.
    QFETCH(bool, abstract);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString name = abstract ? QStringLiteral("/kcpdesk-test-%1")
                                        .arg(QCoreApplication::applicationPid())
                                  : dir.filePath("echo.sock");
    QLocalServer echo;
    if (abstract)
        echo.setSocketOptions(QLocalServer::AbstractNamespaceOption);
    QVERIFY2(echo.listen(name), qPrintable(echo.errorString()));
    connect(&echo, &QLocalServer::newConnection, this, [&] {
        while (QLocalSocket* s = echo.nextPendingConnection())
            connect(s, &QLocalSocket::readyRead, s, [s] { s->write(s->readAll()); });
    });
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(tunneltest::freeUdpPort());
    const QStringList common{"--key", "unix", "--quiet"};

    Tunnel server;
    // For an abstract socket Qt's full name is the address without its leading NUL, which is
    // what "@" stands for.
    const QString target = abstract ? "@" + echo.fullServerName() : echo.fullServerName();
    QVERIFY2(
        server.start(resolve(TunnelRole::Server, QStringList{"-l", udp, "-t", target} + common)),
        qPrintable(server.errorString()));
    Tunnel client;
    QVERIFY2(client.start(resolve(TunnelRole::Client,
                                  QStringList{"-l", "127.0.0.1:0", "-r", udp} + common)),
             qPrintable(client.errorString()));

    QByteArray data(1 << 20, Qt::Uninitialized);
    for (int i = 0; i < data.size(); ++i)
        data[i] = char(i * 17 + (i >> 11));
    QTcpSocket socket;
    QByteArray got;
    socket.connectToHost(QHostAddress::LocalHost, client.port());
    QVERIFY(socket.waitForConnected(3000));
    connect(&socket, &QTcpSocket::readyRead, this, [&] { got += socket.readAll(); });
    socket.write(data);
    QTRY_COMPARE_WITH_TIMEOUT(got.size(), data.size(), 20000);
    QCOMPARE(got, data);

    // The socket goes away: the next stream is closed, nothing hangs, the session lives on.
    echo.close();
    QTcpSocket refused;
    refused.connectToHost(QHostAddress::LocalHost, client.port());
    QVERIFY(refused.waitForConnected(3000));
    refused.write("nobody listens");
    QTRY_COMPARE_WITH_TIMEOUT(refused.state(), QAbstractSocket::UnconnectedState, 10000);
    QCOMPARE(refused.bytesAvailable(), 0);
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
}

QTEST_GUILESS_MAIN(TestTunnelLoopback)
#include "test_tunnel_loopback.moc"
