// Mirror of kcp-go's BenchmarkEchoSpeed* / BenchmarkSinkSpeed* (sess_test.go) for KcpSocket:
// same message sizes, same settings, same measurement.
//
//   echo: salsa20; FEC 10/3 at the client, off at the server (kcp-go's listenEcho passes 10/0,
//         and kcp-go disables FEC when either count is 0: its replies carry no FEC header and no
//         parity); client window 1024/1024, server 4096/4096, nodelay 1/10/2/1, mtu 1400; `count`
//         times: write msglen bytes, read msglen bytes back (echo_tester).
//   sink: no crypto layer ("null") and no FEC, same windows and nodelay; `count` writes of
//         msglen bytes, timed until KCP has taken the last byte (kcp-go's Write returning).
//
// Usage: bench_kcp_net [--backend qt|mmsg] [--seconds S] [--kcpgo-acks] [echo|sink] [msglen...]
// Prints one line per case: "BENCH <mode> <msglen> <backend> <MB/s> ..." (MB = 1e6 bytes, as Go).

#include "kcp/key_derivation.h"
#include "kcp/net/kcp_server.h"
#include "kcp/net/kcp_socket.h"
#include "kcp/net/worker_pool.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <cstdio>
#include <memory>

#include <sys/resource.h>

using namespace kcp::net;

