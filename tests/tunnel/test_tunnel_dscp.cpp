// --dscp end to end: our client (one code point) -> a recording UDP relay -> our server (another
// code point) -> TCP echo, for both I/O backends, over IPv4, IPv6 and a dual-stack server
// listener with an IPv4 peer. The relay reads the TOS byte / traffic class of every datagram it
// receives (IP_RECVTOS / IPV6_RECVTCLASS), so what is checked is the marking the kernel really
// put on the datagrams, not just what was asked for.

#include "kcp/tunnel/kcptun_command_line.h"
#include "tcp_echo_server.h"
#include "resolve_test_config.h"
#include "kcp/tunnel/tunnel_client.h"
#include "kcp/tunnel/tunnel_server.h"

#include <QSet>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUdpSocket>
#include <QtTest>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <memory>

using namespace kcp::tunnel;

namespace
{

using tunneltest::resolve;

quint16 freeUdpPort(const QHostAddress& host)
{
    QUdpSocket probe;
    probe.bind(host, 0);
    return probe.localPort();
}

// A UDP relay on one loopback address between one client and its server that records the TOS
// (IPv4) or traffic class (IPv6) of the datagrams arriving from each side.
class TosRecordingRelay : public QObject
{
public:
    TosRecordingRelay(bool ipv6, quint16 serverPort) : m_ipv6(ipv6), m_serverPort(serverPort)
    {
        m_fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const int on = 1;
        if (ipv6)
            ::setsockopt(m_fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof on);
        else
            ::setsockopt(m_fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof on);
        sockaddr_storage local = address(0);
        ::bind(m_fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
        socklen_t length = sizeof local;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&local), &length);
        m_port = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                            : reinterpret_cast<sockaddr_in*>(&local)->sin_port);
        m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
        connect(m_notifier.get(), &QSocketNotifier::activated, this, [this] { drain(); });
    }
    ~TosRecordingRelay() override
    {
        m_notifier.reset();
        ::close(m_fd);
    }

    quint16 port() const { return m_port; }
    // Distinct TOS / traffic class values seen from the client, and from the server.
    const QSet<int>& fromClient() const { return m_fromClient; }
    const QSet<int>& fromServer() const { return m_fromServer; }

private:
    sockaddr_storage address(quint16 port) const
    {
        sockaddr_storage a{};
        if (m_ipv6)
        {
            auto* v6 = reinterpret_cast<sockaddr_in6*>(&a);
            v6->sin6_family = AF_INET6;
            v6->sin6_addr = in6addr_loopback;
            v6->sin6_port = htons(port);
        }
        else
        {
            auto* v4 = reinterpret_cast<sockaddr_in*>(&a);
            v4->sin_family = AF_INET;
            v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            v4->sin_port = htons(port);
        }
        return a;
    }

    void drain()
    {
        for (;;)
        {
            char data[2048];
            alignas(cmsghdr) char control[256];
            sockaddr_storage from{};
            iovec iov{data, sizeof data};
            msghdr msg{};
            msg.msg_name = &from;
            msg.msg_namelen = sizeof from;
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            const ssize_t n = ::recvmsg(m_fd, &msg, 0);
            if (n < 0)
                return;
            int tos = -1;
            for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
            {
                if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS)
                    tos = *reinterpret_cast<unsigned char*>(CMSG_DATA(c));
                if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS)
                    std::memcpy(&tos, CMSG_DATA(c), sizeof tos);
            }
            const quint16 port = ntohs(m_ipv6 ? reinterpret_cast<sockaddr_in6*>(&from)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&from)->sin_port);
            const bool fromServer = port == m_serverPort;
            if (!fromServer)
                m_clientPort = port;
            (fromServer ? m_fromServer : m_fromClient).insert(tos);
            const quint16 to = fromServer ? m_clientPort : m_serverPort;
            sockaddr_storage target = address(to);
            ::sendto(m_fd, data, size_t(n), 0, reinterpret_cast<sockaddr*>(&target),
                     m_ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
        }
    }

    bool m_ipv6;
    quint16 m_serverPort;
    quint16 m_clientPort = 0;
    quint16 m_port = 0;
    int m_fd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QSet<int> m_fromClient;
    QSet<int> m_fromServer;
};

} // namespace

class TestTunnelDscp : public QObject
{
    Q_OBJECT

private slots:
    void marksDatagrams_data();
    void marksDatagrams();
    void cleanup() { qunsetenv("KCPDESK_IO"); }
};

void TestTunnelDscp::marksDatagrams_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<bool>("ipv6");
    QTest::addColumn<bool>("dualStackServer"); // server listens on ":port" (IPv6 socket)
    for (const QString backend : {"qt", "mmsg"})
    {
        QTest::addRow("%s ipv4", qPrintable(backend)) << backend << false << false;
        QTest::addRow("%s ipv6", qPrintable(backend)) << backend << true << false;
        QTest::addRow("%s dual-stack server, ipv4 peer", qPrintable(backend))
            << backend << false << true;
    }
}

void TestTunnelDscp::marksDatagrams()
{
    QFETCH(QString, backend);
    QFETCH(bool, ipv6);
    QFETCH(bool, dualStackServer);
    qputenv("KCPDESK_IO", backend.toLatin1());
    constexpr int ClientDscp = 46; // EF
    constexpr int ServerDscp = 10; // AF11

    tunneltest::TcpEchoServer echo;
    QVERIFY(echo.isListening());
    const QHostAddress loopback(ipv6 ? QHostAddress::LocalHostIPv6 : QHostAddress::LocalHost);
    const QString host = ipv6 ? QStringLiteral("[::1]") : QStringLiteral("127.0.0.1");
    const quint16 serverPort =
        freeUdpPort(dualStackServer ? QHostAddress(QHostAddress::Any) : loopback);
    const QStringList common{"--key", "dscp", "--quiet"};

    TunnelServer server(
        resolve(TunnelRole::Server,
                QStringList{"-l",
                            dualStackServer ? QStringLiteral(":%1").arg(serverPort)
                                            : QStringLiteral("%1:%2").arg(host).arg(serverPort),
                            "-t", QStringLiteral("127.0.0.1:%1").arg(echo.port()), "--dscp",
                            QString::number(ServerDscp)} +
                    common));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    TosRecordingRelay relay(ipv6, serverPort);
    TunnelClient client(
        resolve(TunnelRole::Client, QStringList{"-l", "127.0.0.1:0", "-r",
                                                QStringLiteral("%1:%2").arg(host).arg(relay.port()),
                                                "--dscp", QString::number(ClientDscp)} +
                                        common));
    QVERIFY2(client.start(&error), qPrintable(error));

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, client.port());
    QVERIFY(socket.waitForConnected(5000));
    const QByteArray payload(100000, 'd');
    socket.write(payload);
    QByteArray received;
    connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), payload.size(), 10000);
    QCOMPARE(received, payload);

    // Every datagram each way carried its sender's code point in the upper six bits.
    QCOMPARE(relay.fromClient(), QSet<int>{ClientDscp << 2});
    QCOMPARE(relay.fromServer(), QSet<int>{ServerDscp << 2});
}

QTEST_GUILESS_MAIN(TestTunnelDscp)
#include "test_tunnel_dscp.moc"
