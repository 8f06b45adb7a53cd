#pragma once

#include "kcp/session_core.h"
#include "kcp/smux_session.h"
#include "kcp/tunnel/host_port.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace kcp::tunnel
{

enum class TunnelRole
{
    Client,  // kcptun-client: TCP listener -> smux streams over KCP
    Server,  // kcptun-server: KCP listener -> smux streams -> TCP target
};

// Every kcptun-client and kcptun-server setting (Debian kcptun 20210922, wire-compat.md 5.3),
// under kcptun's flag / JSON key names, plus KcpDesk's own (marked). One struct for both roles:
// fields of the other role are ignored. Build with KcptunConfig::defaults(role), then apply
// flags, then JSON (loadKcptunJson), then applyModePreset(), then validate() -- kcptun's order.
// A value type; no thread rules.
struct KcptunConfig
{
    TunnelRole role = TunnelRole::Client;

    // --- client only ---
    QString localaddr = QStringLiteral(":12948");    // TCP listen address
    QString remoteaddr = QStringLiteral("vps:29900");  // KCP server, host:port or host:min-max
    int conn = 1;           // parallel KCP sessions, streams spread round-robin
    int autoexpire = 0;     // s; a session takes no new streams after this (0 = never)
    int scavengettl = 600;  // s an expired session may live on for its streams

    // --- server only ---
    QString listen = QStringLiteral(":29900");            // UDP listen address (or min-max)
    QString target = QStringLiteral("127.0.0.1:12948");  // TCP host:port, or a unix socket path
    bool pprof = false;  // Go profiler in kcptun; accepted and ignored here

    // --- both ---
    QString key = QStringLiteral("it's a secrect");  // (sic) kcptun's default; env KCPTUN_KEY
    QString crypt = QStringLiteral("aes");
    QString mode = QStringLiteral("fast");  // normal fast fast2 fast3 manual
    int mtu = 1350;
    int sndwnd = 128;   // segments; server default 1024
    int rcvwnd = 512;   // segments; server default 1024
    int datashard = 10;
    int parityshard = 3;
    int dscp = 0;
    bool nocomp = false;
    bool acknodelay = false;
    int nodelay = 0;    // manual mode only (the presets overwrite these four)
    int interval = 50;  // ms
    int resend = 0;
    int nc = 0;
    int sockbuf = 4194304;  // bytes, UDP SO_SNDBUF/SO_RCVBUF
    int smuxver = 1;
    int smuxbuf = 4194304;    // bytes, session-wide receive budget
    int streambuf = 2097152;  // bytes, v2 per-stream window
    int keepalive = 10;       // s between smux NOPs; the smux timeout stays 30 s
    QString snmplog;          // CSV path, Go time layout allowed (./snmp-20060102.log)
    int snmpperiod = 60;      // s
    QString log;              // log file, empty = stderr
    bool quiet = false;       // no per-stream open/close lines
    bool tcp = false;         // tcpraw fake TCP: not supported, refused by validate()

    // --- KcpDesk additions ---
    QString metrics;  // Prometheus text endpoint host:port, empty = off
    bool advise = false;  // kcpdesk-cli logs the link advisor's suggestions as they change
    // Thin-flow redundancy (SessionConfig::thinRedundancy): "auto", "off" or a copy count 2..8.
    QString thinredundancy = QStringLiteral("auto");
    // KCP threads (kcp::net::WorkerPool::setThreadCount): 0 runs the KCP sessions on the thread
    // that runs the TCP side (kcpdesk-cli's main thread), N > 0 on N worker threads. Only the
    // command-line program applies it; the GUI keeps its worker thread.
    int workers = 0;
    static constexpr int MaxWorkers = 64;
    // Receive coalescing (net::KcpOptions::receiveCoalesceMs): a socket that only receives a
    // steady stream reads every N ms instead of waking per datagram; 0 = never.
    int rxcoalesce = 1;
    static constexpr int MaxRxCoalesceMs = 10;
    // kcp-go's sending window (SessionConfig::selectiveWindow = false): sndwnd counted from the
    // oldest unacked segment, so a lost one stalls the sender until it is repaired.
    bool kcpgowindow = false;

    static KcptunConfig defaults(TunnelRole role);

    // kcptun applies --mode after reading JSON: normal 0/40/2/1, fast 0/30/2/1, fast2 1/20/2/1,
    // fast3 1/10/2/1 into nodelay/interval/resend/nc; manual keeps them.
    void applyModePreset();

    // Every problem, one sentence each; empty when usable. Loud where kcptun is silent: unknown
    // crypt or mode, unparsable addresses, keepalive outside 1..30, streambuf > smuxbuf, mtu over
    // 1500, --tcp, and the smux limits (wire-compat.md 4.5).
    QStringList validate() const;
    // Settings accepted but not acting the way kcptun's do, one sentence each: --pprof (a Go
    // profiler).
    QStringList warnings() const;

    // The KCP session settings (key derived with PBKDF2: slow, ~ms). FEC is on only when both
    // datashard and parityshard are positive, as in kcp-go.
    SessionConfig sessionConfig() const;
    // Derives only the key, for callers that cache it.
    SessionConfig sessionConfig(const SessionKey& key) const;
    SmuxConfig smuxConfig() const;

    // Parsed addresses; call after validate() succeeded (nullopt otherwise).
    std::optional<HostPortRange> localAddress() const;
    std::optional<HostPortRange> remoteAddress() const;
    std::optional<HostPortRange> listenAddress() const;
    // Target as host:port; nullopt if it is a unix socket path (see targetIsUnixSocket()).
    std::optional<HostPortRange> targetAddress() const;
    bool targetIsUnixSocket() const;
};

// Bytes a session's byte FIFOs below smux may hold beyond the KCP window (KcpSocket's write
// buffer: the KcpOptions the tunnel gives its sessions; smux's output: smuxConfig()). Every stream of the session queues
// behind them, so they decide how long an interactive stream waits behind a bulk one: with the
// library defaults (1 MiB + 256 KiB) a 64-byte echo sat 468 ms behind a 25 Mbit/s upload on a
// 25 ms link, where kcptun's took 101 ms. Bytes beyond them wait in their own stream's TCP socket.
// 16 KiB each keeps KCP fed between two passes (loopback at window 1024 moved the same 1.6-2
// Gbit/s) and leaves a message at most one window-full behind (test_tunnel_fairness).
inline constexpr qint64 TunnelSendBacklog = 16 * 1024;

// "normal", "fast", "fast2", "fast3", "manual".
const QStringList& kcptunModes();

// --thinredundancy: "auto" -> Kcp::ThinRedundancyAuto, "off" -> 0, "0".."8" -> that count
// (0 and 1 mean off); nullopt for anything else.
std::optional<int> parseThinRedundancy(const QString& value);

} // namespace kcp::tunnel
