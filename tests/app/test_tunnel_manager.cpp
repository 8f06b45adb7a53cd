// TunnelManager with real tunnels on 127.0.0.1: a server profile and a client profile started
// by id, bytes echoed through them by a real TCP echo server, live samples of the sessions,
// state changes as signals and model rows, a clear error for a port already in use or a
// setting the library refuses, and the advisor's word on a client whose key the server rejects.
// The supervisor: a held port is retried with back-off until it is free (and at once on
// networkChanged), named with its holder, stopped on stop(); config problems are not retried;
// autoStart profiles start together.

#include "../tunnel/free_ports.h"
#include "../tunnel/tcp_echo_server.h"
#include "advisor/link_advisor.h"
#include "tunnel/tunnel_manager.h"

#include <QColor>
#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QUdpSocket>
#include <QtTest>

using namespace app;
using kcp::tunnel::TunnelRole;
using State = TunnelManager::State;

using tunneltest::freeUdpPort;

namespace
{

// A server profile on a free UDP port of 127.0.0.1, forwarding to `echo`.
Profile serverFor(const tunneltest::TcpEchoServer& echo)
{
    Profile server = Profile::create("server", TunnelRole::Server);
    server.config.listen = QStringLiteral("127.0.0.1:%1").arg(freeUdpPort());
    server.config.target = QStringLiteral("127.0.0.1:%1").arg(echo.port());
    return server;
}

} // namespace

class TestTunnelManager : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void echoThroughClientAndServerProfiles();
    void portInUseIsAClearError();
    void invalidProfileFailsWithTheLibrarysReason();
    void removingARunningProfileStopsIt();
    void wrongKeyLooksLikeSilenceAndIsSaid();
    void backoffDoublesUpToItsCap();
    void heldPortIsRetriedUntilFree();
    void stopEndsTheRetries();
    void networkChangeRetriesAtOnce();
    void portOfAnotherRunningProfileIsNamed();
    void autoStartProfilesStartTogether();
    void networkChangeRenewsClientSessions();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ProfileStore> m_store;
    std::unique_ptr<TunnelManager> m_manager;
};

void TestTunnelManager::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<ProfileStore>(m_dir->filePath("profiles.json"));
    m_manager = std::make_unique<TunnelManager>(*m_store);
    m_manager->setSampleInterval(200);
}

void TestTunnelManager::cleanup()
{
    m_manager.reset();
    m_store.reset();
}

