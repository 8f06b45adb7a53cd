#pragma once

#include "datagram_io.h"

#include <QUdpSocket>

#include <memory>

namespace kcp::net::detail
{

// The portable backend: a QUdpSocket created in the worker thread. One readDatagram per datagram
// (collected into batches, so the worker's per-batch work is shared with the mmsg backend) and
// one writeDatagram per datagram, sent at once (QUdpSocket cannot batch; a refused send is
// dropped and counted, KCP retransmits it).
class QtUdpIo final : public DatagramIo
{
public:
    QtUdpIo();
    ~QtUdpIo() override;

    using DatagramIo::bind;
    bool bind(const QHostAddress& address, quint16 port, const KcpOptions& options,
              QString& error) override;
    QHostAddress localAddress() const override;
    quint16 localPort() const override;
    IoBackend backend() const override { return IoBackend::Qt; }

    void send(const Peer& to, std::span<const std::uint8_t> datagram) override;
    void flush() override {}

private:
    void onReadyRead();

    std::unique_ptr<QUdpSocket> m_socket;
};

} // namespace kcp::net::detail
