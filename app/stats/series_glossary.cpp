#include "stats/series_glossary.h"

#include <QCoreApplication>

namespace app
{

QString seriesGlossary(const QString& lineName)
{
    auto tr = [](const char* text) { return QCoreApplication::translate("app::Glossary", text); };
    if (lineName == QLatin1String("srtt"))
        return tr("SRTT: the smoothed round-trip time KCP measures from its ACKs (largest over the "
                  "tunnel's sessions). Loopback RTTs below 1 ms show as 0.");
    if (lineName == QLatin1String("rttvar"))
        return tr("RTTVAR: how much the round-trip time varies; jitter raises it, and the RTO "
                  "with it.");
    if (lineName == QLatin1String("rto"))
        return tr("RTO: how long KCP waits for an ACK before it resends a segment: SRTT + "
                  "max(interval, 4 x RTTVAR), at least 30 ms with nodelay, 100 ms without. Each "
                  "timeout counts in LostSegs.");
    if (lineName == QLatin1String("retrans") || lineName == QLatin1String("retransCompare"))
        return tr("Retransmitted segments per second: RetransSegs = LostSegs (RTO expired) + "
                  "FastRetransSegs (later segments were ACKed, --resend) + EarlyRetransSegs. Each "
                  "one is a loss FEC did not repair, paid with at least one more RTT.");
    if (lineName == QLatin1String("linkLoss"))
        return tr("Path loss: the share of the peer's FEC datagrams that never arrived, counted "
                  "from gaps in their sequence numbers (FEC on at both ends only). Unlike "
                  "retransmissions it is the link's loss, whether FEC repaired it or not.");
    if (lineName == QLatin1String("emulatedLoss"))
        return tr("Emulated loss: what the Lab's link emulator dropped, to compare with the "
                  "measured path loss.");
    if (lineName == QLatin1String("fecRecovered"))
        return tr("FEC recovered per second: FECRecovered, data shards rebuilt from parity that "
                  "KCP accepted. It stays far below FECParityShards (parity received) when little "
                  "is lost: parity only helps when a shard of its group is missing. FECErrs counts "
                  "rebuilt shards with a bad length and should stay 0; 0 does not mean FEC is "
                  "idle.");
    if (lineName == QLatin1String("goodputIn") || lineName == QLatin1String("goodputCompare"))
        return tr("Goodput in: application bytes delivered to us (BytesReceived), after "
                  "decompression.");
    if (lineName == QLatin1String("goodputOut"))
        return tr("Goodput out: application bytes we sent (BytesSent).");
    if (lineName == QLatin1String("wireOut"))
        return tr("Wire out: UDP payload we sent (OutBytes): goodput plus KCP and smux headers, "
                  "ACKs, FEC parity, encryption headers and retransmissions. Wire out / goodput "
                  "out is the overhead multiplier.");
    return {};
}

} // namespace app