void TestTunnelManager::echoThroughClientAndServerProfiles()
{
    tunneltest::TcpEchoServer echo;
    QVERIFY(echo.isListening());
    Profile server = serverFor(echo);
    const QString udp = server.config.listen;
    server.config.key = "manager test";
    server.config.crypt = "salsa20";
    server.config.mode = "fast2";
    Profile client = Profile::create("client", TunnelRole::Client);
    client.config.localaddr = "127.0.0.1:0";
    client.config.remoteaddr = udp;
    client.config.key = "manager test";
    client.config.crypt = "salsa20";
    client.config.mode = "fast2";
    m_store->add(server);
    m_store->add(client);
    QCOMPARE(m_manager->rowCount(), 2);

    QSignalSpy states(m_manager.get(), &TunnelManager::tunnelStateChanged);
    QSignalSpy rows(m_manager.get(), &QAbstractItemModel::dataChanged);
    QVERIFY2(m_manager->start(server.id), qPrintable(m_manager->message(server.id)));
    QVERIFY2(m_manager->start(client.id), qPrintable(m_manager->message(client.id)));
    QCOMPARE(m_manager->state(server.id), State::Running);
    QCOMPARE(m_manager->state(client.id), State::Running);
    QCOMPARE(m_manager->runningCount(), 2);
    QCOMPARE(states.size(), 2);
    QCOMPARE(states[0][0].toString(), server.id);
    QCOMPARE(states[0][1].value<State>(), State::Running);
    QVERIFY(rows.size() >= 2);
    const quint16 port = m_manager->port(client.id);
    QVERIFY(port != 0);
    const QModelIndex clientRow = m_manager->index(1);
    QCOMPARE(clientRow.data(TunnelManager::StateRole).toInt(), int(State::Running));
    QCOMPARE(clientRow.data(TunnelManager::IdRole).toString(), client.id);
    QVERIFY2(clientRow.data().toString().contains(QString::number(port)),
             qPrintable(clientRow.data().toString()));

    // 512 KiB through client -> KCP -> server -> echo -> back, intact.
    QByteArray data(512 * 1024, Qt::Uninitialized);
    for (int i = 0; i < data.size(); ++i)
        data[i] = char(i * 7 + (i >> 11));
    QTcpSocket socket;
    QByteArray got;
    connect(&socket, &QTcpSocket::readyRead, this, [&] { got += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(socket.waitForConnected(3000));
    socket.write(data);
    QTRY_COMPARE_WITH_TIMEOUT(got.size(), data.size(), 20000);
    QCOMPARE(QCryptographicHash::hash(got, QCryptographicHash::Sha256),
             QCryptographicHash::hash(data, QCryptographicHash::Sha256));

    // The client's series saw its session: an RTT, the bytes it sent and received.
    const StatsSeries* series = m_manager->series(client.id);
    QVERIFY(series);
    // Two samples after the echo completed, so the last one is of a settled session.
    const qint64 seen = series->totalAppended();
    QTRY_VERIFY_WITH_TIMEOUT(series->totalAppended() >= seen + 2, 3000);
    const StatsSample& last = series->latest();
    QCOMPARE(last.sessions, 1);
    double sentBits = 0, receivedBits = 0, before = 0;
    for (int i = 0; i < series->size(); ++i)
    {
        const StatsSample& s = series->at(i);
        sentBits += s.goodputOutBps * (s.elapsedS - before);
        receivedBits += s.goodputInBps * (s.elapsedS - before);
        before = s.elapsedS;
    }
    // Loopback RTTs are below KCP's 1 ms resolution, so SRTT may be 0; RTO has its floor.
    QVERIFY2(last.rtoMs >= 30, qPrintable(QString::number(last.rtoMs)));
    QVERIFY(last.rtoMs >= last.srttMs);
    QVERIFY(last.wireOutBps >= 0);
    // Goodput is the application's bytes (before compression): rates times their intervals
    // add up to exactly what went through.
    QVERIFY2(std::abs(sentBits - data.size() * 8.0) < 1.0, qPrintable(QString::number(sentBits)));
    QVERIFY2(std::abs(receivedBits - data.size() * 8.0) < 1.0,
             qPrintable(QString::number(receivedBits)));
    // The row says how the tunnel does, from the latest sample.
    const QString row = m_manager->index(m_store->indexOf(client.id)).data().toString();
    QVERIFY2(row.contains(QStringLiteral("RTT %1 ms").arg(last.srttMs, 0, 'f', 0)) &&
                 row.contains(QStringLiteral("↓ ")),
             qPrintable(row));

    states.clear();
    m_manager->stop(client.id);
    QCOMPARE(m_manager->state(client.id), State::Stopped);
    QCOMPARE(states.size(), 1);
    QCOMPARE(states[0][1].value<State>(), State::Stopped);
    QCOMPARE(m_manager->port(client.id), quint16(0));
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    QVERIFY(series->size() >= 2); // the series stays for export after stop
    m_manager->stopAll();
    QCOMPARE(m_manager->runningCount(), 0);
}

void TestTunnelManager::portInUseIsAClearError()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    const QString address = QStringLiteral("127.0.0.1:%1").arg(busy.serverPort());
    Profile client = Profile::create("busy", TunnelRole::Client);
    client.config.localaddr = address;
    client.config.remoteaddr = "127.0.0.1:9";
    m_store->add(client);
    QSignalSpy states(m_manager.get(), &TunnelManager::tunnelStateChanged);
    QVERIFY(!m_manager->start(client.id));
    QCOMPARE(m_manager->state(client.id), State::Failed);
    QCOMPARE(states.size(), 1);
    QCOMPARE(states[0][1].value<State>(), State::Failed);
    const QString message = m_manager->message(client.id);
    QVERIFY2(message.contains(address) && message.contains("in use"), qPrintable(message));
    // The holder is this test process: named with its pid, as a forgotten kcptun would be.
    QVERIFY2(
        message.contains(
            QStringLiteral("test_tunnel_manager (pid %1)").arg(QCoreApplication::applicationPid())),
        qPrintable(message));
    QCOMPARE(m_manager->index(0).data(TunnelManager::MessageRole).toString(), message);
    QCOMPARE(m_manager->index(0).data(Qt::ToolTipRole).toString(), message);
    QVERIFY(m_manager->isRetrying(client.id));
    QVERIFY(m_manager->index(0).data(TunnelManager::RetryRole).toDateTime().isValid());
    QVERIFY2(m_manager->index(0).data().toString().contains("trying again"),
             qPrintable(m_manager->index(0).data().toString()));

    // Once the port is free, the same profile starts.
    busy.close();
    QVERIFY2(m_manager->start(client.id), qPrintable(m_manager->message(client.id)));
    QCOMPARE(m_manager->state(client.id), State::Running);
}

void TestTunnelManager::invalidProfileFailsWithTheLibrarysReason()
{
    Profile bad = Profile::create("bad", TunnelRole::Server);
    bad.config.crypt = "rot13";
    bad.config.keepalive = 45;
    m_store->add(bad);
    QVERIFY(!m_manager->start(bad.id));
    QCOMPARE(m_manager->state(bad.id), State::Failed);
    const QString message = m_manager->message(bad.id);
    QVERIFY2(message.contains("rot13") && message.contains("keepalive"), qPrintable(message));
    QVERIFY(!m_manager->isRetrying(bad.id)); // a config mistake does not pass by waiting
    QVERIFY(!m_manager->start("no-such-id"));
}

void TestTunnelManager::removingARunningProfileStopsIt()
{
    const quint16 port = freeUdpPort();
    Profile server = Profile::create("to delete", TunnelRole::Server);
    server.config.listen = QStringLiteral("127.0.0.1:%1").arg(port);
    m_store->add(server);
    QVERIFY2(m_manager->start(server.id), qPrintable(m_manager->message(server.id)));
    QUdpSocket taken;
    QVERIFY(!taken.bind(QHostAddress::LocalHost, port)); // the tunnel holds it
    QSignalSpy removed(m_manager.get(), &QAbstractItemModel::rowsRemoved);
    QVERIFY(m_store->remove(server.id));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(m_manager->rowCount(), 0);
    QCOMPARE(m_manager->runningCount(), 0);
    // The net worker closes the socket on its thread; allow it a moment.
    QTRY_VERIFY_WITH_TIMEOUT(QUdpSocket().bind(QHostAddress::LocalHost, port), 2000);
}

// A client whose key differs from the server's: kcp-go's rule is to drop what does not decrypt
// without a reply, so the client only sees silence. The advisor names the likely causes; with
// the right key (the echo test's setup) it says nothing of the kind.
void TestTunnelManager::wrongKeyLooksLikeSilenceAndIsSaid()
{
    tunneltest::TcpEchoServer echo;
    QVERIFY(echo.isListening());
    Profile server = serverFor(echo);
    const QString udp = server.config.listen;
    server.config.key = "the server's key";
    Profile client = Profile::create("client", TunnelRole::Client);
    client.config.localaddr = "127.0.0.1:0";
    client.config.remoteaddr = udp;
    client.config.key = "another key";
    m_store->add(server);
    m_store->add(client);
    LinkAdvisor::Limits limits;
    limits.minSilentSeconds = 2;
    m_manager->setAdvisorLimits(limits);
    QVERIFY2(m_manager->start(server.id), qPrintable(m_manager->message(server.id)));
    QVERIFY2(m_manager->start(client.id), qPrintable(m_manager->message(client.id)));

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_manager->port(client.id));
    QVERIFY(socket.waitForConnected(3000));
    socket.write(QByteArray(4096, 'k'));
    const LinkAdvisor advisor(limits);
    const StatsSeries* series = m_manager->series(client.id);
    const kcp::tunnel::KcptunConfig config = m_store->find(client.id)->effectiveConfig();
    QList<Advice> advice;
    QTRY_VERIFY_WITH_TIMEOUT(
        (advice = advisor.advise(LinkAdvisor::summarize(*series, 0, 60, config.sndwnd), config),
         !advice.isEmpty()),
        10000);
    QCOMPARE(advice.size(), 1);
    QCOMPARE(advice[0].kind, Advice::Kind::NoAnswer);
    QVERIFY2(advice[0].reason.contains(udp) && advice[0].reason.contains("key"),
             qPrintable(advice[0].reason));
    QCOMPARE(socket.bytesAvailable(), 0); // not one byte came back
    // The manager says it too, in the client's row, without anyone opening its charts.
    const QModelIndex clientRow = m_manager->index(m_store->indexOf(client.id));
    QTRY_VERIFY_WITH_TIMEOUT(clientRow.data(TunnelManager::NoAnswerRole).toBool(), 5000);
    QVERIFY2(clientRow.data().toString().contains("no answer from " + udp),
             qPrintable(clientRow.data().toString()));
    QCOMPARE(clientRow.data(Qt::DecorationRole).value<QColor>(), QColor(0xe0, 0x8e, 0x00));
    QVERIFY(!m_manager->hearsNoAnswer(server.id));
    // The server heard the datagrams and counted them as failed authentication.
    QVERIFY(m_manager->series(server.id));

    // The same client with the right key: answers, so no silence to report.
    m_manager->stop(client.id);
    Profile fixed = *m_store->find(client.id);
    fixed.config.key = "the server's key";
    m_store->update(fixed);
    QVERIFY2(m_manager->start(client.id), qPrintable(m_manager->message(client.id)));
    QTcpSocket again;
    QByteArray got;
    connect(&again, &QTcpSocket::readyRead, this, [&] { got += again.readAll(); });
    again.connectToHost(QHostAddress::LocalHost, m_manager->port(client.id));
    QVERIFY(again.waitForConnected(3000));
    again.write(QByteArray(4096, 'k'));
    QTRY_COMPARE_WITH_TIMEOUT(got.size(), 4096, 10000);
    const StatsSeries* fresh = m_manager->series(client.id);
    const qint64 seen = fresh->totalAppended();
    QTRY_VERIFY_WITH_TIMEOUT(fresh->totalAppended() >= seen + 3, 5000);
    for (const Advice& a : advisor.advise(LinkAdvisor::summarize(*fresh, 0, 60, config.sndwnd),
                                          fixed.effectiveConfig()))
        QVERIFY(a.kind != Advice::Kind::NoAnswer);
    QVERIFY(!m_manager->hearsNoAnswer(client.id));
    QCOMPARE(m_manager->index(m_store->indexOf(client.id)).data(Qt::DecorationRole).value<QColor>(),
             QColor(0x2e, 0x9d, 0x4f));
}

