// The tunnel against Debian's real kcptun 20210922 binaries, on 127.0.0.1 only:
//   our TunnelClient -> kcptun-server -> TCP echo (in this process)
//   kcptun-client -> our TunnelServer -> TCP echo
// matrix(): every crypt kcptun has x FEC 10/3 and 0/0 x compression on and off x smux v1 and v2
// (104 combinations), both directions each, 32 MiB echoed through each direction, compared by
// SHA-256. echo(): the reference case, 100 concurrent streams, 5 % loss. Plus the mismatch cases
// (smux version, key, FEC), which must fail loudly or stay intact. Skipped when the kcptun
// package is not installed. Every child process is killed at the end.
//
// Speed (the matrix is ~7 GB through kcptun): one shared random buffer instead of fresh random
// bytes per case; both directions of a combination run at the same time, each over several
// streams, and a few combinations run concurrently, so kcptun's Go threads and our worker keep
// both cores busy instead of one pipeline waiting on the other.

#include "event_loop.h"
#include "free_ports.h"
#include "kcp/net/worker_pool.h"
#include "kcp/packet_crypto.h"
#include "kcp/tunnel/kcptun_command_line.h"
#include "kcp/tunnel/smux_connection.h"
#include "kcp/tunnel/snmp_log_reader.h"
#include "kcp/tunnel/tunnel_client.h"
#include "kcp/tunnel/tunnel_server.h"
#include "resolve_test_config.h"
#include "tcp_echo_server.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QUdpSocket>
#include <QtTest>

#include <botan/hash.h>

#include <deque>
#include <memory>

using namespace kcp::tunnel;

