#pragma once

#include <QString>

namespace kcp::net::detail
{

// Marks every datagram a UDP socket sends with a DSCP code point (kcptun --dscp): the upper six
// bits of the IPv4 TOS byte (IP_TOS = dscp << 2) or of the IPv6 traffic class (IPV6_TCLASS). A
// dual-stack IPv6 socket gets both, since its IPv4 peers' datagrams leave as IPv4.
// kcp-go shifts only for IPv4 and writes the raw value as the IPv6 traffic class (so dscp 46
// becomes class 46 = DSCP 11 + ECN bits); we shift for both, which is what the flag means.
// dscp 0 changes nothing. Returns false with the reason in error.
bool applyDscp(int fd, bool ipv6, bool dualStack, int dscp, QString& error);

} // namespace kcp::net::detail