void TestTunnelManager::backoffDoublesUpToItsCap()
{
    const RetryBackoff backoff; // 1 s doubling up to a minute
    QList<int> delays;
    for (int attempt = 1; attempt <= 9; ++attempt)
        delays << backoff.delayMs(attempt);
    QCOMPARE(delays, (QList<int>{1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000}));
    QCOMPARE(backoff.delayMs(1000000), 60000);
    QVERIFY(RetryBackoff::isWorthRetrying(QAbstractSocket::AddressInUseError));
    QVERIFY(RetryBackoff::isWorthRetrying(QAbstractSocket::SocketAddressNotAvailableError));
    QVERIFY(!RetryBackoff::isWorthRetrying(QAbstractSocket::SocketAccessError));
    QVERIFY(!RetryBackoff::isWorthRetrying(QAbstractSocket::UnknownSocketError));
}

namespace
{

Profile clientOn(const QString& name, quint16 port)
{
    Profile client = Profile::create(name, TunnelRole::Client);
    client.config.localaddr = QStringLiteral("127.0.0.1:%1").arg(port);
    client.config.remoteaddr = "127.0.0.1:9";
    return client;
}

// A client profile whose local port `busy` takes first, started: it fails and waits to retry.
Profile startOnHeldPort(ProfileStore& store, TunnelManager& manager, const QString& name,
                        QTcpServer& busy, const RetryBackoff& backoff)
{
    manager.setRetryBackoff(backoff);
    if (!busy.listen(QHostAddress::LocalHost, 0))
        qFatal("cannot listen on 127.0.0.1");
    const Profile client = clientOn(name, busy.serverPort());
    store.add(client);
    manager.start(client.id);
    return client;
}

} // namespace

