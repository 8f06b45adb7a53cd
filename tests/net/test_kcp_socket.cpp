// KcpSocket / KcpServer over real UDP sockets on loopback, for both I/O backends: small echoes on
// IPv4 and IPv6, dual-stack peers reported as plain IPv4, write backpressure, stats signals, and
// 64 MB echoed intact.

#include "net_test_util.h"

#include "kcp/net/worker_pool.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QNetworkDatagram>
#include <QUdpSocket>

using namespace kcp::net;
using nettest::EchoClient;
using nettest::EchoServer;

namespace
{

// A client writing data to a fresh server as fast as KCP's window (and so the peer's reading)
// allows; the test decides when the accepted peer reads.
struct Upload
{
    KcpServer server;
    KcpSocket client;
    QByteArray data;
    qint64 sent = 0;

    // The server's socket for the client, or nullptr if it did not arrive within 5 s.
    KcpSocket* start(const KcpOptions& o, QByteArray bytes)
    {
        data = std::move(bytes);
        server.setOptions(nettest::serverOptions(o));
        if (!server.listen(QHostAddress::LocalHost))
            return nullptr;
        client.setOptions(o);
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QObject::connect(&client, &KcpSocket::bytesWritten, &client, [this] { pushMore(); });
        pushMore();
        if (!QTest::qWaitFor([this] { return server.hasPendingConnections(); }, 5000))
            return nullptr;
        return server.nextPendingConnection();
    }

    void pushMore()
    {
        while (sent < data.size())
        {
            const qint64 n = client.write(data.constData() + sent, data.size() - sent);
            if (n <= 0)
                return;
            sent += n;
        }
    }
};

} // namespace

