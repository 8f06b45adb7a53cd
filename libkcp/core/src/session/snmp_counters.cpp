#include "kcp/snmp_counters.h"

namespace kcp
{

namespace
{

using C = SnmpCounters;

// kcp-go 5.6.1 Snmp.Header(): note the FEC columns' order differs from the struct's.
constexpr std::array<SnmpColumn, 24> KcptunColumns{{
    {"BytesSent", &C::BytesSent},
    {"BytesReceived", &C::BytesReceived},
    {"MaxConn", &C::MaxConn},
    {"ActiveOpens", &C::ActiveOpens},
    {"PassiveOpens", &C::PassiveOpens},
    {"CurrEstab", &C::CurrEstab},
    {"InErrs", &C::InErrs},
    {"InCsumErrors", &C::InCsumErrors},
    {"KCPInErrors", &C::KCPInErrors},
    {"InPkts", &C::InPkts},
    {"OutPkts", &C::OutPkts},
    {"InSegs", &C::InSegs},
    {"OutSegs", &C::OutSegs},
    {"InBytes", &C::InBytes},
    {"OutBytes", &C::OutBytes},
    {"RetransSegs", &C::RetransSegs},
    {"FastRetransSegs", &C::FastRetransSegs},
    {"EarlyRetransSegs", &C::EarlyRetransSegs},
    {"LostSegs", &C::LostSegs},
    {"RepeatSegs", &C::RepeatSegs},
    {"FECParityShards", &C::FECParityShards},
    {"FECErrs", &C::FECErrs},
    {"FECRecovered", &C::FECRecovered},
    {"FECShortShards", &C::FECShortShards},
}};

constexpr std::array<SnmpColumn, 29> makeAllColumns()
{
    std::array<SnmpColumn, 29> all{};
    for (std::size_t i = 0; i < KcptunColumns.size(); ++i)
        all[i] = KcptunColumns[i];
    all[24] = {"FECGeometryMismatch", &C::FECGeometryMismatch};
    all[25] = {"PathReceived", &C::PathReceived};
    all[26] = {"PathLost", &C::PathLost};
    all[27] = {"PathLostData", &C::PathLostData};
    all[28] = {"RedundantSegs", &C::RedundantSegs};
    return all;
}

constexpr std::array<SnmpColumn, 29> AllColumns = makeAllColumns();

} // namespace

SnmpCounters& SnmpCounters::operator+=(const SnmpCounters& other)
{
    for (const SnmpColumn& column : AllColumns)
        this->*column.field += other.*column.field;
    return *this;
}

const std::array<SnmpColumn, 24>& kcptunSnmpColumns()
{
    return KcptunColumns;
}

const std::array<SnmpColumn, 29>& allSnmpColumns()
{
    return AllColumns;
}

} // namespace kcp
