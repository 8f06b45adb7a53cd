#include "stats/series_glossary.h"

#include <QCoreApplication>

namespace app
{

namespace
{

struct Entry
{
    const char* line;
    const char* alsoLine; // the same quantity of the comparison run, or nullptr
    const char* text;
};

// QT_TRANSLATE_NOOP marks the texts for lupdate; seriesGlossary translates them when asked.
constexpr Entry Glossary[] = {
    {"srtt", nullptr,
     QT_TRANSLATE_NOOP(
         "app::Glossary",
         "SRTT: the smoothed round-trip time KCP measures from its ACKs (largest over the "
         "tunnel's sessions). Loopback RTTs below 1 ms show as 0.")},
    {"rttvar", nullptr,
     QT_TRANSLATE_NOOP("app::Glossary",
                       "RTTVAR: how much the round-trip time varies; jitter raises it, and the RTO "
                       "with it.")},
    {"rto", nullptr,
     QT_TRANSLATE_NOOP(
         "app::Glossary",
         "RTO: how long KCP waits for an ACK before it resends a segment: SRTT + "
         "max(interval, 4 x RTTVAR), at least 30 ms with nodelay, 100 ms without. Each "
         "timeout counts in LostSegs.")},
    {"retrans", "retransCompare",
     QT_TRANSLATE_NOOP(
         "app::Glossary",
         "Retransmitted segments per second: RetransSegs = LostSegs (RTO expired) + "
         "FastRetransSegs (later segments were ACKed, --resend) + EarlyRetransSegs. Each "
         "one is a loss FEC did not repair, paid with at least one more RTT.")},
    {"linkLoss", nullptr,
     QT_TRANSLATE_NOOP(
         "app::Glossary",
         "Path loss: the share of the peer's FEC datagrams that never arrived, counted "
         "from gaps in their sequence numbers (FEC on at both ends only). Unlike "
         "retransmissions it is the link's loss, whether FEC repaired it or not.")},
    {"emulatedLoss", nullptr,
     QT_TRANSLATE_NOOP("app::Glossary",
                       "Emulated loss: what the Lab's link emulator dropped, to compare with the "
                       "measured path loss.")},
    {"fecRecovered", nullptr,
     QT_TRANSLATE_NOOP(
         "app::Glossary",
         "FEC recovered per second: FECRecovered, data shards rebuilt from parity that "
         "KCP accepted. It stays far below FECParityShards (parity received) when little "
         "is lost: parity only helps when a shard of its group is missing. FECErrs counts "
         "rebuilt shards with a bad length and should stay 0; 0 does not mean FEC is "
         "idle.")},
    {"goodputIn", "goodputCompare",
     QT_TRANSLATE_NOOP("app::Glossary",
                       "Goodput in: application bytes delivered to us (BytesReceived), after "
                       "decompression.")},
    {"goodputOut", nullptr,
     QT_TRANSLATE_NOOP("app::Glossary", "Goodput out: application bytes we sent (BytesSent).")},
    {"wireOut", nullptr,
     QT_TRANSLATE_NOOP(
         "app::Glossary",
         "Wire out: UDP payload we sent (OutBytes): goodput plus KCP and smux headers, "
         "ACKs, FEC parity, encryption headers and retransmissions. Wire out / goodput "
         "out is the overhead multiplier.")},
};

} // namespace

QString seriesGlossary(const QString& lineName)
{
    for (const Entry& entry : Glossary)
        if (lineName == QLatin1String(entry.line) ||
            (entry.alsoLine && lineName == QLatin1String(entry.alsoLine)))
            return QCoreApplication::translate("app::Glossary", entry.text);
    return {};
}

} // namespace app
