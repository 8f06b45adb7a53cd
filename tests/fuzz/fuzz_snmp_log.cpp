// libFuzzer target: a kcptun --snmplog file as kcpdesk-cli snmplog and File > Open kcptun SNMP
// log read it: readSnmpLog, then the digest (rates, totals, restarts) and the report.
//
// Input: the file's bytes.
// Invariants checked: every line is either a header, a row kept, a line skipped, or blank; rows
// keep their order of appearance; the digest has one sample per interval between rows with
// increasing times; every rate is finite and not negative, every interval positive; the report
// is never empty. An input without a header line is an error with a sentence, never a crash.
#include "fuzz_support.h"

#include "stats/snmp_log_report.h"

#include "kcp/tunnel/snmp_log_reader.h"

#include <QBuffer>

#include <cmath>

namespace
{

bool sane(double v)
{
    return std::isfinite(v) && v >= 0;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    QBuffer buffer;
    buffer.setData(reinterpret_cast<const char*>(data), qsizetype(size));
    buffer.open(QIODevice::ReadOnly);
    QString error;
    const std::optional<kcp::tunnel::SnmpLog> log = kcp::tunnel::readSnmpLog(buffer, &error);
    if (!log)
    {
        FUZZ_CHECK(!error.isEmpty());
        return 0;
    }
    const qsizetype lines =
        QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)).count('\n') + 1;
    // A line longer than readLine()'s 64 KiB cap is read as several.
    FUZZ_CHECK(log->rows.size() + log->skippedLines <= lines + qsizetype(size / 65536));
    FUZZ_CHECK(log->warnings.size() <= kcp::tunnel::SnmpLog::MaxWarnings);
    FUZZ_CHECK(log->warnings.size() <= log->skippedLines);
    for (qsizetype i = 1; i < log->rows.size(); ++i)
        FUZZ_CHECK(log->rows[i].line > log->rows[i - 1].line);

    const app::SnmpLogDigest digest = app::digestSnmpLog(*log);
    FUZZ_CHECK(digest.samples.size() <= std::max<qsizetype>(0, log->rows.size() - 1));
    for (const app::StatsSample& s : digest.samples)
    {
        FUZZ_CHECK(s.intervalS > 0);
        for (double v :
             {s.retransPerS, s.rtoRetransPerS, s.fastRetransPerS, s.earlyRetransPerS,
              s.datagramsInPerS, s.datagramsOutPerS, s.segmentsOutPerS, s.fecRecoveredPerS,
              s.fecParityPerS, s.goodputInBps, s.goodputOutBps, s.wireOutBps, s.linkLossPercent})
            FUZZ_CHECK(sane(v));
    }
    FUZZ_CHECK(!app::snmpLogReport(QStringLiteral("fuzz.log"), *log, digest).isEmpty());
    return 0;
}
