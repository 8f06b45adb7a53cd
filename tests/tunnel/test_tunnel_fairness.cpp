// An interactive stream shares a tunnel with a bulk upload (an SSH session during a download:
// kcptun's everyday use). Its round trips must not wait behind the upload's buffered bytes: only
// the KCP window may stand between them, as in kcptun. Real sockets on 127.0.0.1 and a UDP relay
// that delays every datagram, so the upload is window-bound as on a long link.

#include "kcp/tunnel/tunnel.h"
#include "resolve_test_config.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUdpSocket>
#include <QtTest>

#include <algorithm>
#include <deque>

using namespace kcp::tunnel;

namespace
{

constexpr int OneWayDelayMs = 20;

// Forwards datagrams between one client and a server, each after a fixed delay.
class DelayRelay : public QObject
{
public:
    explicit DelayRelay(quint16 serverPort)
        : m_serverPort(serverPort)
    {
        m_front.bind(QHostAddress::LocalHost, 0);
        m_back.bind(QHostAddress::LocalHost, 0);
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setSingleShot(true);
        connect(&m_front, &QUdpSocket::readyRead, this, [this] { take(m_front, true); });
        connect(&m_back, &QUdpSocket::readyRead, this, [this] { take(m_back, false); });
        connect(&m_timer, &QTimer::timeout, this, &DelayRelay::release);
        m_clock.start();
    }
    quint16 port() const { return m_front.localPort(); }

private:
    struct Held
    {
        qint64 due;
        bool toServer;
        QByteArray bytes;
    };

    void take(QUdpSocket& socket, bool fromClient)
    {
        while (socket.hasPendingDatagrams())
        {
            QHostAddress from;
            quint16 fromPort = 0;
            QByteArray bytes(int(socket.pendingDatagramSize()), Qt::Uninitialized);
            socket.readDatagram(bytes.data(), bytes.size(), &from, &fromPort);
            if (fromClient)
                m_clientPort = fromPort;
            m_held.push_back({m_clock.elapsed() + OneWayDelayMs, fromClient, bytes});
        }
        if (!m_timer.isActive())
            release();
    }
    void release()
    {
        const qint64 now = m_clock.elapsed();
        while (!m_held.empty() && m_held.front().due <= now)
        {
            const Held& h = m_held.front();
            if (h.toServer)
                m_back.writeDatagram(h.bytes, QHostAddress::LocalHost, m_serverPort);
            else if (m_clientPort)
                m_front.writeDatagram(h.bytes, QHostAddress::LocalHost, m_clientPort);
            m_held.pop_front();
        }
        if (!m_held.empty())
            m_timer.start(int(std::max<qint64>(0, m_held.front().due - now)));
    }

    QUdpSocket m_front;  // the tunnel client sends here
    QUdpSocket m_back;   // to the tunnel server
    quint16 m_serverPort;
    quint16 m_clientPort = 0;
    QElapsedTimer m_clock;
    QTimer m_timer;
    std::deque<Held> m_held;  // equal delays: FIFO is arrival order
};

// The tunnel server's target: a connection that starts with 'B' is a sink, 'E' an echo.
class Target : public QObject
{
public:
    Target()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection())
            {
                connect(s, &QTcpSocket::readyRead, s, [s] {
                    QByteArray bytes = s->readAll();
                    if (!s->property("kind").isValid() && !bytes.isEmpty())
                    {
                        s->setProperty("kind", bytes.at(0));
                        bytes.remove(0, 1);
                    }
                    if (s->property("kind").toChar() == QLatin1Char('E'))
                        s->write(bytes);
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
};

// Median round trip of 64-byte messages on an established echo connection.
double medianRoundTripMs(QTcpSocket& echo, int count)
{
    QList<double> samples;
    const QByteArray message(64, 'x');
    for (int i = 0; i < count; ++i)
    {
        QElapsedTimer t;
        t.start();
        echo.write(message);
        QByteArray got;
        while (got.size() < message.size() && t.elapsed() < 10000)
        {
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            got += echo.readAll();
        }
        if (got.size() < message.size())
            return 1e9;
        samples << double(t.nsecsElapsed()) / 1e6;
        QTest::qWait(10);
    }
    std::sort(samples.begin(), samples.end());
    return samples.at(samples.size() / 2);
}

} // namespace

class TestTunnelFairness : public QObject
{
    Q_OBJECT

private slots:
    void interactiveStreamDoesNotQueueBehindBulk();
};

void TestTunnelFairness::interactiveStreamDoesNotQueueBehindBulk()
{
    Target target;
    QUdpSocket probe;
    probe.bind(QHostAddress::LocalHost, 0);
    const quint16 serverPort = probe.localPort();
    probe.close();
    const QStringList common{"--key", "fair", "--mode", "fast", "--nocomp", "--quiet"};

    Tunnel server;
    QVERIFY2(server.start(tunneltest::resolve(
                 TunnelRole::Server,
                 QStringList{"-l", QStringLiteral("127.0.0.1:%1").arg(serverPort), "-t",
                             QStringLiteral("127.0.0.1:%1").arg(target.port())} +
                     common)),
             qPrintable(server.errorString()));
    DelayRelay relay(serverPort);
    Tunnel client;
    QVERIFY2(client.start(tunneltest::resolve(
                 TunnelRole::Client,
                 QStringList{"-l", "127.0.0.1:0", "-r",
                             QStringLiteral("127.0.0.1:%1").arg(relay.port())} +
                     common)),
             qPrintable(client.errorString()));

    QTcpSocket echo;
    echo.connectToHost(QHostAddress::LocalHost, client.port());
    QVERIFY(echo.waitForConnected(3000));
    echo.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    echo.write("E");
    const double idle = medianRoundTripMs(echo, 20);
    QVERIFY2(idle < 4 * OneWayDelayMs, qPrintable(QString::number(idle)));

    // The upload keeps 4 MiB queued in its own socket: the tunnel always has more to send.
    QTcpSocket bulk;
    bulk.connectToHost(QHostAddress::LocalHost, client.port());
    QVERIFY(bulk.waitForConnected(3000));
    const QByteArray chunk(1 << 20, '\0');
    bulk.write("B");
    auto topUp = [&] {
        while (bulk.bytesToWrite() < 4 * chunk.size())
            bulk.write(chunk);
    };
    connect(&bulk, &QTcpSocket::bytesWritten, this, topUp);
    topUp();
    QTest::qWait(1500);  // the window fills, every buffer on the way is full
    QVERIFY(bulk.bytesToWrite() > 0);

    // The window (128 segments, kcptun's client default) holds about one round trip of the
    // upload, so a message may wait one round behind it, never for buffers beyond it: before
    // this test the tunnel held 1.25 MiB more (smux output and the KcpSocket write buffer), and
    // a round trip took 9 times the idle one here.
    const double busy = medianRoundTripMs(echo, 20);
    qInfo("echo round trip: idle %.1f ms, during the upload %.1f ms", idle, busy);
    QVERIFY2(busy < idle + 3 * 2 * OneWayDelayMs,
             qPrintable(QStringLiteral("idle %1 ms, busy %2 ms").arg(idle).arg(busy)));
    disconnect(&bulk, nullptr, this, nullptr);
}

QTEST_GUILESS_MAIN(TestTunnelFairness)
#include "test_tunnel_fairness.moc"
