#include "qt_udp_io.h"

#include "socket_dscp.h"

#include <QVariant>

namespace kcp::net::detail
{

namespace
{

constexpr int MaxBatchesPerWakeup = 16;
constexpr qint64 RxSlotSize = 2048;

// Per worker thread, shared by all its sockets (see mmsg_udp_io.cpp).
struct RxArena
{
    std::unique_ptr<std::uint8_t[]> buffers{
        new std::uint8_t[static_cast<std::size_t>(RxSlotSize) * DatagramIo::BatchSize]};
    RxDatagram batch[DatagramIo::BatchSize];
};

RxArena& rxArena()
{
    static thread_local RxArena arena;
    return arena;
}

} // namespace

QtUdpIo::QtUdpIo() = default;
QtUdpIo::~QtUdpIo() = default;

bool QtUdpIo::bind(const QHostAddress& address, quint16 port, const KcpOptions& options,
                   QString& error)
{
    const int socketBufferBytes = options.socketBufferBytes;
    m_socket = std::make_unique<QUdpSocket>();
    // Exclusive, like kcp-go (Go's ListenUDP sets no SO_REUSEADDR). Qt's default mode sets it,
    // and with it Linux lets two UDP sockets share a port (an ephemeral bind may even land on a
    // port another reuse-socket holds), splitting one peer's datagrams between them.
    if (!m_socket->bind(address, port, QAbstractSocket::DontShareAddress))
    {
        error = m_socket->errorString();
        m_bindError = m_socket->error();
        m_socket.reset();
        return false;
    }
    if (socketBufferBytes > 0)
    {
        m_socket->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption,
                                  QVariant(socketBufferBytes));
        m_socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption,
                                  QVariant(socketBufferBytes));
    }
    // Qt's TypeOfServiceOption covers IPv4 only; set the option on the descriptor for both.
    const bool ipv6 = m_socket->localAddress().protocol() != QAbstractSocket::IPv4Protocol;
    if (!applyDscp(int(m_socket->socketDescriptor()), ipv6,
                   address == QHostAddress(QHostAddress::Any), options.dscp, error))
    {
        m_socket.reset();
        return false;
    }
    QObject::connect(m_socket.get(), &QUdpSocket::readyRead, m_socket.get(),
                     [this] { onReadyRead(); });
    return true;
}

QHostAddress QtUdpIo::localAddress() const
{
    return m_socket ? m_socket->localAddress() : QHostAddress();
}

quint16 QtUdpIo::localPort() const
{
    return m_socket ? m_socket->localPort() : 0;
}

void QtUdpIo::onReadyRead()
{
    RxArena& a = rxArena();
    m_counters.rxWakeups++;
    // Read until readDatagram() fails, never gated on hasPendingDatagrams(): QAbstractSocket marks
    // a UDP socket "pending" when it emits readyRead and clears the mark only inside
    // readDatagram(); a handler that skips the call after a spurious notification leaves the
    // mark set, and on the next notification Qt disables its read notifier for good (a deaf
    // socket). Draining this way also saves hasPendingDatagrams()' MSG_PEEK syscall per datagram.
    for (int round = 0; round < MaxBatchesPerWakeup; ++round)
    {
        int kept = 0;
        bool empty = false;
        while (kept < BatchSize)
        {
            auto* slot = a.buffers.get() + static_cast<std::size_t>(kept) * RxSlotSize;
            QHostAddress host;
            quint16 port = 0;
            const qint64 n =
                m_socket->readDatagram(reinterpret_cast<char*>(slot), RxSlotSize, &host, &port);
            m_counters.rxSyscalls++;
            if (n < 0)
            {
                empty = true;
                break;
            }
            m_counters.rxDatagrams++;
            if (n > static_cast<qint64>(MaxDatagram))
            {
                m_counters.rxTruncated++;
                continue;
            }
            a.batch[kept] =
                RxDatagram{slot, static_cast<std::size_t>(n), Endpoint::fromHost(host, port)};
            ++kept;
        }
        if (kept > 0 && m_handler)
            m_handler(std::span<RxDatagram>(a.batch, static_cast<std::size_t>(kept)));
        if (empty)
            return;
    }
}

void QtUdpIo::send(const Peer& to, std::span<const std::uint8_t> datagram)
{
    if (!m_socket)
    {
        m_counters.txDropped++;
        return;
    }
    const qint64 n =
        m_socket->writeDatagram(reinterpret_cast<const char*>(datagram.data()),
                                static_cast<qint64>(datagram.size()), to.host, to.endpoint.port);
    m_counters.txSyscalls++;
    if (n < 0)
        m_counters.txDropped++;
    else
    {
        m_counters.txDatagrams++;
        m_counters.txMessages++;
    }
}

} // namespace kcp::net::detail
