#include "kcp/tunnel/prometheus_text.h"

namespace kcp::tunnel
{

namespace
{

QByteArray labelValue(const QString& value)
{
    QByteArray v = value.toUtf8();
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return v;
}

} // namespace

QByteArray prometheusText(const TunnelSnapshot& snapshot)
{
    QByteArray out;
    for (const SnmpColumn& c : allSnmpColumns())
    {
        const QByteArray name(c.name.data(), qsizetype(c.name.size()));
        const bool gauge = name == "CurrEstab" || name == "MaxConn";
        const QByteArray metric = "kcpdesk_" + name + (gauge ? "" : "_total");
        out += "# TYPE " + metric + (gauge ? " gauge\n" : " counter\n");
        out += metric + ' ' + QByteArray::number(quint64(snapshot.snmp.*(c.field))) + '\n';
    }
    out += "# TYPE kcpdesk_tunnel_sessions gauge\nkcpdesk_tunnel_sessions " +
           QByteArray::number(qulonglong(snapshot.sessions.size())) + '\n';

    struct Field
    {
        const char* name;
        double (*get)(const TunnelSessionSnapshot&);
    };
    static const Field fields[] = {
        {"srtt_ms", [](const TunnelSessionSnapshot& s) { return double(s.kcp.srtt); }},
        {"rttvar_ms", [](const TunnelSessionSnapshot& s) { return double(s.kcp.rttVar); }},
        {"rto_ms", [](const TunnelSessionSnapshot& s) { return double(s.kcp.rto); }},
        {"cwnd", [](const TunnelSessionSnapshot& s) { return double(s.kcp.cwnd); }},
        {"snd_wnd", [](const TunnelSessionSnapshot& s) { return double(s.kcp.sndWnd); }},
        {"rcv_wnd", [](const TunnelSessionSnapshot& s) { return double(s.kcp.rcvWnd); }},
        {"remote_wnd", [](const TunnelSessionSnapshot& s) { return double(s.kcp.remoteWnd); }},
        {"inflight", [](const TunnelSessionSnapshot& s) { return double(s.kcp.inflight); }},
        {"wait_snd", [](const TunnelSessionSnapshot& s) { return double(s.kcp.waitSnd); }},
        // Thin-flow redundancy: copies per thin flight now, and the loss estimate behind it.
        {"thin_copies", [](const TunnelSessionSnapshot& s) { return double(s.kcp.thinCopies); }},
        {"thin_loss", [](const TunnelSessionSnapshot& s) { return s.kcp.thinLoss; }},
        {"streams", [](const TunnelSessionSnapshot& s) { return double(s.smux.streams); }},
        {"smux_receive_budget_bytes",
         [](const TunnelSessionSnapshot& s) { return double(s.smux.receiveBudget); }},
        {"age_seconds", [](const TunnelSessionSnapshot& s) { return double(s.ageMs) / 1000.0; }},
    };
    for (const Field& f : fields)
    {
        const QByteArray metric = QByteArray("kcpdesk_session_") + f.name;
        out += "# TYPE " + metric + " gauge\n";
        for (const TunnelSessionSnapshot& s : snapshot.sessions)
            out += metric + "{conv=\"" + QByteArray::number(s.conv) + "\",peer=\"" +
                   labelValue(s.peer) + "\"} " + QByteArray::number(f.get(s), 'g', 12) + '\n';
    }
    return out;
}

} // namespace kcp::tunnel
