#pragma once

#include "endpoint.h"
#include "kcp/net/net_options.h"
#include "kcp/net/socket_counters.h"

#include <QAbstractSocket>
#include <QHostAddress>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace kcp::net::detail
{

// One received datagram: a writable view into the backend's receive buffer (the core decrypts
// in place), valid until the receive handler returns.
struct RxDatagram
{
    std::uint8_t* data;
    std::size_t length;
    Endpoint from;
};

// A peer as the backends want it, built once per session: the hash key plus the QHostAddress
// QUdpSocket needs (building one per datagram would allocate).
struct Peer
{
    Endpoint endpoint;
    QHostAddress host;

    static Peer from(const Endpoint& endpoint) { return Peer{endpoint, endpoint.host()}; }
};

// Counters of one socket, summed by the worker for diagnostics and the benchmark.
using IoCounters = SocketCounters;

// A bound UDP socket behind one interface for both backends. Lives in (and is only used from) its
// worker thread; every callback runs there. Sends may be queued until flush(): the worker calls
// flush() once per event-loop pass, so datagrams of many sessions leave in one batch.
class DatagramIo
{
public:
    using ReceiveHandler = std::function<void(std::span<RxDatagram>)>;

    // Largest datagram accepted: kcp-go's mtuLimit. Longer ones are counted and dropped.
    static constexpr std::size_t MaxDatagram = 1500;
    // Up to this many datagrams per recvmmsg/sendmmsg (and per handler call).
    static constexpr int BatchSize = 64;

    virtual ~DatagramIo() = default;

    // Creates a backend; IoBackend::Auto and unavailable choices resolve via resolveIoBackend().
    static std::unique_ptr<DatagramIo> create(IoBackend backend);

    // Binds; QHostAddress::Any means dual-stack (IPv6 socket also taking IPv4, Qt's meaning),
    // AnyIPv4 / AnyIPv6 one family. Applies the options' socket settings (socketBufferBytes,
    // dscp). On failure returns false and sets error.
    virtual bool bind(const QHostAddress& address, quint16 port, const KcpOptions& options,
                      QString& error) = 0;
    // The same with only SO_RCVBUF/SO_SNDBUF set (0 = the OS default), nothing else.
    bool bind(const QHostAddress& address, quint16 port, int socketBufferBytes, QString& error)
    {
        KcpOptions options;
        options.socketBufferBytes = socketBufferBytes;
        return bind(address, port, options, error);
    }
    // Why the last bind() failed, so a caller can tell a port in use or an address not (yet)
    // present from a permanent failure.
    QAbstractSocket::SocketError bindError() const { return m_bindError; }
    virtual QHostAddress localAddress() const = 0;
    virtual quint16 localPort() const = 0;
    virtual IoBackend backend() const = 0;

    // Called with batches of received datagrams until the socket is destroyed.
    void setReceiveHandler(ReceiveHandler handler) { m_handler = std::move(handler); }

    // Queues (or sends) one datagram; the bytes are copied or sent before this returns.
    virtual void send(const Peer& to, std::span<const std::uint8_t> datagram) = 0;
    // Hands everything queued to the kernel (what the kernel refuses stays in a bounded backlog,
    // retried when the socket is writable).
    virtual void flush() = 0;

    const IoCounters& counters() const { return m_counters; }

protected:
    ReceiveHandler m_handler;
    IoCounters m_counters;
    QAbstractSocket::SocketError m_bindError = QAbstractSocket::UnknownSocketError;
};

} // namespace kcp::net::detail