namespace
{

bool g_batchAcks = true; // --kcpgo-acks: kcp-go's ACK timing, for A/B runs

KcpOptions benchOptions(bool echo, IoBackend backend, int wnd)
{
    KcpOptions o;
    o.batchAcks = g_batchAcks;
    o.backend = backend;
    o.session.crypt = echo ? "salsa20" : "null";
    o.session.key = kcp::deriveKcptunKey("testkey");
    o.session.dataShards = echo ? 10 : 0;
    o.session.parityShards = echo ? 3 : 0;
    o.session.sndWnd = wnd;
    o.session.rcvWnd = wnd;
    o.session.noDelay = kcp::NoDelayParams{1, 10, 2, 1};
    o.session.mtu = 1400;
    o.session.ackNoDelay = false;
    o.socketBufferBytes = 4 << 20;
    o.writeBufferSize = 4 << 20;
    o.readBufferSize = 16 << 20;
    return o;
}

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Result
{
    double seconds = 0;
    qint64 count = 0;
};

// Runs the event loop until done() or the deadline; false on timeout. Blocks between events
// (QCoreApplication::processEvents(flags, ms) would not: it drops WaitForMoreEvents and spins),
// like kcp-go's blocking Read/Write; a 50 ms timer bounds each wait.
bool spin(const std::function<bool()>& done, int timeoutMs)
{
    static QTimer* guard = []
    {
        auto* t = new QTimer(QCoreApplication::instance());
        t->start(50);
        return t;
    }();
    Q_UNUSED(guard);
    QElapsedTimer t;
    t.start();
    while (!done())
    {
        if (t.elapsed() > timeoutMs)
            return false;
        // What is already posted (the readyRead that completes the message) first: a
        // processEvents(WaitForMoreEvents) that delivers it still goes on to wait for the next
        // descriptor or timer event before returning, which a blocking Read would not.
        QCoreApplication::sendPostedEvents();
        if (done())
            break;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

Result runEcho(IoBackend backend, qint64 msglen, double seconds)
{
    KcpServer server;
    ServerOptions so;
    so.session = benchOptions(true, backend, 4096);
    so.session.session.dataShards = 0; // listenEcho's 10/0: FEC off for the replies
    so.session.session.parityShards = 0;
    server.setOptions(so);
    server.listen(QHostAddress::LocalHost, 0);
    QObject::connect(&server, &KcpServer::newConnection,
                     [&]
                     {
                         while (KcpSocket* s = server.nextPendingConnection())
                         {
                             // Go's handleEcho: Read up to 64 KB, Write it back.
                             QObject::connect(s, &KcpSocket::readyRead, s,
                                              [s]
                                              {
                                                  char buf[65536];
                                                  for (;;)
                                                  {
                                                      const qint64 n = s->read(buf, sizeof buf);
                                                      if (n <= 0)
                                                          return;
                                                      s->write(buf, n);
                                                  }
                                              });
                         }
                     });
    KcpSocket client;
    client.setOptions(benchOptions(true, backend, 1024));
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    const QByteArray message(static_cast<qsizetype>(msglen), '\0');
    qint64 received = 0;
    QObject::connect(&client, &KcpSocket::readyRead, [&] { received += client.skip(1 << 30); });

    Result r;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < seconds * 1000)
    {
        qint64 sent = 0;
        while (sent < msglen)
        {
            const qint64 n = client.write(message.constData() + sent, msglen - sent);
            if (n < 0)
            {
                std::fprintf(stderr, "echo: write failed: %s\n", qPrintable(client.errorString()));
                r.seconds = timer.elapsed() / 1000.0;
                return r;
            }
            sent += n;
            if (sent < msglen)
                spin([&] { return client.bytesToWrite() < (4 << 20); }, 10000);
        }
        const qint64 target = (r.count + 1) * msglen;
        if (!spin([&] { return received >= target; }, 30000))
        {
            std::fprintf(stderr, "echo timed out\n");
            break;
        }
        r.count++;
    }
    r.seconds = timer.elapsed() / 1000.0;
    return r;
}

Result runSink(IoBackend backend, qint64 msglen, double seconds)
{
    KcpServer server;
    ServerOptions so;
    so.session = benchOptions(false, backend, 4096);
    server.setOptions(so);
    server.listen(QHostAddress::LocalHost, 0);
    QObject::connect(&server, &KcpServer::newConnection,
                     [&]
                     {
                         while (KcpSocket* s = server.nextPendingConnection())
                             QObject::connect(s, &KcpSocket::readyRead, s,
                                              [s] { s->skip(1 << 30); });
                     });
    KcpSocket client;
    client.setOptions(benchOptions(false, backend, 1024));
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    qint64 taken = 0; // bytes KCP accepted
    QObject::connect(&client, &KcpSocket::bytesWritten, [&](qint64 n) { taken += n; });
    const QByteArray message(static_cast<qsizetype>(msglen), '\0');

    Result r;
    QElapsedTimer timer;
    timer.start();
    qint64 written = 0;
    while (timer.elapsed() < seconds * 1000)
    {
        qint64 sent = 0;
        while (sent < msglen)
        {
            const qint64 n = client.write(message.constData() + sent, msglen - sent);
            if (n < 0)
            {
                std::fprintf(stderr, "sink: write failed: %s\n", qPrintable(client.errorString()));
                r.seconds = timer.elapsed() / 1000.0;
                return r;
            }
            sent += n;
            if (sent < msglen)
                spin([&] { return client.bytesToWrite() < (1 << 20); }, 10000);
        }
        written += msglen;
        r.count++;
        // kcp-go's Write returns once the message is in KCP's queue: wait for the same.
        spin([&] { return taken >= written - (4 << 20) + msglen; }, 10000);
    }
    spin([&] { return taken >= written; }, 30000);
    r.seconds = timer.elapsed() / 1000.0;
    return r;
}

} // namespace

int main(int argc, char** argv)
{
    // The same epoll dispatcher as the workers for this (main) thread, where the echo and sink
    // handlers run: a command-line program's choice (KCPDESK_DISPATCHER=qt keeps Qt's).
    if (QAbstractEventDispatcher* dispatcher = createEventDispatcher())
        QCoreApplication::setEventDispatcher(dispatcher);
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    double seconds = 2.0;
    QList<IoBackend> backends{IoBackend::Qt, IoBackend::Mmsg};
    QStringList modes{QStringLiteral("echo"), QStringLiteral("sink")};
    QList<qint64> sizes;
    const char* usage = "usage: bench_kcp_net [--backend qt|mmsg] [--seconds S] [--kcpgo-acks] "
                        "[echo|sink] [msglen...]\n";
    auto fail = [&](const QString& why)
    {
        std::fprintf(stderr, "bench_kcp_net: %s\n%s", qPrintable(why), usage);
        return 2;
    };
    for (int i = 0; i < args.size(); ++i)
    {
        const QString& arg = args[i];
        const bool hasValue = i + 1 < args.size();
        bool ok = true;
        if (arg == QLatin1String("--help") || arg == QLatin1String("-h"))
        {
            std::fputs(usage, stdout);
            return 0;
        }
        if ((arg == QLatin1String("--seconds") || arg == QLatin1String("--backend")) && !hasValue)
            return fail(QStringLiteral("%1 needs a value").arg(arg));
        if (arg == QLatin1String("--seconds"))
        {
            seconds = args[++i].toDouble(&ok);
            if (!ok || seconds <= 0)
                return fail(
                    QStringLiteral("--seconds needs a positive number, not \"%1\"").arg(args[i]));
        }
        else if (arg == QLatin1String("--backend"))
        {
            const std::optional<IoBackend> backend = parseIoBackend(args[++i]);
            if (!backend || *backend == IoBackend::Auto)
                return fail(QStringLiteral("--backend is qt or mmsg, not \"%1\"").arg(args[i]));
            backends = {*backend};
        }
        else if (arg == QLatin1String("--kcpgo-acks"))
            g_batchAcks = false;
        else if (arg == QLatin1String("echo") || arg == QLatin1String("sink"))
            modes = {arg};
        else
        {
            const qint64 size = arg.toLongLong(&ok);
            if (!ok || size <= 0)
                return fail(QStringLiteral("unknown argument \"%1\"").arg(arg));
            sizes.append(size);
        }
    }
    for (const QString& mode : modes)
    {
        // kcp-go's sizes: Echo 4K 64K 512K 1M; Sink "4K 64K 256K(=512K) 1M".
        const QList<qint64> list =
            sizes.isEmpty() ? QList<qint64>{4096, 65536, 524288, 1048576} : sizes;
        for (const qint64 msglen : list)
        {
            for (const IoBackend backend : backends)
            {
                const quint64 retransBefore = WorkerPool::instance()->collect().RetransSegs;
                const double cpuBefore = cpuSeconds();
                const Result r = mode == QLatin1String("echo") ? runEcho(backend, msglen, seconds)
                                                               : runSink(backend, msglen, seconds);
                const double cpu = cpuSeconds() - cpuBefore;
                const double mb = static_cast<double>(r.count * msglen) / 1e6;
                const double mbps = mb / r.seconds;
                const IoStats io = WorkerPool::instance()->collectIo();
                const quint64 retrans =
                    WorkerPool::instance()->collect().RetransSegs - retransBefore;
                // CPU ms per MB moved (both ends, all threads): steadier than MB/s on a busy box.
                std::printf("BENCH %s %lld %s %.2f MB/s %.2f cpu_ms/MB (%lld msgs in %.2f s; %llu "
                            "retransmitted; %.1f "
                            "dgrams/sendcall, %.1f dgrams/message, %.1f dgrams/recvcall "
                            "cumulative)\n",
                            qPrintable(mode), static_cast<long long>(msglen),
                            qPrintable(ioBackendName(backend)), mbps,
                            mb > 0 ? cpu * 1000 / mb : 0.0, static_cast<long long>(r.count),
                            r.seconds, static_cast<unsigned long long>(retrans),
                            io.txSyscalls ? double(io.txDatagrams) / io.txSyscalls : 0.0,
                            io.txMessages ? double(io.txDatagrams) / io.txMessages : 0.0,
                            io.rxSyscalls ? double(io.rxDatagrams) / io.rxSyscalls : 0.0);
                std::fflush(stdout);
            }
        }
    }
    return 0;
}
