#include "kcp/tunnel/kcptun_options.h"

namespace kcp::tunnel
{

namespace
{

using C = KcptunConfig;

std::vector<KcptunOption> common()
{
    // kcptun's own usage strings (Debian 20210922), so --help reads the same.
    return {
        {"key", {}, &C::key, "pre-shared secret between client and server (env KCPTUN_KEY)",
         "value"},
        {"crypt", {}, &C::crypt,
         "aes, aes-128, aes-192, salsa20, blowfish, twofish, cast5, 3des, tea, xtea, xor, sm4, "
         "none (KcpDesk also: aes-128-gcm, null; unknown names are an error)",
         "value"},
        {"mode", {}, &C::mode, "profiles: fast3, fast2, fast, normal, manual", "value"},
    };
}

std::vector<KcptunOption> tail(TunnelRole role)
{
    std::vector<KcptunOption> o = {
        {"mtu", {}, &C::mtu, "set maximum transmission unit for UDP packets", "value"},
        {"sndwnd", {}, &C::sndwnd, "set send window size(num of packets)", "value"},
        {"rcvwnd", {}, &C::rcvwnd, "set receive window size(num of packets)", "value"},
        {"datashard", {"ds"}, &C::datashard, "set reed-solomon erasure coding - datashard",
         "value"},
        {"parityshard", {"ps"}, &C::parityshard, "set reed-solomon erasure coding - parityshard",
         "value"},
        {"dscp", {}, &C::dscp,
         "set DSCP(6bit), 0..63: IP_TOS / IPV6_TCLASS = dscp << 2 on the UDP socket", "value"},
        {"nocomp", {}, &C::nocomp, "disable compression", {}},
        {"acknodelay", {}, &C::acknodelay, "flush ack immediately when a packet is received", {},
         true},
        {"nodelay", {}, &C::nodelay, "manual mode: KCP nodelay", "value", true},
        {"interval", {}, &C::interval, "manual mode: KCP update interval (ms)", "value", true},
        {"resend", {}, &C::resend, "manual mode: fast retransmit threshold", "value", true},
        {"nc", {}, &C::nc, "manual mode: 1 disables congestion control", "value", true},
        {"sockbuf", {}, &C::sockbuf, "per-socket buffer in bytes", "value"},
        {"smuxver", {}, &C::smuxver, "specify smux version, available 1,2", "value"},
        {"smuxbuf", {}, &C::smuxbuf, "the overall de-mux buffer in bytes", "value"},
        {"streambuf", {}, &C::streambuf, "per stream receive buffer in bytes, smux v2+", "value"},
        {"keepalive", {}, &C::keepalive, "seconds between heartbeats (1..30)", "value"},
        {"snmplog", {}, &C::snmplog,
         "collect snmp to file, aware of timeformat in golang, like: ./snmp-20060102.log",
         "value"},
        {"snmpperiod", {}, &C::snmpperiod, "snmp collect period, in seconds", "value"},
    };
    if (role == TunnelRole::Server)
        o.push_back({"pprof", {}, &C::pprof, "start profiling server on :6060 (ignored by KcpDesk)",
                     {}});
    o.push_back({"log", {}, &C::log, "specify a log file to output, default goes to stderr",
                 "value"});
    o.push_back({"quiet", {}, &C::quiet, "to suppress the 'stream open/close' messages", {}});
    o.push_back({"tcp", {}, &C::tcp, "to emulate a TCP connection(linux) (not supported)", {}});
    o.push_back({"metrics", {}, &C::metrics,
                 "serve Prometheus text metrics on this host:port (KcpDesk)", "ADDR", false, true});
    o.push_back({"advise", {}, &C::advise,
                 "log suggestions for FEC and windows from the last minute of traffic, and a "
                 "server that never answers, whenever they change (KcpDesk)",
                 {}, false, true, true});
    o.push_back({"thinredundancy", {}, &C::thinredundancy,
                 "send each datagram of interactive (thin) traffic k times, k from the measured "
                 "loss: auto, off, or a fixed k 2..8; bulk transfers never (KcpDesk)",
                 "auto|off|N", false, true});
    o.push_back({"rxcoalesce", {}, &C::rxcoalesce,
                 "while a socket only receives a steady stream, read it every N ms instead of "
                 "waking per datagram (less CPU behind a bottleneck, up to N ms more latency on "
                 "that stream); 0 = never (KcpDesk)",
                 "MS", false, true});
    o.push_back({"kcpgowindow", {}, &C::kcpgowindow,
                 "count sndwnd from the oldest unacked segment as kcp-go does, so one loss stalls "
                 "the sender for a round trip; by default sndwnd bounds only the segments in "
                 "flight (KcpDesk)",
                 {}, false, true});
    o.push_back({"workers", {}, &C::workers,
                 "threads for KCP: 0 runs it on the main thread beside the TCP side (least CPU "
                 "per byte), N moves it to N worker threads (more throughput on fast lossy links "
                 "when cores are spare) (KcpDesk)",
                 "N", false, true, true});
    return o;
}

std::vector<KcptunOption> build(TunnelRole role)
{
    std::vector<KcptunOption> o;
    if (role == TunnelRole::Client)
    {
        o = {
            {"localaddr", {"l"}, &C::localaddr, "local listen address", "value"},
            {"remoteaddr", {"r"}, &C::remoteaddr,
             "kcp server address (host:port, [v6]:port or host:min-max)", "value"},
        };
    }
    else
    {
        o = {
            {"listen", {"l"}, &C::listen, "kcp server listen address", "value"},
            {"target", {"t"}, &C::target,
             "target server address, or path/to/unix_socket (also ./path, @abstract)", "value"},
        };
    }
    for (auto& option : common())
        o.push_back(std::move(option));
    if (role == TunnelRole::Client)
    {
        o.push_back({"conn", {}, &C::conn, "set num of UDP connections to server", "value"});
        o.push_back({"autoexpire", {}, &C::autoexpire,
                     "set auto expiration time(in seconds) for a single UDP connection, 0 to "
                     "disable",
                     "value"});
        o.push_back({"scavengettl", {}, &C::scavengettl,
                     "set how long an expired connection can live (in seconds)", "value"});
    }
    for (auto& option : tail(role))
        o.push_back(std::move(option));
    return o;
}

} // namespace

const std::vector<KcptunOption>& kcptunOptions(TunnelRole role)
{
    static const std::vector<KcptunOption> client = build(TunnelRole::Client);
    static const std::vector<KcptunOption> server = build(TunnelRole::Server);
    return role == TunnelRole::Client ? client : server;
}

} // namespace kcp::tunnel