namespace
{

const QString KcptunClient = QStringLiteral("/usr/bin/kcptun-client");
const QString KcptunServer = QStringLiteral("/usr/bin/kcptun-server");
constexpr int TransferTimeoutMs = 30000;
// A transfer that got no byte back for this long has hung.
constexpr int StallTimeoutMs = 20000;

// Bytes each way per case: 32 MiB (the bar), or KCPDESK_INTEROP_BYTES for a quick run.
qint64 transferBytes()
{
    bool ok = false;
    const qint64 n = qEnvironmentVariable("KCPDESK_INTEROP_BYTES").toLongLong(&ok);
    return ok && n > 0 ? n : qint64(32) << 20;
}

// Echoes every byte back on every connection; honours no limits (loopback, 1 MiB).
using EchoServer = tunneltest::TcpEchoServer;
using tunneltest::freeTcpPort;
using tunneltest::freeUdpPort;
using tunneltest::runEventLoopFor;

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

// Random bytes shared by every transfer (each stream sends its own slice): generating and hashing
// fresh random data per case would cost as much CPU as a third tunnel endpoint.
// Made once (transfers in flight point into it): the largest case is transferBytes() in all, or
// the 8 MiB loss case.
const QByteArray& sharedData(qint64 neededSize)
{
    static const QByteArray data = [] {
        QByteArray d(std::max<qint64>(transferBytes(), 8 << 20), Qt::Uninitialized);
        QRandomGenerator rng(20261126);
        rng.fillRange(reinterpret_cast<quint32*>(d.data()), d.size() / 4);
        return d;
    }();
    if (neededSize > data.size())
        qFatal("transfer of %lld bytes exceeds the shared buffer", neededSize);
    return data;
}

// SHA-256 by Botan, which uses the CPU's SHA extensions where it has them: the matrix hashes
// ~7 GB, which Qt's portable SHA-256 made a tenth of the whole test's CPU time.
class Sha256
{
public:
    void addData(QByteArrayView bytes)
    {
        m_hash->update(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                       static_cast<std::size_t>(bytes.size()));
    }
    // Ends the hash; later calls return the same digest.
    QByteArray result()
    {
        if (m_digest.isEmpty())
        {
            const Botan::secure_vector<std::uint8_t> digest = m_hash->final();
            m_digest = QByteArray(reinterpret_cast<const char*>(digest.data()),
                                  qsizetype(digest.size()));
        }
        return m_digest;
    }

private:
    std::unique_ptr<Botan::HashFunction> m_hash = Botan::HashFunction::create_or_throw("SHA-256");
    QByteArray m_digest;
};

// SHA-256 of data[offset, offset + n), computed once per slice.
QByteArray sliceDigest(const QByteArray& data, qint64 offset, qint64 n)
{
    static QHash<QPair<qint64, qint64>, QByteArray> cache;
    auto it = cache.find({offset, n});
    if (it == cache.end())
    {
        Sha256 hash;
        hash.addData(QByteArrayView(data).sliced(offset, n));
        it = cache.insert({offset, n}, hash.result());
    }
    return *it;
}

// `streams` TCP connections to port, each sending its n-byte slice of sharedData() and expecting
// every byte back (an echo behind the tunnel). Event driven: progress happens while the caller's
// event loop runs. Keeps at most 1 MiB queued in Qt per connection so 32 MiB cases stay bounded.
class EchoTransfer
{
public:
    EchoTransfer(quint16 port, qint64 n, int streams)
        : m_n(n)
        , m_flows(static_cast<std::size_t>(streams))
    {
        const QByteArray& data = sharedData(n * streams);
        for (std::size_t i = 0; i < m_flows.size(); ++i)
        {
            Flow& f = m_flows[i];
            f.offset = qint64(i) * n;
            QTcpSocket* s = f.socket.get();
            auto feed = [&f, s, &data, n] {
                while (f.sent < n && s->bytesToWrite() < (1 << 20))
                {
                    const qint64 chunk = std::min<qint64>(256 * 1024, n - f.sent);
                    const qint64 written = s->write(data.constData() + f.offset + f.sent, chunk);
                    // -1 once the connection failed: stop (broken() reports it). Adding it
                    // would loop here for ever, as once ended a matrix row in Qt's watchdog.
                    if (written <= 0)
                        return;
                    f.sent += written;
                }
            };
            QObject::connect(s, &QTcpSocket::connected, s, feed);
            QObject::connect(s, &QTcpSocket::bytesWritten, s, feed);
            QObject::connect(s, &QTcpSocket::readyRead, s, [this, &f, s] {
                const QByteArray chunk = s->readAll();
                f.received.addData(chunk);
                f.receivedBytes += chunk.size();
                m_lastProgress.restart();
            });
            s->connectToHost(QHostAddress::LocalHost, port);
        }
        m_started.start();
        m_lastProgress.start();
    }

    bool done() const
    {
        return std::all_of(m_flows.begin(), m_flows.end(),
                           [this](const Flow& f) { return f.receivedBytes >= m_n; });
    }
    bool broken() const
    {
        return std::any_of(m_flows.begin(), m_flows.end(), [](const Flow& f) {
            return f.socket->state() == QAbstractSocket::UnconnectedState &&
                   f.socket->error() != QAbstractSocket::UnknownSocketError;
        });
    }
    qint64 msSinceProgress() const { return m_lastProgress.elapsed(); }
    qint64 elapsedMs() const { return m_started.elapsed(); }

