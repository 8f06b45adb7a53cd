// KcpServer's listener against hostile and odd input on a real UDP port, for both backends:
// wrong key, random bytes, truncated and oversize datagrams, floods of new conversation ids,
// parity from strangers, kcp-go's sn==0 replacement rule and the session limits. Each bad
// datagram must be counted (InErrs / InCsumErrors), must not open a session, and memory must
// stay bounded.

#include "net_test_util.h"

#include "kcp/net/worker_pool.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QUdpSocket>

#include <malloc.h>

#include <array>
#include <limits>

// GCC says __SANITIZE_ADDRESS__, clang __has_feature (which GCC 12 cannot even parse in #if).
#if defined(__SANITIZE_ADDRESS__)
#define KCP_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KCP_UNDER_ASAN 1
#endif
#endif

using namespace kcp::net;

namespace
{

kcp::SnmpCounters snmpNow()
{
    return WorkerPool::instance()->collect();
}

quint64 errorsSince(const kcp::SnmpCounters& before)
{
    const kcp::SnmpCounters now = snmpNow();
    return (now.InErrs - before.InErrs) + (now.InCsumErrors - before.InCsumErrors);
}

// Sends in small bursts so that the receiver's socket buffer never overflows (a kernel drop
// would make the counts below unreliable, and is not what these tests are about).
void sendAll(QUdpSocket& raw, const std::vector<QByteArray>& datagrams, quint16 port,
             const QHostAddress& to = QHostAddress::LocalHost)
{
    int inBurst = 0;
    for (const QByteArray& d : datagrams)
    {
        raw.writeDatagram(d, to, port);
        if (++inBurst == 100)
        {
            inBurst = 0;
            QTest::qWait(2);
        }
    }
}

// Resident memory once the replaced sessions are gone and the allocator has handed its free
// pages back: what is still in use, without the high-water mark of a busy moment (a loaded
// machine lets replaced sessions pile up for a while before the worker ends them).
qint64 liveKiB()
{
    if (!QTest::qWaitFor([] { return WorkerPool::instance()->sessionCount() <= 1; }, 5000))
        qWarning("replaced sessions still ending after 5 s");
    QTest::qWait(50);
    malloc_trim(0);
    return nettest::residentKiB();
}

} // namespace

class TestKcpServerDemux : public QObject
{
    Q_OBJECT

    kcp::net::KcpOptions m_options;
    std::unique_ptr<KcpServer> m_server;

    void startServer(const QString& backend, const ServerOptions* custom = nullptr)
    {
        m_options = nettest::fastOptions(backend);
        m_server = std::make_unique<KcpServer>();
        m_server->setOptions(custom ? *custom : nettest::serverOptions(m_options));
        QVERIFY(m_server->listen(QHostAddress::LocalHost));
    }

    // No session may exist but the ones the test opened itself.
    void verifyNoSessions(int expected = 0)
    {
        QTest::qWait(50);
        QCOMPARE(WorkerPool::instance()->sessionCount(), expected);
        QVERIFY(!m_server->hasPendingConnections());
    }

private slots:
    void cleanup()
    {
        m_server.reset();
        QVERIFY(QTest::qWaitFor([] { return WorkerPool::instance()->sessionCount() == 0; }, 5000));
    }

    void wrongKeyOpensNothing_data() { nettest::addBackendRows(); }
    void wrongKeyOpensNothing()
    {
        QFETCH(QString, backend);
        startServer(backend);
        const kcp::SnmpCounters before = snmpNow();
        KcpSocket client;
        client.setOptions(nettest::fastOptions(backend, "not-the-key"));
        client.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(client.waitForConnected(5000));
        client.write(QByteArray(3000, 'k'));
        QVERIFY(QTest::qWaitFor([&] { return snmpNow().InCsumErrors - before.InCsumErrors >= 3; },
                                5000));
        verifyNoSessions(1); // the client's own
        QCOMPARE(snmpNow().PassiveOpens, before.PassiveOpens);
    }

    void randomBytesAreCounted_data() { nettest::addBackendRows(); }
    void randomBytesAreCounted()
    {
        QFETCH(QString, backend);
        startServer(backend);
        const kcp::SnmpCounters before = snmpNow();
        QUdpSocket raw;
        QVERIFY(raw.bind(QHostAddress::LocalHost, 0));
        auto* rng = QRandomGenerator::global();
        std::vector<QByteArray> junk;
        for (int i = 0; i < 3000; ++i)
        {
            QByteArray d(rng->bounded(0, 1501), Qt::Uninitialized);
            for (char& c : d)
                c = static_cast<char>(rng->generate());
            junk.push_back(d);
        }
        sendAll(raw, junk, m_server->serverPort());
        QVERIFY2(QTest::qWaitFor([&] { return errorsSince(before) == junk.size(); }, 10000),
                 qPrintable(QString::number(errorsSince(before))));
        verifyNoSessions();
    }