void TestTunnelManager::heldPortIsRetriedUntilFree()
{
    QTcpServer busy;
    const Profile client = startOnHeldPort(*m_store, *m_manager, "held", busy, {200, 400});
    QCOMPARE(m_manager->state(client.id), State::Failed);
    QVERIFY(m_manager->isRetrying(client.id));
    QCOMPARE(m_manager->failedAttempts(client.id), 1);
    // Still held: the tries go on (200, 400, 400 ms ...), each one a failure.
    QTRY_VERIFY_WITH_TIMEOUT(m_manager->failedAttempts(client.id) >= 3, 5000);
    QCOMPARE(m_manager->state(client.id), State::Failed);
    QVERIFY(m_manager->isRetrying(client.id));

    busy.close();
    QTRY_COMPARE_WITH_TIMEOUT(m_manager->state(client.id), State::Running, 5000);
    QVERIFY(!m_manager->isRetrying(client.id));
    QCOMPARE(m_manager->failedAttempts(client.id), 0);
    QCOMPARE(m_manager->port(client.id), client.config.localAddress()->minPort);
}

void TestTunnelManager::stopEndsTheRetries()
{
    QTcpServer busy;
    const Profile client = startOnHeldPort(*m_store, *m_manager, "given up", busy, {200, 200});
    QCOMPARE(m_manager->state(client.id), State::Failed);
    QVERIFY(m_manager->isRetrying(client.id));
    m_manager->stop(client.id);
    QVERIFY(!m_manager->isRetrying(client.id));
    QCOMPARE(m_manager->state(client.id), State::Stopped);

    busy.close();
    QTest::qWait(700); // three retry periods: none may start it
    QCOMPARE(m_manager->state(client.id), State::Stopped);
    QCOMPARE(m_manager->runningCount(), 0);
}

