#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace kcp
{

// kcp-go's SNMP counters (snmp.go) plus the ones KcpDesk adds. Field names follow kcp-go's so
// that a CSV can be written in kcptun's --snmplog column layout. Per session here; the net layer
// sums sessions into a process-wide view (kcp-go keeps one global instance instead).
struct SnmpCounters
{
    // --- kcp-go 5.6.1, in kcptun's --snmplog column order ---
    std::uint64_t BytesSent = 0;        // application bytes accepted by write()
    std::uint64_t BytesReceived = 0;    // application bytes returned by read()
    std::uint64_t MaxConn = 0;          // process-wide only
    std::uint64_t ActiveOpens = 0;      // process-wide only
    std::uint64_t PassiveOpens = 0;     // process-wide only
    std::uint64_t CurrEstab = 0;        // process-wide only (gauge)
    std::uint64_t InErrs = 0;           // FEC datagrams shorter than their header, oversize input
    std::uint64_t InCsumErrors = 0;     // crc32 or AEAD failures
    std::uint64_t KCPInErrors = 0;      // KCP input rejections (bad conv, cmd or length)
    std::uint64_t InPkts = 0;           // datagrams accepted by the crypto layer
    std::uint64_t OutPkts = 0;          // datagrams handed to the socket
    std::uint64_t InSegs = 0;
    std::uint64_t OutSegs = 0;
    std::uint64_t InBytes = 0;          // datagram bytes after the crypto header
    std::uint64_t OutBytes = 0;         // datagram bytes handed to the socket
    std::uint64_t RetransSegs = 0;      // = LostSegs + FastRetransSegs + EarlyRetransSegs
    std::uint64_t FastRetransSegs = 0;
    std::uint64_t EarlyRetransSegs = 0;
    std::uint64_t LostSegs = 0;         // RTO timeouts
    std::uint64_t RepeatSegs = 0;       // duplicate or out-of-window PUSH
    std::uint64_t FECRecovered = 0;     // rebuilt data shards that KCP accepted
    std::uint64_t FECErrs = 0;          // rebuilt shards with an invalid size field
    std::uint64_t FECParityShards = 0;  // parity datagrams received
    std::uint64_t FECShortShards = 0;   // data shards evicted before their group was usable

    // --- KcpDesk additions ---
    std::uint64_t FECGeometryMismatch = 0;  // shards whose type contradicts our ds/ps
    std::uint64_t PathReceived = 0;         // FEC slots that arrived
    std::uint64_t PathLost = 0;             // FEC slots the peer sent that never arrived
    std::uint64_t PathLostData = 0;         // ... of which data shards
    std::uint64_t RedundantSegs = 0;        // PUSH segments sent again as thin-flow copies

    SnmpCounters& operator+=(const SnmpCounters& other);
};

struct SnmpColumn
{
    std::string_view name;
    std::uint64_t SnmpCounters::*field;
};

// kcptun's --snmplog columns after "Unix", in order (kcp-go 5.6.1 Header()).
const std::array<SnmpColumn, 24>& kcptunSnmpColumns();
// Every counter: kcptun's columns followed by KcpDesk's additions.
const std::array<SnmpColumn, 29>& allSnmpColumns();

} // namespace kcp