    void truncatedAndOversizeAreCounted_data() { nettest::addBackendRows(); }
    void truncatedAndOversizeAreCounted()
    {
        QFETCH(QString, backend);
        startServer(backend);
        const kcp::SnmpCounters before = snmpNow();
        QUdpSocket raw;
        QVERIFY(raw.bind(QHostAddress::LocalHost, 0));
        const auto valid = nettest::craftDatagrams(m_options.session, 0x1234, 12);
        std::vector<QByteArray> bad;
        for (const QByteArray& d : {valid[0], valid[1], valid.back()}) // data, data, parity
        {
            for (qsizetype n = 0; n < d.size(); ++n)
                bad.push_back(d.left(n));
        }
        // Longer than any kcp-go peer sends (kcp-go would read 1500 bytes and fail the crc).
        QByteArray oversize = valid[0];
        oversize.append(QByteArray(1600, 'o'));
        bad.push_back(oversize);
        sendAll(raw, bad, m_server->serverPort());
        QVERIFY2(QTest::qWaitFor([&] { return errorsSince(before) == bad.size(); }, 10000),
                 qPrintable(QStringLiteral("%1 of %2").arg(errorsSince(before)).arg(bad.size())));
        verifyNoSessions();
        // The untouched datagram still opens a session: the listener itself is fine.
        raw.writeDatagram(valid[0], QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(QTest::qWaitFor([&] { return m_server->hasPendingConnections(); }, 5000));
        QCOMPARE(m_server->nextPendingConnection()->conv(), 0x1234u);
    }

    // Thousands of conversation ids, from one port and from many, none authentic.
    void floodOfNewConvsWithWrongKey_data() { nettest::addBackendRows(); }
    void floodOfNewConvsWithWrongKey()
    {
        QFETCH(QString, backend);
        startServer(backend);
        const kcp::SnmpCounters before = snmpNow();
        kcp::SessionConfig wrong = m_options.session;
        wrong.key = kcp::deriveKcptunKey("attacker");
        std::vector<QByteArray> flood;
        for (std::uint32_t conv = 1; conv <= 4000; ++conv)
            flood.push_back(nettest::craftDatagrams(wrong, conv, 1, 1).front());
        const qint64 rssBefore = nettest::residentKiB();
        std::vector<std::unique_ptr<QUdpSocket>> peers;
        for (int i = 0; i < 20; ++i)
        {
            peers.push_back(std::make_unique<QUdpSocket>());
            QVERIFY(peers.back()->bind(QHostAddress::LocalHost, 0));
        }
        for (std::size_t i = 0; i < peers.size(); ++i)
        {
            std::vector<QByteArray> part(flood.begin() + static_cast<std::ptrdiff_t>(i * 200),
                                         flood.begin() +
                                             static_cast<std::ptrdiff_t>(i * 200 + 200));
            sendAll(*peers[i], part, m_server->serverPort());
        }
        QVERIFY(QTest::qWaitFor(
            [&] { return snmpNow().InCsumErrors - before.InCsumErrors == flood.size(); }, 10000));
        verifyNoSessions();
        const qint64 grown = nettest::residentKiB() - rssBefore;
        qInfo("RSS grew by %lld KiB over 4000 forged conversations", grown);
        QVERIFY(grown < 16 * 1024);
    }

    // With the right key an attacker can open sessions, but no more than the limits allow:
    // maxPendingConnections while nobody accepts, maxSessions in total. One address cycling
    // through conv ids with sn 0 keeps replacing its one session.
    void floodOfValidConvsIsBounded_data() { nettest::addBackendRows(); }
    void floodOfValidConvsIsBounded()
    {
        QFETCH(QString, backend);
        ServerOptions so = nettest::serverOptions(nettest::fastOptions(backend));
        so.maxPendingConnections = 16;
        so.maxSessions = 40;
        startServer(backend, &so);
        const qint64 rssBefore = nettest::residentKiB();
        std::vector<std::unique_ptr<QUdpSocket>> peers;
        for (int i = 0; i < 100; ++i)
        {
            peers.push_back(std::make_unique<QUdpSocket>());
            QVERIFY(peers.back()->bind(QHostAddress::LocalHost, 0));
            peers.back()->writeDatagram(
                nettest::craftDatagrams(m_options.session, 1000u + i, 1).front(),
                QHostAddress::LocalHost, m_server->serverPort());
        }
        QVERIFY(
            QTest::qWaitFor([&] { return WorkerPool::instance()->sessionCount() == 16; }, 5000));
        QTest::qWait(100);
        QCOMPARE(WorkerPool::instance()->sessionCount(), 16); // backlog full: the rest dropped
        std::vector<KcpSocket*> taken;
        while (KcpSocket* s = m_server->nextPendingConnection())
            taken.push_back(s);
        QCOMPARE(taken.size(), std::size_t(16));
        // The refused peers try again (as a KCP client would retransmit).
        for (int round = 0; round < 5; ++round)
        {
            for (int i = 0; i < 100; ++i)
                peers[i]->writeDatagram(
                    nettest::craftDatagrams(m_options.session, 1000u + i, 1).front(),
                    QHostAddress::LocalHost, m_server->serverPort());
            QTest::qWait(50);
            while (KcpSocket* s = m_server->nextPendingConnection())
                taken.push_back(s);
        }
        QCOMPARE(WorkerPool::instance()->sessionCount(), 40);
        QCOMPARE(taken.size(), std::size_t(40));

        // One port cycling through new conversations with sn 0: each replaces the previous one.
        // Four rounds of 3000. A leak grows memory in every round; a loaded machine can instead
        // raise the allocator's high-water mark once (replaced sessions, ~200 KB each with FEC,
        // pile up while the worker is starved) and fragmentation keeps that page count. So the
        // check is that some round after the first grew by less than a leak would make it, and
        // that the whole run stayed bounded.
        qDeleteAll(taken);
        QVERIFY(QTest::qWaitFor([] { return WorkerPool::instance()->sessionCount() == 0; }, 5000));
        QUdpSocket cycler;
        QVERIFY(cycler.bind(QHostAddress::LocalHost, 0));
        std::vector<QByteArray> firsts;
        for (std::uint32_t conv = 1; conv <= 3000; ++conv)
            firsts.push_back(nettest::craftDatagrams(m_options.session, conv, 1).front());
        int maxSeen = 0;
        constexpr int rounds = 4;
        std::array<qint64, rounds> rssAfter{};
        quint64 fewestOpened = std::numeric_limits<quint64>::max();
        for (int round = 0; round < rounds; ++round)
        {
            const quint64 opensBefore = snmpNow().PassiveOpens;
            int inBurst = 0;
            for (const QByteArray& d : firsts)
            {
                cycler.writeDatagram(d, QHostAddress::LocalHost, m_server->serverPort());
                if (++inBurst == 50)
                {
                    inBurst = 0;
                    QTest::qWait(1);
                    maxSeen = std::max(maxSeen, WorkerPool::instance()->sessionCount());
                }
            }
            QTest::qWait(100);
            maxSeen = std::max(maxSeen, WorkerPool::instance()->sessionCount());
            const quint64 opened = snmpNow().PassiveOpens - opensBefore;
            // Replacements happened (some are refused while the pending queue is full: bounded).
            QVERIFY2(opened > 100, qPrintable(QString::number(opened)));
            fewestOpened = std::min(fewestOpened, opened);
            rssAfter[round] = liveKiB();
        }
        QVERIFY2(maxSeen <= 1, qPrintable(QString::number(maxSeen)));
        qint64 leastGrowth = std::numeric_limits<qint64>::max();
        for (int round = 1; round < rounds; ++round)
            leastGrowth = std::min(leastGrowth, rssAfter[round] - rssAfter[round - 1]);
        const qint64 overall = rssAfter[rounds - 1] - rssAfter[0];
        qInfo("RSS %lld KiB before, %lld KiB after the first round of 3000 replacements; "
              "least growth over one later round %lld KiB, %lld KiB over all three; at least "
              "%llu replacements per round; at most %d session at a time from the cycling port",
              rssBefore, rssAfter[0], leastGrowth, overall, fewestOpened, maxSeen);
#ifdef KCP_UNDER_ASAN
        // ASan parks freed blocks in its quarantine (256 MB) instead of reusing them, so RSS
        // grows here by design; LeakSanitizer checks for leaks at exit instead.
        qInfo("RSS bound not checked under ASan");
#else
        // A leak of 1 KiB per replaced session grows every round by at least fewestOpened KiB.
        QVERIFY2(leastGrowth < qint64(fewestOpened) / 2, qPrintable(QString::number(leastGrowth)));
        QVERIFY2(overall < 16 * 1024, qPrintable(QString::number(overall)));
#endif
    }

    void parityNeverOpensASession_data()
    {
        nettest::addBackendRows();
    }
    void parityNeverOpensASession()
    {
        QFETCH(QString, backend);
        startServer(backend);
        const auto valid = nettest::craftDatagrams(m_options.session, 0x77, 10);
        std::vector<QByteArray> parity(valid.end() - 3, valid.end()); // 10 data, then 3 parity
        QUdpSocket raw;
        QVERIFY(raw.bind(QHostAddress::LocalHost, 0));
        const kcp::SnmpCounters before = snmpNow();
        sendAll(raw, parity, m_server->serverPort());
        QTest::qWait(100);
        verifyNoSessions();
        QCOMPARE(errorsSince(before), quint64(0)); // authentic, just not an opener
    }

    // requireFreshStart: only PUSH sn 0 opens. An ACK of sn 0 (what a client that outlived a
    // server restart sends when it acknowledges the old server's first segment) carries 0 in
    // the same sn field and must not pass for an opener.
    void freshStartIgnoresAckOpeners_data()
    {
        nettest::addBackendRows();
    }
    void freshStartIgnoresAckOpeners()
    {
        QFETCH(QString, backend);
        ServerOptions so = nettest::serverOptions(nettest::fastOptions(backend));
        so.requireFreshStart = true;
        startServer(backend, &so);
        // A server-side core receives the client's first datagram and answers with ACK sn 0.
        const auto clientFirst = nettest::craftDatagrams(m_options.session, 0x5150, 1);
        std::array<std::uint8_t, 32> seed{};
        kcp::ChaChaRandom random(seed);
        kcp::SessionCore peer(0x5150, m_options.session, random);
        QByteArray in = clientFirst.front();
        peer.onDatagram(1000, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(in.data()),
                                                      static_cast<std::size_t>(in.size())));
        std::vector<std::uint8_t> out(2048);
        const std::size_t n = peer.pollTransmit(1100, out); // the interval flush: ACK only
        QVERIFY(n > 0);
        const QByteArray ack(reinterpret_cast<const char*>(out.data()), static_cast<qsizetype>(n));

        QUdpSocket raw;
        QVERIFY(raw.bind(QHostAddress::LocalHost, 0));
        raw.writeDatagram(ack, QHostAddress::LocalHost, m_server->serverPort());
        verifyNoSessions();
        // The client's PUSH sn 0 does open one.
        raw.writeDatagram(clientFirst.front(), QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(QTest::qWaitFor([&] { return m_server->hasPendingConnections(); }, 5000));
        QCOMPARE(m_server->nextPendingConnection()->conv(), 0x5150u);
    }

    // kcp-go: from a known address, a different conv with sn 0 replaces the session (the client
    // restarted behind the same port); a different conv mid-stream (sn != 0) is ignored.
    void newConvWithSnZeroReplaces_data()
    {
        nettest::addBackendRows();
    }
    void newConvWithSnZeroReplaces()
    {
        QFETCH(QString, backend);
        startServer(backend);
        QUdpSocket raw;
        QVERIFY(raw.bind(QHostAddress::LocalHost, 0));
        const quint16 port = m_server->serverPort();
        raw.writeDatagram(nettest::craftDatagrams(m_options.session, 0xA, 1).front(),
                          QHostAddress::LocalHost, port);
        QVERIFY(QTest::qWaitFor([&] { return m_server->hasPendingConnections(); }, 5000));
        KcpSocket* a = m_server->nextPendingConnection();
        QCOMPARE(a->conv(), 0xAu);
        QSignalSpy aError(a, &KcpSocket::errorOccurred);
        QSignalSpy aGone(a, &KcpSocket::disconnected);

        // Conversation B mid-stream (its second datagram, sn 1): ignored.
        const auto b = nettest::craftDatagrams(m_options.session, 0xB, 2);
        raw.writeDatagram(b[1], QHostAddress::LocalHost, port);
        QTest::qWait(100);
        QVERIFY(!m_server->hasPendingConnections());
        QCOMPARE(a->state(), QAbstractSocket::ConnectedState);

        // Conversation C from its start: replaces A.
        raw.writeDatagram(nettest::craftDatagrams(m_options.session, 0xC, 1).front(),
                          QHostAddress::LocalHost, port);
        QVERIFY(aGone.wait(5000));
        QCOMPARE(aError.count(), 1);
        QCOMPARE(a->error(), QAbstractSocket::RemoteHostClosedError);
        QVERIFY(QTest::qWaitFor([&] { return m_server->hasPendingConnections(); }, 5000));
        KcpSocket* c = m_server->nextPendingConnection();
        QCOMPARE(c->conv(), 0xCu);
        QCOMPARE(WorkerPool::instance()->sessionCount(), 1);
        delete a;
    }
};

QTEST_GUILESS_MAIN(TestKcpServerDemux)
#include "test_kcp_server_demux.moc"
