// findPortHolder on real sockets: a TCP listener and a UDP socket of this process, and a real
// kcpdesk-cli client and server started as other processes (the "forgotten kcptun" case), each
// named with its pid; a port nobody holds gives nothing.

#include "../tunnel/free_ports.h"
#include "tunnel/port_holder.h"

#include <QProcess>
#include <QTcpServer>
#include <QUdpSocket>
#include <QtTest>

using namespace app;

using tunneltest::freeTcpPort;
using tunneltest::freeUdpPort;

class TestPortHolder : public QObject
{
    Q_OBJECT

private slots:
    void ourOwnSocketsAreFound();
    void aFreePortHasNoHolder();
    void anotherProcessIsNamed_data();
    void anotherProcessIsNamed();
};

void TestPortHolder::ourOwnSocketsAreFound()
{
    QTcpServer tcp;
    QVERIFY(tcp.listen(QHostAddress::LocalHost, 0));
    const auto tcpHolder = findPortHolder(PortProtocol::Tcp, tcp.serverPort());
    QVERIFY(tcpHolder);
    QCOMPARE(tcpHolder->pid, QCoreApplication::applicationPid());
    QCOMPARE(tcpHolder->program, QStringLiteral("test_port_holder"));
    QCOMPARE(tcpHolder->toString(),
             QStringLiteral("test_port_holder (pid %1)").arg(QCoreApplication::applicationPid()));

    QUdpSocket udp;
    QVERIFY(udp.bind(QHostAddress::AnyIPv6, 0)); // the udp6 table
    const auto udpHolder = findPortHolder(PortProtocol::Udp, udp.localPort());
    QVERIFY(udpHolder);
    QCOMPARE(udpHolder->pid, QCoreApplication::applicationPid());
    // A listening TCP socket is not a UDP holder, nor the other way round.
    QVERIFY(!findPortHolder(PortProtocol::Udp, tcp.serverPort()) ||
            findPortHolder(PortProtocol::Udp, tcp.serverPort())->pid !=
                QCoreApplication::applicationPid());
}

void TestPortHolder::aFreePortHasNoHolder()
{
    const quint16 tcp = freeTcpPort();
    const quint16 udp = freeUdpPort();
    QVERIFY(!findPortHolder(PortProtocol::Tcp, tcp));
    QVERIFY(!findPortHolder(PortProtocol::Udp, udp));
}

void TestPortHolder::anotherProcessIsNamed_data()
{
    QTest::addColumn<bool>("client");
    QTest::newRow("kcpdesk-cli client (TCP)") << true;
    QTest::newRow("kcpdesk-cli server (UDP)") << false;
}

void TestPortHolder::anotherProcessIsNamed()
{
    QFETCH(bool, client);
    const quint16 port = client ? freeTcpPort() : freeUdpPort();
    const QString address = QStringLiteral("127.0.0.1:%1").arg(port);
    QProcess peer;
    peer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    peer.start(
        QStringLiteral(KCPDESK_CLI_PATH),
        client ? QStringList{"client", "--localaddr", address, "--remoteaddr", "127.0.0.1:9",
                             "--quiet"}
               : QStringList{"server", "--listen", address, "--target", "127.0.0.1:9", "--quiet"});
    QVERIFY(peer.waitForStarted());
    const PortProtocol protocol = client ? PortProtocol::Tcp : PortProtocol::Udp;
    QTRY_VERIFY_WITH_TIMEOUT(findPortHolder(protocol, port).has_value(), 10000);
    const auto holder = findPortHolder(protocol, port);
    QCOMPARE(holder->pid, peer.processId());
    QCOMPARE(holder->program, QStringLiteral("kcpdesk-cli"));
    peer.terminate();
    QVERIFY(peer.waitForFinished(10000));
    QTRY_VERIFY_WITH_TIMEOUT(!findPortHolder(protocol, port), 5000);
}

QTEST_GUILESS_MAIN(TestPortHolder)
#include "test_port_holder.moc"