void TestTunnelManager::networkChangeRetriesAtOnce()
{
    QTcpServer busy;
    const Profile client =
        startOnHeldPort(*m_store, *m_manager, "network back", busy, {60000, 60000});
    QCOMPARE(m_manager->state(client.id), State::Failed);
    QVERIFY(m_manager->isRetrying(client.id));
    QVERIFY(m_manager->nextRetry(client.id) > QDateTime::currentDateTime().addSecs(50));
    busy.close();
    m_manager->networkChanged(); // what a network coming up triggers
    QCOMPARE(m_manager->state(client.id), State::Running);
    QVERIFY(!m_manager->isRetrying(client.id));
}

void TestTunnelManager::portOfAnotherRunningProfileIsNamed()
{
    const quint16 port = freeUdpPort();
    Profile first = Profile::create("first", TunnelRole::Server);
    first.config.listen = QStringLiteral("127.0.0.1:%1").arg(port);
    first.config.target = "127.0.0.1:9";
    const Profile second = first.duplicate("second");
    m_store->add(first);
    m_store->add(second);
    m_manager->setRetryBackoff({200, 200});
    QVERIFY2(m_manager->start(first.id), qPrintable(m_manager->message(first.id)));
    QVERIFY(!m_manager->start(second.id));
    const QString message = m_manager->message(second.id);
    QVERIFY2(message.contains(
                 QStringLiteral("port %1 is used by the running profile “first”").arg(port)),
             qPrintable(message));
    m_manager->stop(first.id);
    QTRY_COMPARE_WITH_TIMEOUT(m_manager->state(second.id), State::Running, 5000);
}

void TestTunnelManager::autoStartProfilesStartTogether()
{
    Profile a = clientOn("at login", 0);
    a.autoStart = true;
    const Profile b = clientOn("by hand", 0);
    Profile c = clientOn("also at login", 0);
    c.autoStart = true;
    m_store->add(a);
    m_store->add(b);
    m_store->add(c);
    QCOMPARE(m_manager->startAutoStartProfiles(), 2);
    QCOMPARE(m_manager->state(a.id), State::Running);
    QCOMPARE(m_manager->state(b.id), State::Stopped);
    QCOMPARE(m_manager->state(c.id), State::Running);
}

void TestTunnelManager::networkChangeRenewsClientSessions()
{
    tunneltest::TcpEchoServer echo;
    QVERIFY(echo.isListening());
    const Profile server = serverFor(echo);
    Profile client = clientOn("roaming laptop", 0);
    client.config.remoteaddr = server.config.listen;
    m_store->add(server);
    m_store->add(client);
    QVERIFY2(m_manager->start(server.id), qPrintable(m_manager->message(server.id)));
    QVERIFY2(m_manager->start(client.id), qPrintable(m_manager->message(client.id)));

    auto connectAndEcho = [&](QTcpSocket& socket)
    {
        // The tunnel runs in this thread: wait with its event loop running, never blocked.
        socket.connectToHost(QHostAddress::LocalHost, m_manager->port(client.id));
        socket.write("hello");
        QByteArray got;
        const auto reading =
            connect(&socket, &QTcpSocket::readyRead, this, [&] { got += socket.readAll(); });
        const bool echoed = QTest::qWaitFor([&] { return got.size() >= 5; }, 10000);
        disconnect(reading);
        return echoed && got == "hello";
    };
    QTcpSocket before;
    QVERIFY(connectAndEcho(before));
    QCOMPARE(int(m_manager->snapshot(client.id).sessions.size()), 1);

    m_manager->networkChanged(); // e.g. Wi-Fi to Ethernet: a new source address
    QTcpSocket after;
    QVERIFY(connectAndEcho(after));
    const auto sessions = m_manager->snapshot(client.id).sessions;
    QCOMPARE(int(sessions.size()), 2); // the old one retires after scavengettl
    QVERIFY(sessions[0].conv != sessions[1].conv);
    QCOMPARE(m_manager->state(server.id), State::Running); // a server has nothing to renew
}

QTEST_GUILESS_MAIN(TestTunnelManager)
#include "test_tunnel_manager.moc"
