// kcpnet_peer: KcpServer as a standalone echo server, flag-compatible with kcpgo_peer's
// echo-server mode, so that scripts can run the same load against either (scale comparison).
//
//   kcpnet_peer -addr 127.0.0.1:0 -crypt aes -key K -ds 10 -ps 3 -nodelay 0 -interval 30
//               -resend 2 -nc 1 -sndwnd 1024 -rcvwnd 1024 -mtu 1350 [-backend qt|mmsg] [-workers N]
//
// Prints "LISTENING <port>"; on SIGUSR1 prints "USAGE cpu=<s> maxrss_kib=<KiB> ..." and goes on,
// on SIGTERM/SIGINT prints it and exits.
//
//   kcpnet_peer -mode scale-client -addr 127.0.0.1:PORT -sessions 5000 -duration 60 [same flags]
//
// is the load generator of the scale comparison: every session writes 64 bytes once a second (at
// its own random phase) and waits for them to come back; a reply later than 5 s counts as failed
// (kcpgo_peer's scale-client does the same with one goroutine per session). Idle sessions park in
// the worker, so the generator itself stays cheap and does not starve the server under test.
// Prints "SCALE sessions=.. sent=.. answered=.. failed=.. p50_ms=.. p99_ms=.. max_ms=..
// steady_p99_ms=.. steady_max_ms=.." (steady: sent after the first 10 s) and USAGE.

#include "kcp/key_derivation.h"
#include "kcp/net/kcp_server.h"
#include "kcp/net/worker_pool.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <vector>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

using namespace kcp::net;

namespace
{

int g_signalPipe[2] = {-1, -1};

void onSignal(int sig)
{
    const char c = static_cast<char>(sig);
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}

void printUsage()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double cpu = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                       static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    const kcp::SnmpCounters c = WorkerPool::instance()->collect();
    std::printf("USAGE cpu=%.3f maxrss_kib=%ld curr_estab=%llu in_pkts=%llu out_pkts=%llu\n", cpu,
                u.ru_maxrss, static_cast<unsigned long long>(c.CurrEstab),
                static_cast<unsigned long long>(c.InPkts),
                static_cast<unsigned long long>(c.OutPkts));
    std::fflush(stdout);
}

struct ScaleSession
{
    std::unique_ptr<KcpSocket> socket;
    qint64 sentAt = -1; // ms, -1: nothing outstanding
    int got = 0;
    int answers = 0;
    int failures = 0;
};

