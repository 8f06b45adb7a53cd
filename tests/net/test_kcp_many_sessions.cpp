// 1,000 concurrent sessions to one server on loopback, for both backends: every session echoes
// its own data intact; then, idle, the sessions park: the worker's timer stops firing and the
// process burns (almost) no CPU.

#include "net_test_util.h"

#include "kcp/net/worker_pool.h"

#include <QElapsedTimer>
#include <QTest>

#include <sys/resource.h>

using namespace kcp::net;
using nettest::EchoClient;
using nettest::EchoServer;

namespace
{

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

} // namespace

class TestKcpManySessions : public QObject
{
    Q_OBJECT

private slots:
    void thousandSessions_data() { nettest::addBackendRows(); }
    void thousandSessions()
    {
        QFETCH(QString, backend);
        constexpr int Sessions = 1000;
        constexpr qint64 PerSession = 4096;
        KcpOptions o = nettest::fastOptions(backend);
        o.session.sndWnd = 128; // kcptun-like windows: 1,000 sessions, not one fat pipe
        o.session.rcvWnd = 512;
        EchoServer echo(nettest::serverOptions(o));
        QVERIFY(echo.listen());

        QElapsedTimer timer;
        timer.start();
        std::vector<std::unique_ptr<KcpSocket>> clients;
        std::vector<std::unique_ptr<EchoClient>> checkers;
        for (int i = 0; i < Sessions; ++i)
        {
            clients.push_back(std::make_unique<KcpSocket>());
            clients.back()->setOptions(o);
            checkers.push_back(
                std::make_unique<EchoClient>(clients.back().get(), PerSession, 1000 + i));
            clients.back()->connectToHost(QHostAddress::LocalHost, echo.port());
        }
        auto finished = [&]
        {
            int done = 0;
            for (const auto& c : checkers)
                done += c->done() ? 1 : 0;
            return done;
        };
        QVERIFY2(QTest::qWaitFor([&] { return finished() == Sessions; }, 60000),
                 qPrintable(QStringLiteral("%1 of %2 done").arg(finished()).arg(Sessions)));
        const qint64 echoMs = timer.elapsed();
        for (const auto& c : checkers)
        {
            QCOMPARE(c->mismatchAt, qint64(-1));
            QCOMPARE(c->received, PerSession);
        }
        QCOMPARE(echo.accepted, Sessions);
        QCOMPARE(WorkerPool::instance()->sessionCount(), 2 * Sessions);

        // Idle: two timer services after its last datagram, each session parks. On a loaded
        // machine the last ACKs and timer services can trail for a while: wait (up to 10 s)
        // for a quiet 300 ms before measuring.
        QVERIFY(QTest::qWaitFor(
            []
            {
                const quint64 start = WorkerPool::instance()->collectIo().timerWakeups;
                QTest::qWait(300);
                return WorkerPool::instance()->collectIo().timerWakeups - start < 3;
            },
            10000));
        const IoStats before = WorkerPool::instance()->collectIo();
        const double cpuBefore = cpuSeconds();
        QTest::qWait(1500);
        const IoStats after = WorkerPool::instance()->collectIo();
        const double idleCpu = cpuSeconds() - cpuBefore;
        const quint64 wakeups = after.timerWakeups - before.timerWakeups;
        qInfo("%s: %d sessions echoed %lld bytes each in %lld ms; idle 1.5 s with %d live "
              "sessions: %llu timer wake-ups, %.3f s CPU",
              qPrintable(backend), Sessions, PerSession, echoMs, 2 * Sessions,
              static_cast<unsigned long long>(wakeups), idleCpu);
        QVERIFY(wakeups < 20);
        QVERIFY(idleCpu < 0.2);

        for (auto& c : clients)
            c->abort();
        checkers.clear();
        clients.clear();
        for (const auto& s : echo.sockets)
            delete s.data();
        QVERIFY(QTest::qWaitFor([] { return WorkerPool::instance()->sessionCount() == 0; }, 10000));
    }
};

QTEST_GUILESS_MAIN(TestKcpManySessions)
#include "test_kcp_many_sessions.moc"