    // "" when every stream got its slice back intact, else what went wrong.
    QString problem() const
    {
        for (std::size_t i = 0; i < m_flows.size(); ++i)
        {
            const Flow& f = m_flows[i];
            if (f.receivedBytes != m_n)
                return QStringLiteral("stream %1: received %2 of %3 bytes after %4 ms (%5)")
                    .arg(i)
                    .arg(f.receivedBytes)
                    .arg(m_n)
                    .arg(m_started.elapsed())
                    .arg(f.socket->errorString());
            if (f.received.result() != sliceDigest(sharedData(0), f.offset, m_n))
                return QStringLiteral("stream %1: sha256 differs").arg(i);
        }
        return {};
    }

private:
    struct Flow
    {
        std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
        qint64 offset = 0;
        qint64 sent = 0;
        mutable Sha256 received;
        qint64 receivedBytes = 0;
    };
    qint64 m_n;
    std::vector<Flow> m_flows;  // never resized: the lambdas hold references
    QElapsedTimer m_started;
    QElapsedTimer m_lastProgress;
};

// Blocking form for the single cases: "" or what went wrong. Fails when nothing comes back for
// StallTimeoutMs, or the whole takes longer than TransferTimeoutMs + 20 MB/s.
QString echoThrough(quint16 port, qint64 n, int streams = 1)
{
    EchoTransfer transfer(port, n, streams);
    const qint64 timeoutMs = TransferTimeoutMs + n * streams / 20000;
    while (!transfer.done() && !transfer.broken() && transfer.elapsedMs() < timeoutMs &&
           transfer.msSinceProgress() < StallTimeoutMs)
        runEventLoopFor(5);
    return transfer.problem();
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
        runEventLoopFor(5);
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

using tunneltest::resolve;

// One combination of the settings both ends must agree on.
struct Combo
{
    QString crypt;
    bool fec = true;
    bool comp = true;
    int smuxver = 1;

    QString name() const
    {
        return QStringLiteral("%1 fec%2 %3 v%4")
            .arg(crypt, fec ? "10/3" : "0/0", comp ? "comp" : "nocomp")
            .arg(smuxver);
    }
    QStringList flags() const
    {
        QStringList f{"--crypt", crypt,         "--ds",      fec ? "10" : "0",
                      "--ps",    fec ? "3" : "0", "--smuxver", QString::number(smuxver)};
        if (!comp)
            f << "--nocomp";
        return f;
    }
};

// One combination in both directions at the same time: our client -> kcptun-server -> echo and
// kcptun-client -> our server -> echo, each carrying `bytes` over `streams` connections.
// Event driven; poll() advances it and says when it is over.
class MatrixCase
{
public:
    MatrixCase(const Combo& combo, quint16 echoPort, qint64 bytes, int streams)
        : m_combo(combo)
        , m_perStream(bytes / streams)
        , m_streams(streams)
    {
        start(echoPort);
    }

    // Advances the case; true once it is over (problem() then says how it went).
    bool poll()
    {
        if (m_finished)
            return true;
        if (!m_fromKcptun && !probeKcptunClient())
            return m_finished;
        // A transfer that trickles (under 0.5 MB/s; a 3des case with FEC takes ~36 s on a busy
        // 2-core machine) is as much a failure as one that stalls, and ends with a message of
        // its own rather than with Qt's watchdog ending the whole row.
        const qint64 deadlineMs = TransferTimeoutMs + bytesEachWay() / 500;
        const bool stalled = m_toKcptun->msSinceProgress() > StallTimeoutMs ||
                             m_fromKcptun->msSinceProgress() > StallTimeoutMs ||
                             m_started.elapsed() > deadlineMs;
        const bool over = (m_toKcptun->done() && m_fromKcptun->done()) || m_toKcptun->broken() ||
                          m_fromKcptun->broken() || stalled;
        if (!over)
            return false;
        m_seconds = double(m_started.elapsed()) / 1000.0;
        QStringList problems;
        if (const QString p = m_toKcptun->problem(); !p.isEmpty())
            problems << "ours->kcptun " + p;
        if (const QString p = m_fromKcptun->problem(); !p.isEmpty())
            problems << "kcptun->ours " + p;
        // kcptun did not die on our bytes
        if (m_kcptunServer.process->state() != QProcess::Running)
            problems << "kcptun-server exited: " + QString::fromLocal8Bit(m_kcptunServer.output());
        if (m_kcptunClient.process->state() != QProcess::Running)
            problems << "kcptun-client exited: " + QString::fromLocal8Bit(m_kcptunClient.output());
        else if (!problems.isEmpty())
            // What kcptun saw (it logs errors and re-dials even with --quiet).
            problems << "kcptun-client said: " + QString::fromLocal8Bit(m_kcptunClient.output()) +
                            " kcptun-server said: " +
                            QString::fromLocal8Bit(m_kcptunServer.output());
        if (!problems.isEmpty())
            return fail(problems.join("; "));
        m_finished = true;
        release();
        return true;
    }

    const Combo& combo() const { return m_combo; }
    const QString& problem() const { return m_problem; }
    double seconds() const { return m_seconds; }
    qint64 bytesEachWay() const { return m_perStream * m_streams; }

private:
    void start(quint16 echoPort)
    {
        const QString target = QStringLiteral("127.0.0.1:%1").arg(echoPort);
        const QStringList common =
            QStringList{"--key", "matrix-" + m_combo.name(), "--quiet"} + m_combo.flags();

        // ours -> kcptun
        const QString kcptunUdp = QStringLiteral("127.0.0.1:%1").arg(freeUdpPort());
        m_kcptunServer.process->start(KcptunServer,
                                      QStringList{"-l", kcptunUdp, "-t", target} + common);
        m_ourClient = std::make_unique<TunnelClient>(
            resolve(TunnelRole::Client,
                    QStringList{"-l", "127.0.0.1:0", "-r", kcptunUdp} + common));
        QString error;
        if (!m_kcptunServer.process->waitForStarted(5000))
            return void(fail("kcptun-server did not start"));
        if (!m_ourClient->start(&error))
            return void(fail("our client: " + error));
        m_toKcptun = std::make_unique<EchoTransfer>(m_ourClient->port(), m_perStream, m_streams);

        // kcptun -> ours
        const QString ourUdp = QStringLiteral("127.0.0.1:%1").arg(freeUdpPort());
        m_ourServer = std::make_unique<TunnelServer>(
            resolve(TunnelRole::Server, QStringList{"-l", ourUdp, "-t", target} + common));
        if (!m_ourServer->start(&error))
            return void(fail("our server: " + error));
        m_kcptunClientPort = freeTcpPort();
        const QString kcptunLocal = QStringLiteral("127.0.0.1:%1").arg(m_kcptunClientPort);
        m_kcptunClient.process->start(KcptunClient,
                                      QStringList{"-l", kcptunLocal, "-r", ourUdp} + common);
        if (!m_kcptunClient.process->waitForStarted(5000))
            return void(fail("kcptun-client did not start"));
        m_started.start();
    }

    // Until kcptun-client accepts TCP, retries a probe connection every 50 ms (10 s at most).
    // Returns true once it does and the kcptun -> ours transfer has started.
    bool probeKcptunClient()
    {
        if (m_probe && m_probe->state() == QAbstractSocket::ConnectedState)
        {
            m_probe->abort();
            m_probe.reset();
            m_fromKcptun = std::make_unique<EchoTransfer>(m_kcptunClientPort, m_perStream,
                                                          m_streams);
            return true;
        }
        if (m_started.elapsed() > 10000)
        {
            fail("kcptun-client is not listening after 10 s: " +
                 QString::fromLocal8Bit(m_kcptunClient.output()));
            return false;
        }
        if (!m_probe || (m_probe->state() == QAbstractSocket::UnconnectedState &&
                         m_probeTimer.elapsed() > 50))
        {
            m_probe = std::make_unique<QTcpSocket>();
            m_probe->connectToHost(QHostAddress::LocalHost, m_kcptunClientPort);
            m_probeTimer.start();
        }
        return false;
    }

    bool fail(const QString& problem)
    {
        m_problem = problem;
        m_finished = true;
        release();
        return true;
    }

    // Frees the CPU and ports for the next case at once.
    void release()
    {
        m_toKcptun.reset();
        m_fromKcptun.reset();
        m_probe.reset();
        m_ourClient.reset();
        m_ourServer.reset();
        m_kcptunServer.process->kill();
        m_kcptunClient.process->kill();
    }

    Combo m_combo;
    qint64 m_perStream;
    int m_streams;
    Child m_kcptunServer;
    Child m_kcptunClient;
    std::unique_ptr<TunnelClient> m_ourClient;
    std::unique_ptr<TunnelServer> m_ourServer;
    quint16 m_kcptunClientPort = 0;
    std::unique_ptr<QTcpSocket> m_probe;
    QElapsedTimer m_probeTimer;
    QElapsedTimer m_started;
    std::unique_ptr<EchoTransfer> m_toKcptun;
    std::unique_ptr<EchoTransfer> m_fromKcptun;
    bool m_finished = false;
    QString m_problem;
    double m_seconds = 0;
};

int envInt(const char* name, int fallback)
{
    bool ok = false;
    const int n = qEnvironmentVariableIntValue(name, &ok);
    return ok && n > 0 ? n : fallback;
}

} // namespace

class TestKcptunInterop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void matrix_data();
    void matrix();
    void echo_data();
    void echo();
    void smuxVersionMismatchFailsLoudly();
    void wrongKeyAtOurClientFailsFast();
    void wrongKeyAtOurServerIsCounted();
    void fecMismatchIsReportedAndDataIntact();
    void thinRedundancyCopiesAreAcceptedByKcptun_data();
    void thinRedundancyCopiesAreAcceptedByKcptun();
    void snmpLogOfRealKcptunReadsBack();
};