class TestKcpSocket : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qRegisterMetaType<QAbstractSocket::SocketError>();
        qRegisterMetaType<QAbstractSocket::SocketState>();
    }

    void echoSmall_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("address");
        for (const char* b : {"qt", "mmsg"})
        {
            QTest::addRow("%s-ipv4", b) << QString::fromLatin1(b) << QStringLiteral("127.0.0.1");
            QTest::addRow("%s-ipv6", b) << QString::fromLatin1(b) << QStringLiteral("::1");
        }
    }

    void echoSmall()
    {
        QFETCH(QString, backend);
        QFETCH(QString, address);
        const KcpOptions o = nettest::fastOptions(backend);
        EchoServer echo(nettest::serverOptions(o));
        QVERIFY2(echo.listen(QHostAddress(address)), qPrintable(echo.server->errorString()));

        KcpSocket client;
        client.setOptions(o);
        QSignalSpy connected(&client, &KcpSocket::connected);
        client.connectToHost(address, echo.port());
        QVERIFY(client.waitForConnected(5000));
        QCOMPARE(connected.count(), 1);
        QCOMPARE(client.backend(), *parseIoBackend(backend));
        QVERIFY(client.conv() != 0 || client.localPort() != 0);
        QVERIFY(client.localPort() != 0);

        QCOMPARE(client.write("hello, kcp"), qint64(10));
        QCOMPARE(nettest::readAtLeast(client, 10, 5000), QByteArray("hello, kcp"));

        QCOMPARE(echo.accepted, 1);
        KcpSocket* accepted = echo.last();
        QVERIFY(accepted);
        QCOMPARE(accepted->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(accepted->conv(), client.conv());
        QCOMPARE(accepted->peerPort(), client.localPort());
        QCOMPARE(accepted->peerAddress(), QHostAddress(address));
        QCOMPARE(accepted->localPort(), echo.port());
    }

    // A paced stream (one datagram every 200 us, like a rate-limited bottleneck delivers them)
    // is acknowledged at most once per millisecond plus once per 16 segments, not once per
    // datagram (KcpOptions::batchAcks), and every byte still arrives.
    void pacedStreamSharesAckDatagrams_data() { nettest::addBackendRows(); }
    void pacedStreamSharesAckDatagrams()
    {
        QFETCH(QString, backend);
        KcpOptions o = nettest::fastOptions(backend);
        o.session.dataShards = 0; // so that every datagram the server sends back is an ACK
        o.session.parityShards = 0;
        KcpServer server;
        server.setOptions(nettest::serverOptions(o));
        QVERIFY(server.listen(QHostAddress::LocalHost));

        constexpr int Count = 32; // the crafting session's window before it hears the peer
        const std::vector<QByteArray> datagrams = nettest::craftDatagrams(o.session, 0x77, Count);
        QCOMPARE(int(datagrams.size()), Count);
        QUdpSocket raw;
        QVERIFY(raw.bind(QHostAddress::LocalHost, 0));
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < Count; ++i)
        {
            while (clock.nsecsElapsed() < qint64(i) * 200'000)
            {
            }
            raw.writeDatagram(datagrams[std::size_t(i)], QHostAddress::LocalHost, server.serverPort());
        }
        const qint64 sendingMs = clock.elapsed();

        QVERIFY(QTest::qWaitFor([&] { return server.hasPendingConnections(); }, 5000));
        KcpSocket* session = server.nextPendingConnection();
        const QByteArray got = nettest::readAtLeast(*session, Count * 100, 5000);
        QCOMPARE(got.size(), Count * 100);
        for (int i = 0; i < Count; ++i)
            QCOMPARE(got.at(i * 100), char(i));

        QTest::qWait(30); // the last held-back ACKs
        int acks = 0;
        while (raw.hasPendingDatagrams())
        {
            raw.receiveDatagram();
            ++acks;
        }
        const qint64 bound = sendingMs + 1 + Count / 16 + 3; // +3: interval flushes at the end
        qInfo("%d datagrams in %lld ms: %d ACK datagrams (bound %lld)", Count, sendingMs, acks,
              bound);
        QVERIFY(acks > 0);
        QVERIFY2(acks <= bound, qPrintable(QStringLiteral("%1 ACK datagrams").arg(acks)));
    }

    // A dual-stack listener (QHostAddress::Any) reports an IPv4 client as 127.0.0.1, not as
    // ::ffff:127.0.0.1, and answers it.
    void dualStackReportsPlainIpv4_data() { nettest::addBackendRows(); }
    void dualStackReportsPlainIpv4()
    {
        QFETCH(QString, backend);
        const KcpOptions o = nettest::fastOptions(backend);
        EchoServer echo(nettest::serverOptions(o));
        QVERIFY(echo.listen(QHostAddress::Any));
        KcpSocket client;
        client.setOptions(o);
        client.connectToHost(QHostAddress::LocalHost, echo.port());
        client.write("x");
        QVERIFY(QTest::qWaitFor([&] { return client.bytesAvailable() > 0; }, 5000));
        KcpSocket* accepted = echo.last();
        QVERIFY(accepted);
        QCOMPARE(accepted->peerAddress().protocol(), QAbstractSocket::IPv4Protocol);
        QCOMPARE(accepted->peerAddress(), QHostAddress(QHostAddress::LocalHost));
    }

    // write() takes at most writeBufferSize ahead of KCP, then 0; bytesWritten lets it go on.
    void writeBackpressure_data() { nettest::addBackendRows(); }
    void writeBackpressure()
    {
        QFETCH(QString, backend);
        KcpOptions o = nettest::fastOptions(backend);
        o.writeBufferSize = 100000;
        KcpServer server; // accepts, never reads: the client's window fills up
        server.setOptions(nettest::serverOptions(o));
        QVERIFY(server.listen(QHostAddress::LocalHost));
        KcpSocket client;
        client.setOptions(o);
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(client.waitForConnected(5000));

        const QByteArray block(300000, 'z');
        const qint64 first = client.write(block);
        QCOMPARE(first, qint64(100000));
        QCOMPARE(client.write(block), qint64(0));
        QVERIFY(client.bytesToWrite() <= 100000);
        // KCP takes what its window allows; room comes back through bytesWritten.
        QSignalSpy written(&client, &KcpSocket::bytesWritten);
        QVERIFY(written.wait(5000));
        QVERIFY(client.write(block) > 0);
    }

    // A receiver that stops reading closes KCP's window (the sender's write() then takes 0);
    // once it reads again everything flows, intact.
    void readStallResumes_data() { nettest::addBackendRows(); }
    void readStallResumes()
    {
        QFETCH(QString, backend);
        KcpOptions o = nettest::fastOptions(backend);
        o.readBufferSize = 64 * 1024;
        o.session.rcvWnd = 64;
        Upload upload;
        KcpSocket* peer = upload.start(o, nettest::Pattern(11).next(3 << 20));
        QVERIFY(peer);
        const QByteArray& data = upload.data;
        // Not reading: the sender stalls well short of the total.
        QTest::qWait(500);
        const qint64 stalledAt = upload.sent;
        QVERIFY2(stalledAt < data.size(), qPrintable(QString::number(stalledAt)));
        QVERIFY(peer->bytesAvailable() <= o.readBufferSize);
        // Reading again: the rest arrives.
        QCOMPARE(nettest::readAtLeast(*peer, data.size(), 20000), data);
    }

    // readChunk() hands received pieces over whole, mixed freely with read() and peek(): the
    // bytes come out once each, in order, and the read credit flows back (a 64 KB read buffer
    // carries 2 MB only if every readChunk() is accounted for).
    void readChunkPassesPiecesOnInOrder_data() { nettest::addBackendRows(); }
    void readChunkPassesPiecesOnInOrder()
    {
        QFETCH(QString, backend);
        KcpOptions o = nettest::fastOptions(backend);
        o.readBufferSize = 64 * 1024;
        Upload upload;
        KcpSocket* peer = upload.start(o, nettest::Pattern(5).next(2 << 20));
        QVERIFY(peer);
        const QByteArray& data = upload.data;

        QByteArray received;
        qsizetype largestChunk = 0;
        int step = 0;
        int emptyChunks = 0;
        int shortPeeks = 0;
        const bool done = QTest::qWaitFor(
            [&]
            {
                while (peer->bytesAvailable() > 0)
                {
                    switch (step++ % 4)
                    {
                    case 0: {
                        const QByteArray chunk = peer->readChunk(1 << 20);
                        emptyChunks += chunk.isEmpty() ? 1 : 0;
                        largestChunk = std::max(largestChunk, chunk.size());
                        received += chunk;
                        break;
                    }
                    case 1:
                        received += peer->read(777);
                        break;
                    case 2: // QIODevice's own buffer holds the peeked bytes: they come first
                        shortPeeks += peer->peek(5).size() ==
                                              std::min<qint64>(5, peer->bytesAvailable())
                                          ? 0
                                          : 1;
                        received += peer->readChunk(1 << 20);
                        break;
                    default: // smaller than the next piece: a plain copying read
                        received += peer->readChunk(100);
                        break;
                    }
                }
                return received.size() >= data.size();
            },
            20000);
        QVERIFY2(done, qPrintable(QStringLiteral("%1 of %2 bytes").arg(received.size()).arg(data.size())));
        QVERIFY(received == data);
        QCOMPARE(emptyChunks, 0);
        QCOMPARE(shortPeeks, 0);
        QCOMPARE(peer->bytesAvailable(), qint64(0));
        QVERIFY2(largestChunk > 777, qPrintable(QString::number(largestChunk)));
    }

    // Failures come back as errorOccurred() with a reason, never as a silent hang.
    void errorsAreReported_data() { nettest::addBackendRows(); }
    void errorsAreReported()
    {
        QFETCH(QString, backend);
        KcpOptions o = nettest::fastOptions(backend);
        {
            KcpSocket s; // a local address this host does not have
            s.setOptions(o);
            QVERIFY(s.bind(QHostAddress(QStringLiteral("192.0.2.1")), 0));
            QSignalSpy error(&s, &KcpSocket::errorOccurred);
            s.connectToHost(QHostAddress::LocalHost, 9);
            QVERIFY(error.wait(5000));
            QCOMPARE(s.error(), QAbstractSocket::SocketAddressNotAvailableError);
            QCOMPARE(s.state(), QAbstractSocket::UnconnectedState);
            QVERIFY(!s.errorString().isEmpty());
        }
        {
            KcpSocket s; // a config SessionCore rejects
            KcpOptions bad = o;
            bad.session.mtu = 20;
            s.setOptions(bad);
            QSignalSpy error(&s, &KcpSocket::errorOccurred);
            s.connectToHost(QHostAddress::LocalHost, 9);
            QCOMPARE(error.count(), 1);
            QCOMPARE(s.error(), QAbstractSocket::UnsupportedSocketOperationError);
        }
        {
            KcpSocket s; // a name that does not resolve
            s.setOptions(o);
            QSignalSpy error(&s, &KcpSocket::errorOccurred);
            s.connectToHost(QStringLiteral("no-such-host.invalid"), 9);
            QCOMPARE(s.state(), QAbstractSocket::HostLookupState);
            QVERIFY(error.wait(10000));
            QCOMPARE(s.error(), QAbstractSocket::HostNotFoundError);
        }
        {
            KcpSocket s; // a name that does: the lookup path ends connected
            s.setOptions(o);
            s.connectToHost(QStringLiteral("localhost"), 9);
            QVERIFY(s.waitForConnected(10000));
        }
        {
            KcpServer a; // a port in use
            a.setOptions(nettest::serverOptions(o));
            QVERIFY(a.listen(QHostAddress::LocalHost));
            KcpServer b;
            b.setOptions(nettest::serverOptions(o));
            QVERIFY(!b.listen(QHostAddress::LocalHost, a.serverPort()));
            QVERIFY(!b.errorString().isEmpty());
            QVERIFY(!b.isListening());
        }
    }

    void statsSignals_data() { nettest::addBackendRows(); }
    void statsSignals()
    {
        QFETCH(QString, backend);
        const KcpOptions o = nettest::fastOptions(backend);
        EchoServer echo(nettest::serverOptions(o));
        QVERIFY(echo.listen());
        WorkerPool::instance()->setStatsRate(10);
        KcpSocket client;
        client.setOptions(o);
        QSignalSpy stats(&client, &KcpSocket::statsUpdated);
        QSignalSpy snmp(WorkerPool::instance(), &WorkerPool::snmpUpdated);
        client.connectToHost(QHostAddress::LocalHost, echo.port());
        client.write(QByteArray(5000, 'a'));
        QVERIFY(QTest::qWaitFor(
            [&]
            {
                client.readAll();
                return stats.count() >= 2 && snmp.count() >= 2;
            },
            5000));
        const auto s = stats.last().at(0).value<kcp::SessionStats>();
        QCOMPARE(s.conv, client.conv());
        QVERIFY(s.counters.BytesSent >= 5000);
        QVERIFY(s.counters.OutPkts > 0);
        const auto c = snmp.last().at(0).value<kcp::SnmpCounters>();
        QVERIFY(c.ActiveOpens >= 1);
        QVERIFY(c.PassiveOpens >= 1);
        QVERIFY(c.CurrEstab >= 2);
        QVERIFY(c.MaxConn >= c.CurrEstab);
        QVERIFY(c.InPkts > 0);
        WorkerPool::instance()->setStatsRate(1);
    }

    // Clean close: everything written before disconnectFromHost() reaches the peer.
    void disconnectDeliversBufferedData_data() { nettest::addBackendRows(); }
    void disconnectDeliversBufferedData()
    {
        QFETCH(QString, backend);
        const KcpOptions o = nettest::fastOptions(backend);
        KcpServer server;
        server.setOptions(nettest::serverOptions(o));
        QVERIFY(server.listen(QHostAddress::LocalHost));
        auto* client = new KcpSocket;
        client->setOptions(o);
        client->connectToHost(QHostAddress::LocalHost, server.serverPort());
        const QByteArray data = nettest::Pattern(7).next(400000);
        qint64 sent = 0;
        QVERIFY(QTest::qWaitFor(
            [&]
            {
                if (sent < data.size())
                    sent += std::max<qint64>(0, client->write(data.mid(sent)));
                return sent == data.size();
            },
            10000));
        QSignalSpy disconnected(client, &KcpSocket::disconnected);
        client->disconnectFromHost();
        QCOMPARE(client->state(), QAbstractSocket::ClosingState);

        QVERIFY(QTest::qWaitFor([&] { return server.hasPendingConnections(); }, 5000));
        KcpSocket* peer = server.nextPendingConnection();
        QCOMPARE(nettest::readAtLeast(*peer, data.size(), 10000), data);
        QVERIFY(disconnected.wait(5000) || disconnected.count() == 1);
        QCOMPARE(client->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(client->error(), QAbstractSocket::UnknownSocketError);
        delete client;
    }

    void echo64MB_data() { nettest::addBackendRows(); }
    void echo64MB()
    {
        QFETCH(QString, backend);
        const KcpOptions o = nettest::fastOptions(backend);
        EchoServer echo(nettest::serverOptions(o));
        QVERIFY(echo.listen());
        KcpSocket client;
        client.setOptions(o);
        const qint64 total = 64ll << 20;
        EchoClient ec(&client, total, 0x64d);
        QElapsedTimer timer;
        timer.start();
        client.connectToHost(QHostAddress::LocalHost, echo.port());
        QVERIFY(QTest::qWaitFor([&] { return ec.done(); }, 90000));
        const double seconds = timer.elapsed() / 1000.0;
        QCOMPARE(ec.mismatchAt, qint64(-1));
        QCOMPARE(ec.received, total);
        const kcp::SnmpCounters c = WorkerPool::instance()->collect();
        const IoStats io = WorkerPool::instance()->collectIo();
        qInfo("%s: 64 MB echoed in %.2f s (%.1f MB/s each way); retrans %llu (lost %llu fast %llu "
              "early %llu), FEC recovered %llu; io rx %llu dgrams/%llu calls, tx %llu/%llu, "
              "dropped %llu, blocked %llu",
              qPrintable(backend), seconds, 64.0 / seconds, (unsigned long long)c.RetransSegs,
              (unsigned long long)c.LostSegs, (unsigned long long)c.FastRetransSegs,
              (unsigned long long)c.EarlyRetransSegs, (unsigned long long)c.FECRecovered,
              (unsigned long long)io.rxDatagrams, (unsigned long long)io.rxSyscalls,
              (unsigned long long)io.txDatagrams, (unsigned long long)io.txSyscalls,
              (unsigned long long)io.txDropped, (unsigned long long)io.txBlocked);
    }
};

QTEST_GUILESS_MAIN(TestKcpSocket)
#include "test_kcp_socket.moc"
