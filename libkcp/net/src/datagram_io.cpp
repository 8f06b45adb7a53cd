#include "datagram_io.h"

#include "mmsg_udp_io.h"
#include "qt_udp_io.h"

namespace kcp::net::detail
{

std::unique_ptr<DatagramIo> DatagramIo::create(IoBackend backend)
{
    if (resolveIoBackend(backend) == IoBackend::Mmsg)
        return std::make_unique<MmsgUdpIo>();
    return std::make_unique<QtUdpIo>();
}

} // namespace kcp::net::detail