void TestKcptunInterop::initTestCase()
{
    if (!QFile::exists(KcptunClient) || !QFile::exists(KcptunServer))
        QSKIP("Debian's kcptun package is not installed");
}

void TestKcptunInterop::matrix_data()
{
    // One row per crypt; `test_kcptun_interop matrix:sm4` runs one. Run together, the rows share
    // one Qt Test watchdog period, which tests/tunnel/CMakeLists.txt raises for ctest.
    QTest::addColumn<QString>("crypt");
    for (const std::string& crypt : kcp::kcptunCryptNames())
        QTest::newRow(crypt.c_str()) << QString::fromStdString(crypt);
}

void TestKcptunInterop::matrix()
{
    // KCPDESK_INTEROP_PARALLEL combinations at a time (default 3), KCPDESK_INTEROP_STREAMS
    // connections per direction (default 4), transferBytes() through each direction in all.
    QFETCH(QString, crypt);
    const int parallel = envInt("KCPDESK_INTEROP_PARALLEL", 3);
    const int streams = envInt("KCPDESK_INTEROP_STREAMS", 4);
    std::deque<Combo> pending;
    for (const bool fec : {true, false})
        for (const bool comp : {true, false})
            for (const int smuxver : {1, 2})
                pending.push_back(Combo{crypt, fec, comp, smuxver});
    const std::size_t combinations = pending.size();

    EchoServer echo;
    std::vector<std::unique_ptr<MatrixCase>> running;
    QStringList failures;
    QElapsedTimer timer;
    timer.start();
    while (!pending.empty() || !running.empty())
    {
        while (int(running.size()) < parallel && !pending.empty())
        {
            running.push_back(std::make_unique<MatrixCase>(pending.front(), echo.port(),
                                                           transferBytes(), streams));
            pending.pop_front();
        }
        runEventLoopFor(5);
        for (auto it = running.begin(); it != running.end();)
        {
            MatrixCase& c = **it;
            if (!c.poll())
            {
                ++it;
                continue;
            }
            if (c.problem().isEmpty())
                qInfo("%-28s %lld bytes each way in %.2f s", qPrintable(c.combo().name()),
                      c.bytesEachWay(), c.seconds());
            else
                failures << c.combo().name() + ": " + c.problem();
            it = running.erase(it);
        }
    }
    qInfo("%zu combinations x 2 directions x %lld bytes in %.1f s (%d at a time, %d streams "
          "each way)",
          combinations, transferBytes(), double(timer.elapsed()) / 1000.0, parallel, streams);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join('\n')));
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
void TestKcptunInterop::snmpLogOfRealKcptunReadsBack()
{
    // Debian's kcptun pair writing --snmplog every second (the server's file name a Go time
    // layout, as kcptun's docs suggest), 2 MiB echoed through it uncompressed; what the reader
    // makes of both files must match what went through.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    EchoServer target;
    QVERIFY(target.isListening());
    const QString udp = QStringLiteral("127.0.0.1:%1").arg(freeUdpPort());
    const quint16 entry = freeTcpPort();
    const QString clientLog = dir.filePath(QStringLiteral("client.log"));
    Child server;
    server.process->start(KcptunServer,
                          {"-l", udp, "-t", QStringLiteral("127.0.0.1:%1").arg(target.port()),
                           "--key", "log-key", "--nocomp", "--quiet", "--snmpperiod", "1",
                           "--snmplog", dir.filePath(QStringLiteral("server-20060102.log"))});
    Child client;
    client.process->start(KcptunClient, {"-l", QStringLiteral("127.0.0.1:%1").arg(entry), "-r", udp,
                                         "--key", "log-key", "--nocomp", "--quiet", "--snmpperiod",
                                         "1", "--snmplog", clientLog});
    QVERIFY(server.process->waitForStarted(5000) && client.process->waitForStarted(5000));
    QVERIFY(waitForTcp(entry, 10000));

    constexpr qint64 Bytes = qint64(2) << 20;
    const QByteArray& data = sharedData(Bytes);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, entry);
    QVERIFY(socket.waitForConnected(5000));
    qint64 echoed = 0;
    connect(&socket, &QTcpSocket::readyRead, this, [&] { echoed += socket.readAll().size(); });
    socket.write(data.constData(), Bytes);
    // The echo server runs on this thread: wait in the event loop, not in waitForReadyRead.
    QTRY_VERIFY_WITH_TIMEOUT(echoed >= Bytes, TransferTimeoutMs);
    QCOMPARE(echoed, Bytes);

    // Rows are written every second: wait for two after the transfer.
    const auto rowsIn = [](const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? int(f.readAll().count('\n')) - 1 : 0;
    };
    const int rowsWanted = std::max(rowsIn(clientLog), 1) + 2;
    QTRY_VERIFY_WITH_TIMEOUT(rowsIn(clientLog) >= rowsWanted, 10000);
    client.process->kill();
    server.process->kill();
    client.process->waitForFinished(3000);
    server.process->waitForFinished(3000);

    const QStringList serverLogs =
        QDir(dir.path()).entryList({QStringLiteral("server-2*.log")}, QDir::Files);
    QCOMPARE(serverLogs.size(), 1); // the layout expanded to today's date
    for (const QString& path : {clientLog, dir.filePath(serverLogs.first())})
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString error;
        const std::optional<kcp::tunnel::SnmpLog> log = kcp::tunnel::readSnmpLog(file, &error);
        QVERIFY2(log, qPrintable(error));
        QVERIFY2(log->warnings.isEmpty(), qPrintable(log->warnings.join(u'\n')));
        QVERIFY2(log->rows.size() >= 3,
                 qPrintable(QStringLiteral("%1: %2 rows").arg(path).arg(log->rows.size())));
        const kcp::SnmpCounters& last = log->rows.last().counters;
        // Both ends carried the 2 MiB each way; kcptun counts what smux wrote, frames included.
        QVERIFY2(last.BytesSent >= quint64(Bytes) && last.BytesReceived >= quint64(Bytes),
                 qPrintable(QStringLiteral("%1: sent %2, received %3")
                                .arg(path)
                                .arg(last.BytesSent)
                                .arg(last.BytesReceived)));
        QVERIFY(last.OutPkts > quint64(Bytes / 1400) && last.InPkts > quint64(Bytes / 1400));
        QVERIFY(last.FECParityShards > 0); // kcptun's default FEC 10/3 on both ends
        QCOMPARE(last.CurrEstab, 1u);
        for (qsizetype i = 1; i < log->rows.size(); ++i)
            QVERIFY(log->rows[i].unixSeconds > log->rows[i - 1].unixSeconds);
    }
}

#include "test_kcptun_interop.moc"
