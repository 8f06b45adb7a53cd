#include "kcp/tunnel/kcptun_config.h"

#include "kcp/key_derivation.h"
#include "kcp/mode_preset.h"
#include "kcp/packet_crypto.h"

namespace kcp::tunnel
{

namespace
{

// smux's KeepAliveTimeout, which kcptun never changes: a keepalive beyond it fails smux's
// VerifyConfig (kcptun's client exits, its server drops every connection).
constexpr int SmuxKeepAliveTimeoutSeconds = 30;

bool isListener(TunnelRole role, bool forListen)
{
    return forListen || role == TunnelRole::Server;
}

} // namespace

const QStringList& kcptunModes()
{
    static const QStringList modes{"normal", "fast", "fast2", "fast3", "manual"};
    return modes;
}

KcptunConfig KcptunConfig::defaults(TunnelRole role)
{
    KcptunConfig c;
    c.role = role;
    if (role == TunnelRole::Server)
    {
        c.sndwnd = 1024;
        c.rcvwnd = 1024;
    }
    return c;
}

void KcptunConfig::applyModePreset()
{
    if (const auto preset = modePreset(mode.toStdString()))
    {
        nodelay = preset->nodelay;
        interval = preset->interval;
        resend = preset->resend;
        nc = preset->nc;
    }
}

QStringList KcptunConfig::validate() const
{
    QStringList problems;
    auto check = [&](bool ok, const QString& message) {
        if (!ok)
            problems << message;
    };
    auto checkAddress = [&](const char* name, const QString& value, const AddressRules& rules) {
        QString error;
        if (!parseHostPort(value, rules, &error))
            problems << QStringLiteral("--%1: %2").arg(QLatin1String(name), error);
    };

    if (role == TunnelRole::Client)
    {
        checkAddress("localaddr", localaddr, {false, true, true});
        checkAddress("remoteaddr", remoteaddr, {true, false, false});
        check(conn >= 1, QStringLiteral("--conn must be at least 1, got %1").arg(conn));
        check(autoexpire >= 0,
              QStringLiteral("--autoexpire must be 0 (off) or positive seconds, got %1")
                  .arg(autoexpire));
        check(scavengettl >= 0,
              QStringLiteral("--scavengettl must not be negative, got %1").arg(scavengettl));
    }
    else
    {
        checkAddress("listen", listen, {true, true, true});
        if (!targetIsUnixSocket())
            checkAddress("target", target, {false, false, false});
    }

    const std::string cryptName = crypt.toStdString();
    const auto& names = packetCryptNames();
    if (std::find(names.begin(), names.end(), cryptName) == names.end())
    {
        QStringList known;
        for (const std::string& n : names)
            known << QString::fromStdString(n);
        problems << QStringLiteral("--crypt: unknown method \"%1\" (kcptun would silently use "
                                   "aes); one of: %2")
                        .arg(crypt, known.join(u' '));
    }
    check(kcptunModes().contains(mode),
          QStringLiteral("--mode: unknown profile \"%1\"; one of: %2")
              .arg(mode, kcptunModes().join(u' ')));
    check(mtu >= 50 && mtu <= 1500, QStringLiteral("--mtu must be 50..1500, got %1").arg(mtu));
    check(sndwnd >= 1 && sndwnd <= 65535,
          QStringLiteral("--sndwnd must be 1..65535 segments, got %1").arg(sndwnd));
    check(rcvwnd >= 1 && rcvwnd <= 65535,
          QStringLiteral("--rcvwnd must be 1..65535 segments, got %1").arg(rcvwnd));
    check(datashard >= 0 && parityshard >= 0 && datashard <= 255 && parityshard <= 255 &&
              datashard + parityshard <= 256,
          QStringLiteral("--datashard/--parityshard must be 0..255 with a sum of at most 256, "
                         "got %1/%2")
              .arg(datashard)
              .arg(parityshard));
    check(dscp >= 0 && dscp <= 63, QStringLiteral("--dscp must be 0..63, got %1").arg(dscp));
    check(interval >= 1 && interval <= 5000,
          QStringLiteral("--interval must be 1..5000 ms, got %1").arg(interval));
    check(nodelay >= 0 && resend >= 0 && nc >= 0,
          QStringLiteral("--nodelay, --resend and --nc must not be negative"));
    check(sockbuf >= 0, QStringLiteral("--sockbuf must not be negative, got %1").arg(sockbuf));
    check(smuxver == 1 || smuxver == 2,
          QStringLiteral("--smuxver must be 1 or 2, got %1 (and equal on both ends)").arg(smuxver));
    check(smuxbuf > 0, QStringLiteral("--smuxbuf must be positive, got %1").arg(smuxbuf));
    check(streambuf > 0, QStringLiteral("--streambuf must be positive, got %1").arg(streambuf));
    check(streambuf <= smuxbuf,
          QStringLiteral("--streambuf (%1) must not be larger than --smuxbuf (%2)")
              .arg(streambuf)
              .arg(smuxbuf));
    check(keepalive >= 1 && keepalive <= SmuxKeepAliveTimeoutSeconds,
          QStringLiteral("--keepalive must be 1..%1 s (smux closes a session after %1 s of "
                         "silence), got %2")
              .arg(SmuxKeepAliveTimeoutSeconds)
              .arg(keepalive));
    check(snmplog.isEmpty() || snmpperiod >= 1,
          QStringLiteral("--snmpperiod must be at least 1 s when --snmplog is set, got %1")
              .arg(snmpperiod));
    check(!tcp, QStringLiteral("--tcp (fake TCP through tcpraw) is not supported by KcpDesk"));
    if (!metrics.isEmpty())
        checkAddress("metrics", metrics, {false, true, true});
    check(parseThinRedundancy(thinredundancy).has_value(),
          QStringLiteral("--thinredundancy must be auto, off or a copy count 2..%1 (0 and 1 "
                         "also mean off), got \"%2\"")
              .arg(Kcp::MaxThinCopies)
              .arg(thinredundancy));
    check(workers >= 0 && workers <= MaxWorkers,
          QStringLiteral("--workers must be 0..%1 threads, got %2").arg(MaxWorkers).arg(workers));
    check(rxcoalesce >= 0 && rxcoalesce <= MaxRxCoalesceMs,
          QStringLiteral("--rxcoalesce must be 0..%1 ms, got %2").arg(MaxRxCoalesceMs).arg(rxcoalesce));
    return problems;
}

QStringList KcptunConfig::warnings() const
{
    QStringList w;
    if (role == TunnelRole::Server && pprof)
        w << QStringLiteral("--pprof is kcptun's Go profiler; ignored");
    return w;
}

std::optional<int> parseThinRedundancy(const QString& value)
{
    if (value == QLatin1String("auto"))
        return Kcp::ThinRedundancyAuto;
    if (value == QLatin1String("off"))
        return 0;
    bool ok = false;
    const int copies = value.toInt(&ok);
    if (ok && copies >= 0 && copies <= Kcp::MaxThinCopies)
        return copies;
    return std::nullopt;
}

SessionConfig KcptunConfig::sessionConfig() const
{
    return sessionConfig(deriveKcptunKey(key.toStdString()));
}

SessionConfig KcptunConfig::sessionConfig(const SessionKey& derivedKey) const
{
    SessionConfig s;
    s.crypt = crypt.toStdString();
    s.key = derivedKey;
    // kcp-go enables FEC only with both counts positive; otherwise neither side has a header.
    const bool fec = datashard > 0 && parityshard > 0;
    s.dataShards = fec ? datashard : 0;
    s.parityShards = fec ? parityshard : 0;
    s.mtu = mtu;
    s.sndWnd = sndwnd;
    s.rcvWnd = rcvwnd;
    s.noDelay = NoDelayParams{nodelay, interval, resend, nc};
    s.ackNoDelay = acknodelay;
    s.streamMode = true;
    s.writeDelay = false;
    s.thinRedundancy = parseThinRedundancy(thinredundancy).value_or(Kcp::ThinRedundancyAuto);
    s.selectiveWindow = !kcpgowindow;
    return s;
}

SmuxConfig KcptunConfig::smuxConfig() const
{
    SmuxConfig s;
    s.version = smuxver;
    s.keepAliveInterval = Millis(std::max(keepalive, 0)) * 1000;
    s.keepAliveTimeout = Millis(SmuxKeepAliveTimeoutSeconds) * 1000;
    s.maxReceiveBuffer = smuxbuf;
    s.maxStreamBuffer = streambuf;
    s.maxOutputBuffer = std::size_t(TunnelSendBacklog);  // see TunnelSendBacklog
    return s;
}

std::optional<HostPortRange> KcptunConfig::localAddress() const
{
    return parseHostPort(localaddr, {false, true, true});
}

std::optional<HostPortRange> KcptunConfig::remoteAddress() const
{
    return parseHostPort(remoteaddr, {true, false, false});
}

std::optional<HostPortRange> KcptunConfig::listenAddress() const
{
    return parseHostPort(listen, {true, isListener(role, true), true});
}

std::optional<HostPortRange> KcptunConfig::targetAddress() const
{
    if (targetIsUnixSocket())
        return std::nullopt;
    return parseHostPort(target, {false, false, false});
}

bool KcptunConfig::targetIsUnixSocket() const
{
    // kcptun: a target that net.SplitHostPort rejects is dialled as a unix socket. We only take
    // that for something that looks like a path, so a typo'd host:port stays an error.
    return target.startsWith(u'/') || target.startsWith(QStringLiteral("./")) ||
           target.startsWith(QStringLiteral("@"));
}

} // namespace kcp::tunnel