int runScaleClient(const KcpOptions& o, const QHostAddress& host, quint16 port, int sessions,
                   int seconds)
{
    std::vector<ScaleSession> all(static_cast<std::size_t>(sessions));
    // 1,000 one-millisecond buckets: each session sends when the clock passes its phase.
    std::vector<std::vector<int>> buckets(1000);
    quint64 sent = 0;
    quint64 answered = 0;
    quint64 failed = 0;
    std::vector<int> latencies;
    std::vector<int> steady; // sent after the first 10 s: without the connection storm
    latencies.reserve(static_cast<std::size_t>(sessions) * static_cast<std::size_t>(seconds));
    QElapsedTimer clock;
    clock.start();
    const QByteArray message(64, 'p');
    for (int i = 0; i < sessions; ++i)
    {
        ScaleSession& s = all[static_cast<std::size_t>(i)];
        s.socket = std::make_unique<KcpSocket>();
        s.socket->setOptions(o);
        KcpSocket* socket = s.socket.get();
        QObject::connect(socket, &KcpSocket::readyRead, socket,
                         [&, i]
                         {
                             ScaleSession& me = all[static_cast<std::size_t>(i)];
                             me.got += static_cast<int>(me.socket->skip(1 << 20));
                             if (me.got >= 64 && me.sentAt >= 0)
                             {
                                 const int latency = static_cast<int>(clock.elapsed() - me.sentAt);
                                 latencies.push_back(latency);
                                 if (me.sentAt >= 10000)
                                     steady.push_back(latency);
                                 answered++;
                                 me.answers++;
                                 me.got -= 64;
                                 me.sentAt = -1;
                             }
                         });
        socket->connectToHost(host, port);
        buckets[QRandomGenerator::global()->bounded(1000)].push_back(i);
    }
    qint64 doneMs = 0;
    const qint64 endMs = static_cast<qint64>(seconds) * 1000;
    QTimer tick;
    QObject::connect(
        &tick, &QTimer::timeout,
        [&]
        {
            const qint64 now = std::min(clock.elapsed(), endMs);
            for (; doneMs < now; ++doneMs)
            {
                for (const int i : buckets[static_cast<std::size_t>(doneMs % 1000)])
                {
                    ScaleSession& s = all[static_cast<std::size_t>(i)];
                    if (s.sentAt >= 0)
                    {
                        if (doneMs - s.sentAt < 5000)
                            continue; // still waiting, like a blocked reader: skip this second
                        failed++;
                        s.failures++;
                        s.sentAt = -1;
                        s.got = 0;
                    }
                    s.socket->write(message);
                    s.sentAt = doneMs;
                    sent++;
                }
            }
            if (clock.elapsed() >= endMs + 5000 ||
                (clock.elapsed() >= endMs &&
                 std::all_of(all.begin(), all.end(),
                             [](const ScaleSession& s) { return s.sentAt < 0; })))
                QCoreApplication::quit();
        });
    tick.start(5);
    QCoreApplication::exec();
    int neverAnswered = 0;
    int sessionsFailing = 0;
    for (const ScaleSession& s : all)
    {
        failed += s.sentAt >= 0 ? 1 : 0;
        neverAnswered += s.answers == 0 ? 1 : 0;
        sessionsFailing += s.failures > 0 || s.sentAt >= 0 ? 1 : 0;
    }
    // Which failures: a few sessions that never got through, or late answers spread over many.
    std::fprintf(stderr, "SCALE-DETAIL sessions_failing=%d never_answered=%d\n", sessionsFailing,
                 neverAnswered);
    std::sort(latencies.begin(), latencies.end());
    std::sort(steady.begin(), steady.end());
    auto pctOf = [](const std::vector<int>& v, double p)
    { return v.empty() ? 0 : v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))]; };
    auto pct = [&](double p) { return pctOf(latencies, p); };
    std::printf(
        "SCALE sessions=%d sent=%llu answered=%llu failed=%llu p50_ms=%d p99_ms=%d max_ms=%d "
        "steady_p99_ms=%d steady_max_ms=%d\n",
        sessions, static_cast<unsigned long long>(sent), static_cast<unsigned long long>(answered),
        static_cast<unsigned long long>(failed), pct(0.5), pct(0.99),
        latencies.empty() ? 0 : latencies.back(), pctOf(steady, 0.99),
        steady.empty() ? 0 : steady.back());
    printUsage();
    for (ScaleSession& s : all)
        s.socket->abort();
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    // Flags first: the worker count must be set before the pool starts.
    QHash<QString, QString> flags;
    for (int i = 1; i + 1 < argc; i += 2)
        flags.insert(QString::fromLocal8Bit(argv[i]).remove(0, 1),
                     QString::fromLocal8Bit(argv[i + 1]));
    auto flag = [&](const char* name, const char* fallback)
    { return flags.value(QString::fromLatin1(name), QString::fromLatin1(fallback)); };
    WorkerPool::setThreadCount(flag("workers", "1").toInt());
    if (QAbstractEventDispatcher* dispatcher = createEventDispatcher())
        QCoreApplication::setEventDispatcher(dispatcher);
    QCoreApplication app(argc, argv);

    KcpOptions o;
    o.backend = parseIoBackend(flag("backend", "auto")).value_or(IoBackend::Auto);
    o.session.crypt = flag("crypt", "aes").toStdString();
    o.session.key = kcp::deriveKcptunKey(flag("key", "it's a secrect").toStdString());
    o.session.dataShards = flag("ds", "10").toInt();
    o.session.parityShards = flag("ps", "3").toInt();
    o.session.noDelay =
        kcp::NoDelayParams{flag("nodelay", "1").toInt(), flag("interval", "10").toInt(),
                           flag("resend", "2").toInt(), flag("nc", "1").toInt()};
    o.session.sndWnd = flag("sndwnd", "1024").toInt();
    o.session.rcvWnd = flag("rcvwnd", "1024").toInt();
    o.session.mtu = flag("mtu", "1350").toInt();
    o.socketBufferBytes = flag("sockbuf", "4194304").toInt();
    o.readBufferSize = 1 << 20;
    o.writeBufferSize = 1 << 20;
    ServerOptions so;
    so.session = o;
    so.maxPendingConnections = 1 << 16; // the echo loop accepts at once

    const QString addr = flag("addr", "127.0.0.1:0");
    const int colon = addr.lastIndexOf(QLatin1Char(':'));
    QString host = addr.left(colon);
    if (host.startsWith(QLatin1Char('[')))
        host = host.mid(1, host.size() - 2);
    if (flag("mode", "echo-server") == QLatin1String("scale-client"))
    {
        QString duration = flag("duration", "60");
        duration.remove(QLatin1Char('s'));
        return runScaleClient(o, QHostAddress(host), addr.mid(colon + 1).toUShort(),
                              flag("sessions", "100").toInt(), duration.toInt());
    }
    KcpServer server;
    server.setOptions(so);
    if (!server.listen(QHostAddress(host), addr.mid(colon + 1).toUShort()))
    {
        std::fprintf(stderr, "listen: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    QHash<KcpSocket*, QByteArray> backlog;
    QObject::connect(&server, &KcpServer::newConnection,
                     [&]
                     {
                         while (KcpSocket* s = server.nextPendingConnection())
                         {
                             auto pump = [s, &backlog]
                             {
                                 QByteArray& pending = backlog[s];
                                 for (;;)
                                 {
                                     if (pending.isEmpty())
                                         pending = s->readAll();
                                     if (pending.isEmpty())
                                         return;
                                     const qint64 n = s->write(pending);
                                     if (n <= 0)
                                         return;
                                     pending.remove(0, static_cast<qsizetype>(n));
                                 }
                             };
                             QObject::connect(s, &KcpSocket::readyRead, s, pump);
                             QObject::connect(s, &KcpSocket::bytesWritten, s, pump);
                             QObject::connect(s, &KcpSocket::disconnected, s,
                                              [s, &backlog]
                                              {
                                                  backlog.remove(s);
                                                  s->deleteLater();
                                              });
                         }
                     });

    if (::pipe(g_signalPipe) != 0)
        return 1;
    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated,
                     [&]
                     {
                         char sig = 0;
                         if (::read(g_signalPipe[0], &sig, 1) != 1)
                             return;
                         printUsage();
                         if (sig != SIGUSR1)
                             app.quit();
                     });
    std::signal(SIGUSR1, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    std::printf("LISTENING %u\n", server.serverPort());
    std::fflush(stdout);
    return app.exec();
}
