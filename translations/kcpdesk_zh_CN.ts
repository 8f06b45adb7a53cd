<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LabSettings</name>
    <message>
        <location filename="../app/lab/lab_settings.cpp" line="51"/>
        <source>%1 must be between 0 and 100 %.</source>
        <translation>%1 必须在 0 到 100 % 之间。</translation>
    </message>
    <message>
        <location filename="../app/lab/lab_settings.cpp" line="53"/>
        <source>Loss</source>
        <translation>丢包</translation>
    </message>
    <message>
        <location filename="../app/lab/lab_settings.cpp" line="54"/>
        <source>Burst start probability</source>
        <translation>突发开始概率</translation>
    </message>
    <message>
        <location filename="../app/lab/lab_settings.cpp" line="55"/>
        <source>Burst end probability</source>
        <translation>突发结束概率</translation>
    </message>
    <message>
        <location filename="../app/lab/lab_settings.cpp" line="56"/>
        <source>Loss inside a burst</source>
        <translation>突发内丢包率</translation>
    </message>
    <message>
        <location filename="../app/lab/lab_settings.cpp" line="57"/>
        <source>Reordering</source>
        <translation>乱序</translation>
    </message>
    <message>
        <location filename="../app/lab/lab_settings.cpp" line="58"/>
        <source>Duplication</source>
        <translation>重复</translation>
    </message>
    <message>
        <location filename="../app/lab/lab_settings.cpp" line="60"/>
        <source>Delays must be at most 10000 ms.</source>
        <translation>延迟不能超过 10000 ms。</translation>
    </message>
</context>
<context>
    <name>LinkAdvisor</name>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="157"/>
        <source>No answer from the server</source>
        <translation>服务器没有应答</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="158"/>
        <source>For %1 s this side sent %2 datagrams to %3 and received none that decrypted. The server may be down or unreachable (address, port, a firewall), or its key, crypt, FEC or mtu differ from these settings: a kcptun server drops what it cannot decrypt without a word, so a mismatch looks like silence.</source>
        <translation>在 %1 秒内，本端向 %3 发送了 %2 个数据报，却没有收到任何一个能解密的回复。服务器可能已停止或无法到达（地址、端口、防火墙），也可能它的 key、crypt、FEC 或 mtu 与这里的设置不同：kcptun 服务器会悄无声息地丢弃无法解密的数据，所以设置不一致看起来就像没有回应。</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="185"/>
        <source>More parity: FEC %1/%2 is too weak for %3 loss</source>
        <translation>增加冗余：FEC %1/%2 不足以应对 %3 的丢包</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="190"/>
        <source>The link lost %1 of %2 FEC datagrams. With %3 data and %4 parity shards, about %5 of the data shards are lost beyond what parity can rebuild; each waits for a retransmission, at least one round trip (%6 ms).</source>
        <translation>链路丢失了 %2 个 FEC 数据报中的 %1。在 %3 个数据分片、%4 个校验分片下，约有 %5 的数据分片丢失得超出了校验能重建的范围；每个都要等待重传，至少一个往返（%6 ms）。</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="203"/>
        <source>Measured: %1 were not rebuilt, more than the %2 of independent losses: the loss comes in bursts, and more parity helps less than this estimate says.</source>
        <translation>实测：有 %1 未能重建，多于独立丢包时的 %2：丢包是成串出现的，增加校验分片的效果会比这个估算差。</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="214"/>
        <source>%1/%2 brings that to %3 for %4 of extra bandwidth instead of %5. Set it on both ends.</source>
        <translation>%1/%2 可将其降到 %3，额外带宽为 %4（目前为 %5）。请在两端同时设置。</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="228"/>
        <source>Even %1/%2 (%3 of extra bandwidth) leaves %4: at this loss the ARQ will keep retransmitting; look for the cause of the loss (a congested or throttled path).</source>
        <translation>即使 %1/%2（额外带宽 %3）也会剩下 %4：在这样的丢包率下 ARQ 会不断重传；请查找丢包的原因（拥塞或被限速的路径）。</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="246"/>
        <source>FEC off: the link hardly loses anything</source>
        <translation>关闭 FEC：链路几乎不丢包</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="247"/>
        <source>Less parity: the link loses %1</source>
        <translation>减少冗余：链路丢包率为 %1</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="249"/>
        <source>The link lost %1 of %2 FEC datagrams. Parity costs %3 of extra bandwidth at %4/%5; %6 leaves %7 of the data shards to the ARQ, which retransmits them. Set it on both ends.</source>
        <translation>链路丢失了 %2 个 FEC 数据报中的 %1。在 %4/%5 下校验分片占用 %3 的额外带宽；%6 会把 %7 的数据分片留给 ARQ 重传。请在两端同时设置。</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="257"/>
        <source>FEC off</source>
        <translation>关闭 FEC</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="277"/>
        <source>Turn FEC on: %1 of segments are retransmitted</source>
        <translation>开启 FEC：%1 的分段被重传</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="278"/>
        <source>%1 of %2 segments sent were retransmissions, each at least one round trip (%3 ms) late. FEC %4/%5 (%6 of extra bandwidth) would rebuild all but about %7 of the data shards at that loss without waiting. Set it on both ends.</source>
        <translation>发送的 %2 个分段中有 %1 是重传，每个至少晚一个往返（%3 ms）。在这样的丢包率下，FEC %4/%5（额外带宽 %6）无需等待即可重建除约 %7 以外的全部数据分片。请在两端同时设置。</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="305"/>
        <source>Larger send window: %1 segments cap the throughput</source>
        <translation>增大发送窗口：%1 个分段限制了吞吐量</translation>
    </message>
    <message>
        <location filename="../app/advisor/link_advisor.cpp" line="306"/>
        <source>The send window was full in %1 of the samples: at most %2 segments per round trip of %3 ms, about %4 Mbit/s, whatever the link could carry. Try --sndwnd %5 here and --rcvwnd %5 or more on the peer; if the round trip grows with it, the link is the limit instead.</source>
        <translation>在 %1 的采样中发送窗口是满的：每个 %3 ms 的往返最多 %2 个分段，约 %4 Mbit/s，无论链路能承载多少。请在本端尝试 --sndwnd %5，并在对端设置 --rcvwnd %5 或更大；如果往返时间随之增长，那么瓶颈就在链路本身。</translation>
    </message>
</context>
<context>
    <name>PortHolder</name>
    <message>
        <location filename="../app/tunnel/port_holder.cpp" line="18"/>
        <source>a process of user %1</source>
        <translation>用户 %1 的一个进程</translation>
    </message>
    <message>
        <location filename="../app/tunnel/port_holder.cpp" line="19"/>
        <source>%1 (pid %2)</source>
        <translation>%1（pid %2）</translation>
    </message>
</context>
<context>
    <name>Profile</name>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="40"/>
        <source>the plugin options end with a lone &apos;\&apos;</source>
        <translation>插件选项以单独的 &apos;\&apos; 结尾</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="75"/>
        <source>“%1” is not a plugin option (expected name=value)</source>
        <translation>“%1”不是插件选项（应为 name=value）</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="91"/>
        <source>not a SIP002 ss:// link with a host and port: %1</source>
        <translation>不是带主机和端口的 SIP002 ss:// 链接：%1</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="102"/>
        <source>the ss:// link has no plugin: nothing of kcptun to import</source>
        <translation>该 ss:// 链接没有插件：没有可导入的 kcptun 设置</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="103"/>
        <source>the ss:// link&apos;s plugin is “%1”, not kcptun</source>
        <translation>该 ss:// 链接的插件是“%1”，不是 kcptun</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="126"/>
        <source>the command line uses %1…, which only its script knows: replace it with its value</source>
        <translation>命令行使用了 %1…，只有它所在的脚本知道其值：请替换为实际的值</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="145"/>
        <source>the command line has an unterminated &apos; quote</source>
        <translation>命令行中的 &apos; 引号没有闭合</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="159"/>
        <source>the command line has an unterminated &quot; quote</source>
        <translation>命令行中的 &quot; 引号没有闭合</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="241"/>
        <source>nothing to import: paste a kcptun command line, its plugin options or an ss:// link</source>
        <translation>没有可导入的内容：请粘贴 kcptun 命令行、插件选项或 ss:// 链接</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="287"/>
        <source>ss:// link</source>
        <translation>ss:// 链接</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="293"/>
        <source>plugin options</source>
        <translation>插件选项</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="298"/>
        <source>command line</source>
        <translation>命令行</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="311"/>
        <source>the %1 does not say whether it is a client or a server (no program name, -r or -t); choose the role</source>
        <translation>该%1没有说明是客户端还是服务端（没有程序名、-r 或 -t）；请选择角色</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="325"/>
        <location filename="../app/profile/kcptun_text_import.cpp" line="356"/>
        <location filename="../app/profile/profile.cpp" line="172"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="330"/>
        <source>the %1 asks for kcptun&apos;s help or version, not a tunnel</source>
        <translation>该%1请求的是 kcptun 的帮助或版本，而不是隧道</translation>
    </message>
    <message>
        <location filename="../app/profile/kcptun_text_import.cpp" line="347"/>
        <source>the %1 reads its settings from %2 (-c), which is not on this machine: import that JSON file too</source>
        <translation>该%1从 %2（-c）读取设置，而这台机器上没有该文件：请同时导入那个 JSON 文件</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="47"/>
        <source>The profile needs a name.</source>
        <translation>配置需要一个名称。</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="70"/>
        <source>&quot;role&quot; must be &quot;client&quot; or &quot;server&quot;</source>
        <translation>&quot;role&quot; 必须是 &quot;client&quot; 或 &quot;server&quot;</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="76"/>
        <source>a profile needs a &quot;name&quot; string and a &quot;kcptun&quot; object</source>
        <translation>配置需要一个 &quot;name&quot; 字符串和一个 &quot;kcptun&quot; 对象</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="82"/>
        <source>profile &quot;%1&quot;: &quot;autoStart&quot; must be true or false</source>
        <translation>配置“%1”：&quot;autoStart&quot; 必须是 true 或 false</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="98"/>
        <source>profile &quot;%1&quot;: %2</source>
        <translation>配置“%1”：%2</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="142"/>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="150"/>
        <source>%1 is not a kcptun JSON config: %2</source>
        <translation>%1 不是 kcptun JSON 配置：%2</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="153"/>
        <source>expected an object of kcptun keys</source>
        <translation>应为由 kcptun 键组成的对象</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="163"/>
        <source>%1 does not say whether it is a client or a server config (it has neither or both of remoteaddr and listen); choose the role</source>
        <translation>%1 没有说明是客户端还是服务端配置（remoteaddr 和 listen 都没有或都有）；请选择角色</translation>
    </message>
    <message>
        <location filename="../app/profile/profile.cpp" line="183"/>
        <location filename="../app/profile/profile.cpp" line="189"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>app::CsvExporter</name>
    <message>
        <location filename="../app/stats/csv_exporter.cpp" line="116"/>
        <location filename="../app/stats/csv_exporter.cpp" line="123"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>app::Glossary</name>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="21"/>
        <source>SRTT: the smoothed round-trip time KCP measures from its ACKs (largest over the tunnel&apos;s sessions). Loopback RTTs below 1 ms show as 0.</source>
        <translation>SRTT：KCP 根据 ACK 测得的平滑往返时间（取隧道各会话中的最大值）。回环地址上低于 1 ms 的 RTT 显示为 0。</translation>
    </message>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="26"/>
        <source>RTTVAR: how much the round-trip time varies; jitter raises it, and the RTO with it.</source>
        <translation>RTTVAR：往返时间的波动程度；抖动会使它升高，RTO 也随之升高。</translation>
    </message>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="30"/>
        <source>RTO: how long KCP waits for an ACK before it resends a segment: SRTT + max(interval, 4 x RTTVAR), at least 30 ms with nodelay, 100 ms without. Each timeout counts in LostSegs.</source>
        <translation>RTO：KCP 在重发一个分段前等待 ACK 的时间：SRTT + max(interval, 4 × RTTVAR)，nodelay 时至少 30 ms，否则至少 100 ms。每次超时计入 LostSegs。</translation>
    </message>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="36"/>
        <source>Retransmitted segments per second: RetransSegs = LostSegs (RTO expired) + FastRetransSegs (later segments were ACKed, --resend) + EarlyRetransSegs. Each one is a loss FEC did not repair, paid with at least one more RTT.</source>
        <translation>每秒重传的分段数：RetransSegs = LostSegs（RTO 超时）+ FastRetransSegs（后续分段已被确认，--resend）+ EarlyRetransSegs。每一个都是 FEC 没能修复的丢包，代价至少是多一个 RTT。</translation>
    </message>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="42"/>
        <source>Path loss: the share of the peer&apos;s FEC datagrams that never arrived, counted from gaps in their sequence numbers (FEC on at both ends only). Unlike retransmissions it is the link&apos;s loss, whether FEC repaired it or not.</source>
        <translation>路径丢包率：对端 FEC 数据报中从未到达的比例，由其序号的空缺统计得出（仅当两端都开启 FEC）。与重传不同，它反映的是链路本身的丢包，不论 FEC 是否修复。</translation>
    </message>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="48"/>
        <source>Emulated loss: what the Lab&apos;s link emulator dropped, to compare with the measured path loss.</source>
        <translation>模拟丢包率：实验室链路模拟器丢弃的比例，可与实测的路径丢包率对比。</translation>
    </message>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="52"/>
        <source>FEC recovered per second: FECRecovered, data shards rebuilt from parity that KCP accepted. It stays far below FECParityShards (parity received) when little is lost: parity only helps when a shard of its group is missing. FECErrs counts rebuilt shards with a bad length and should stay 0; 0 does not mean FEC is idle.</source>
        <translation>每秒 FEC 恢复数：FECRecovered，由校验分片重建并被 KCP 接受的数据分片。丢包很少时它远低于 FECParityShards（收到的校验分片）：只有当同组中缺少分片时校验才起作用。FECErrs 统计长度错误的重建分片，应保持为 0；它为 0 并不表示 FEC 没在工作。</translation>
    </message>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="60"/>
        <source>Goodput in: application bytes delivered to us (BytesReceived), after decompression.</source>
        <translation>接收有效吞吐：交付给我们的应用数据字节（BytesReceived），已解压。</translation>
    </message>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="64"/>
        <source>Goodput out: application bytes we sent (BytesSent).</source>
        <translation>发送有效吞吐：我们发送的应用数据字节（BytesSent）。</translation>
    </message>
    <message>
        <location filename="../app/stats/series_glossary.cpp" line="66"/>
        <source>Wire out: UDP payload we sent (OutBytes): goodput plus KCP and smux headers, ACKs, FEC parity, encryption headers and retransmissions. Wire out / goodput out is the overhead multiplier.</source>
        <translation>线路发送：我们发出的 UDP 负载（OutBytes）：有效吞吐加上 KCP 与 smux 头、ACK、FEC 校验、加密头和重传。线路发送 / 发送有效吞吐即开销倍数。</translation>
    </message>
</context>
<context>
    <name>app::LabEngine</name>
    <message>
        <location filename="../app/lab/lab_engine.cpp" line="118"/>
        <source>Cannot bind UDP on 127.0.0.1: %1</source>
        <translation>无法在 127.0.0.1 上绑定 UDP：%1</translation>
    </message>
</context>
<context>
    <name>app::ProfileStore</name>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="40"/>
        <source>not valid JSON (at byte %1: %2)</source>
        <translation>不是有效的 JSON（第 %1 字节：%2）</translation>
    </message>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="48"/>
        <source>not a KcpDesk profiles file (no &quot;format&quot;: &quot;%1&quot;)</source>
        <translation>不是 KcpDesk 配置文件（没有 &quot;format&quot;: &quot;%1&quot;）</translation>
    </message>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="53"/>
        <source>written by a newer KcpDesk (format version %1, this one reads %2)</source>
        <translation>由更新版本的 KcpDesk 写入（格式版本 %1，本版本只能读取 %2）</translation>
    </message>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="99"/>
        <source>Cannot load profiles from %1: %2.</source>
        <translation>无法从 %1 载入配置：%2。</translation>
    </message>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="100"/>
        <source> The file was kept as %1.</source>
        <translation>该文件已另存为 %1。</translation>
    </message>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="101"/>
        <source> Could not keep a copy of it as %1.</source>
        <translation>无法将其另存为 %1。</translation>
    </message>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="107"/>
        <source> The last good copy (%1) was loaded instead.</source>
        <translation>已改为载入上一个完好的副本（%1）。</translation>
    </message>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="122"/>
        <source>Cannot create the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="155"/>
        <location filename="../app/profile/profile_store.cpp" line="162"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../app/profile/profile_store.cpp" line="238"/>
        <source>%1 (copy)</source>
        <translation>%1（副本）</translation>
    </message>
</context>
<context>
    <name>app::SampleHeadline</name>
    <message>
        <location filename="../app/stats/sample_headline.cpp" line="20"/>
        <source>%1 kbit/s</source>
        <translation>%1 kbit/s</translation>
    </message>
    <message>
        <location filename="../app/stats/sample_headline.cpp" line="21"/>
        <source>%1 Mbit/s</source>
        <translation>%1 Mbit/s</translation>
    </message>
    <message>
        <location filename="../app/stats/sample_headline.cpp" line="27"/>
        <source>no KCP session yet</source>
        <translation>还没有 KCP 会话</translation>
    </message>
    <message>
        <location filename="../app/stats/sample_headline.cpp" line="28"/>
        <source>RTT %1 ms · ↓ %2 ↑ %3</source>
        <translation>RTT %1 ms · ↓ %2 ↑ %3</translation>
    </message>
    <message>
        <location filename="../app/stats/sample_headline.cpp" line="32"/>
        <source> · loss %1 %</source>
        <translation> · 丢包 %1 %</translation>
    </message>
    <message>
        <location filename="../app/stats/sample_headline.cpp" line="35"/>
        <source> · wire ×%1</source>
        <translation> · 线路 ×%1</translation>
    </message>
</context>
<context>
    <name>app::SnmpLogReport</name>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="71"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="73"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="75"/>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="76"/>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="131"/>
        <source>cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="152"/>
        <source>%1 files</source>
        <translation>%1 个文件</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="161"/>
        <source>kcptun SNMP log %1: %2 rows</source>
        <translation>kcptun SNMP 日志 %1：%2 行</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="164"/>
        <source>  fewer than two rows: no interval to measure (kcptun writes one row every --snmpperiod seconds, 60 by default)</source>
        <translation>  不足两行：没有可测量的时间段（kcptun 每 --snmpperiod 秒写一行，默认 60 秒）</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="170"/>
        <source>  %1 to %2 (%3, a row every %4 s on average)</source>
        <translation>  %1 至 %2（%3，平均每 %4 秒一行）</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="175"/>
        <source>  kcptun restarted %1 time(s) (counters went down); each restart starts its counts again</source>
        <translation>  kcptun 重启了 %1 次（计数器变小）；每次重启都从零开始计数</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="179"/>
        <source>  %1 rows from kcp-go 5.6.22/23 (no FECShortShards value) were realigned to their header</source>
        <translation>  %1 行来自 kcp-go 5.6.22/23（缺少 FECShortShards 的值），已按表头重新对齐</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="184"/>
        <source>  %1 line(s) skipped:</source>
        <translation>  跳过了 %1 行：</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="189"/>
        <source>  columns not charted: %1</source>
        <translation>  未绘制的列：%1</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="196"/>
        <source>traffic        sent %1 and received %2 of application data; %3 of UDP payload sent, %4 received</source>
        <translation>流量           发送应用数据 %1，接收 %2；发送 UDP 负载 %3，接收 %4</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="205"/>
        <source>               the wire carried %1x the application data sent (headers, ACKs, FEC parity, retransmissions)</source>
        <translation>               线路上传输的数据是发送的应用数据的 %1 倍（头部、ACK、FEC 校验、重传）</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="209"/>
        <source>The wire carries %1x what the application sent. Usually retransmissions on a lossy path or a window far larger than the link needs: try a smaller --sndwnd, and look at the retransmission line above (kcptun#91).</source>
        <translation>线路上传输的数据是应用发送量的 %1 倍。通常是丢包路径上的重传，或窗口远大于链路所需：请尝试更小的 --sndwnd，并查看上面的重传一行（kcptun#91）。</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="218"/>
        <source>retransmitted  %1 of the %2 segments sent (%3 by timeout, %4 fast, %5 early)</source>
        <translation>重传           发送的 %2 个分段中 %1 被重传（超时 %3，快速 %4，提前 %5）</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="226"/>
        <source>FEC            %1 parity shards received, %2 data shards rebuilt; FECErrs %3</source>
        <translation>FEC            收到 %1 个校验分片，重建 %2 个数据分片；FECErrs %3</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="231"/>
        <source>integrity      %1 datagrams failed decryption or crc (InCsumErrors), %2 rejected by KCP (KCPInErrors)</source>
        <translation>完整性         %1 个数据报解密或 crc 校验失败（InCsumErrors），%2 个被 KCP 拒绝（KCPInErrors）</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="238"/>
        <source>No parity arrived, so the peer sends without FEC, and %1 of the segments sent were retransmitted, each at least a round trip late. FEC (--datashard 10 --parityshard 3, the same on both ends) rebuilds most such losses without waiting.</source>
        <translation>没有收到任何校验分片，说明对端未使用 FEC，而发送的分段中有 %1 被重传，每个至少晚一个往返。FEC（--datashard 10 --parityshard 3，两端相同）可以不必等待就重建大部分此类丢包。</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="245"/>
        <source>Parity rebuilt %1 data shards for every 100 parity shards received, and only %2 of segments needed a retransmission: the link loses little. FEC costs parityshard/datashard extra bandwidth; fewer parity shards or FEC off (on both ends) would save it. FECRecovered far below FECParityShards is normal on a good link (kcptun#865).</source>
        <translation>每收到 100 个校验分片只重建了 %1 个数据分片，且只有 %2 的分段需要重传：链路丢包很少。FEC 会占用 parityshard/datashard 的额外带宽；减少校验分片或关闭 FEC（两端同时）可以省下这部分带宽。在良好的链路上 FECRecovered 远低于 FECParityShards 是正常的（kcptun#865）。</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="254"/>
        <source>FECErrs is %1: rebuilt shards had impossible lengths. The two ends probably use different --datashard/--parityshard; set the same on both.</source>
        <translation>FECErrs 为 %1：重建的分片长度不可能成立。两端很可能使用了不同的 --datashard/--parityshard；请在两端设置相同的值。</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="259"/>
        <source>%1 datagrams failed decryption or crc: a client with another --key or --crypt (kcptun drops them without a reply, so that client sees only silence), or something probing the port.</source>
        <translation>%1 个数据报解密或 crc 校验失败：某个客户端使用了不同的 --key 或 --crypt（kcptun 会不作回应地丢弃它们，所以该客户端只会看到沉默），或者有程序在探测这个端口。</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="266"/>
        <source>advice: nothing stands out in these counters.</source>
        <translation>建议：这些计数器中没有明显的问题。</translation>
    </message>
    <message>
        <location filename="../app/stats/snmp_log_report.cpp" line="269"/>
        <source>advice:</source>
        <translation>建议：</translation>
    </message>
</context>
<context>
    <name>app::TunnelManager</name>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="158"/>
        <source>stopped; no more retries</source>
        <translation>已停止；不再重试</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="284"/>
        <source>Trying again at %1 (attempt %2).</source>
        <translation>将于 %1 重试（第 %2 次）。</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="311"/>
        <source>port %1 is used by the running profile “%2”</source>
        <translation>端口 %1 正被运行中的配置“%2”使用</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="316"/>
        <source>port %1 is held by %2; stop it or choose another port</source>
        <translation>端口 %1 被 %2 占用；请停止它或换一个端口</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="349"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="351"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="353"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="368"/>
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="368"/>
        <source>server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="372"/>
        <source>%1
%2, running on port %3</source>
        <translation>%1
%2，运行于端口 %3</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="375"/>
        <source>no answer from %1: server down, or another key, crypt or FEC</source>
        <translation>%1 没有应答：服务器未运行，或 key、crypt、FEC 不一致</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="383"/>
        <source>%1
%2, failed; trying again at %3</source>
        <translation>%1
%2，失败；将于 %3 重试</translation>
    </message>
    <message>
        <location filename="../app/tunnel/tunnel_manager.cpp" line="385"/>
        <source>%1
%2, %3</source>
        <translation>%1
%2，%3</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/kcpdesk/main.cpp" line="41"/>
        <source>Encrypted KCP tunnels you can see into (kcptun compatible).</source>
        <translation>可以看清内部状况的加密 KCP 隧道（兼容 kcptun）。</translation>
    </message>
    <message>
        <location filename="../app/kcpdesk/main.cpp" line="47"/>
        <source>Profiles file (default: %1).</source>
        <translation>配置文件（默认：%1）。</translation>
    </message>
    <message>
        <location filename="../app/kcpdesk/main.cpp" line="51"/>
        <source>Open the Lab tab and start it.</source>
        <translation>打开实验室标签页并启动。</translation>
    </message>
    <message>
        <location filename="../app/kcpdesk/main.cpp" line="53"/>
        <source>With --lab: also run the FEC-off comparison.</source>
        <translation>与 --lab 一起使用：同时运行关闭 FEC 的对照。</translation>
    </message>
    <message>
        <location filename="../app/kcpdesk/main.cpp" line="56"/>
        <source>Save a PNG of the window to file after --screenshot-delay seconds, then quit.</source>
        <translation>在 --screenshot-delay 秒后将窗口保存为 PNG 文件，然后退出。</translation>
    </message>
    <message>
        <location filename="../app/kcpdesk/main.cpp" line="60"/>
        <source>Seconds before the screenshot.</source>
        <translation>截图前等待的秒数。</translation>
    </message>
    <message>
        <location filename="../app/kcpdesk/main.cpp" line="64"/>
        <source>Do not start the profiles marked &quot;Start this tunnel when KcpDesk starts&quot;.</source>
        <translation>不启动标记为“KcpDesk 启动时启动此隧道”的配置。</translation>
    </message>
    <message>
        <location filename="../app/kcpdesk/main.cpp" line="76"/>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
</context>
<context>
    <name>ui::AdvicePanel</name>
    <message>
        <location filename="../ui/advice_panel.cpp" line="26"/>
        <source>&lt;b&gt;Advice&lt;/b&gt;</source>
        <translation>&lt;b&gt;建议&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/advice_panel.cpp" line="61"/>
        <source>Measuring the link: suggestions need about 20 s of traffic.</source>
        <translation>正在测量链路：建议需要约 20 秒的流量。</translation>
    </message>
    <message>
        <location filename="../ui/advice_panel.cpp" line="63"/>
        <source>Nothing to change: FEC and windows suit what the link does.</source>
        <translation>无需更改：FEC 和窗口设置适合这条链路。</translation>
    </message>
    <message>
        <location filename="../ui/advice_panel.cpp" line="80"/>
        <source>Suggestions for FEC and windows appear here once a tunnel or the Lab has carried traffic for a while.</source>
        <translation>隧道或实验室传输一段时间流量后，这里会出现关于 FEC 和窗口的建议。</translation>
    </message>
</context>
<context>
    <name>ui::ChartPanel</name>
    <message>
        <location filename="../ui/chart_panel.cpp" line="94"/>
        <source>Round trip</source>
        <translation>往返时间</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="94"/>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="95"/>
        <source>SRTT</source>
        <translation>SRTT</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="96"/>
        <source>RTTVAR</source>
        <translation>RTTVAR</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="97"/>
        <source>RTO</source>
        <translation>RTO</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="99"/>
        <source>Retransmissions</source>
        <translation>重传</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="99"/>
        <source>segments/s</source>
        <translation>分段/秒</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="100"/>
        <location filename="../ui/chart_panel.cpp" line="224"/>
        <source>retransmitted</source>
        <translation>重传</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="105"/>
        <source>Loss and FEC recovery</source>
        <translation>丢包与 FEC 恢复</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="105"/>
        <source>loss %</source>
        <translation>丢包 %</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="107"/>
        <source>recovered/s</source>
        <translation>恢复/秒</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="111"/>
        <source>path loss %</source>
        <translation>路径丢包 %</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="112"/>
        <source>emulated loss %</source>
        <translation>模拟丢包 %</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="114"/>
        <source>FEC recovered/s</source>
        <translation>FEC 恢复/秒</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="117"/>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="117"/>
        <source>Mbit/s</source>
        <translation>Mbit/s</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="118"/>
        <source>goodput in</source>
        <translation>接收有效吞吐</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="120"/>
        <source>goodput out</source>
        <translation>发送有效吞吐</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="122"/>
        <source>wire out</source>
        <translation>线路发送</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="135"/>
        <source>last minute</source>
        <translation>最近 1 分钟</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="136"/>
        <source>last %1 minutes</source>
        <translation>最近 %1 分钟</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="137"/>
        <source>last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="139"/>
        <source>&amp;Show:</source>
        <translation>显示(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="166"/>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <location filename="../ui/chart_panel.cpp" line="226"/>
        <source>in, %1</source>
        <translation>接收，%1</translation>
    </message>
</context>
<context>
    <name>ui::LabPanel</name>
    <message>
        <location filename="../ui/lab_panel.cpp" line="28"/>
        <source>Emulated link (each direction)</source>
        <translation>模拟链路（每个方向）</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="35"/>
        <source>Independent random loss per packet</source>
        <translation>每个包独立的随机丢包</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="42"/>
        <source>Loss:</source>
        <translation>丢包：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="50"/>
        <source>Chance per packet that a loss burst begins (Gilbert-Elliott)</source>
        <translation>每个包开始一段突发丢包的概率（Gilbert-Elliott）</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="54"/>
        <source> packets</source>
        <translation> 个包</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="55"/>
        <source>Mean length of a burst; every packet in it is lost</source>
        <translation>突发的平均长度；其中每个包都会丢失</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="58"/>
        <source>mean length</source>
        <translation>平均长度</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="60"/>
        <source>Burst loss:</source>
        <translation>突发丢包：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="72"/>
        <source>Delay:</source>
        <translation>延迟：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="78"/>
        <source>Extra random delay 0..jitter per packet (reorders packets)</source>
        <translation>每个包额外随机延迟 0..抖动（会造成乱序）</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="79"/>
        <source>Jitter:</source>
        <translation>抖动：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="84"/>
        <source>Chance a packet is held back by half the delay (at least 10 ms)</source>
        <translation>一个包被额外延迟半个延迟时间（至少 10 ms）的概率</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="85"/>
        <source>Reorder:</source>
        <translation>乱序：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="90"/>
        <source>unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="92"/>
        <source>Bottleneck rate with a 100 ms drop-tail queue</source>
        <translation>瓶颈速率，带 100 ms 的尾部丢弃队列</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="93"/>
        <source>Rate:</source>
        <translation>速率：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="96"/>
        <source>KCP session</source>
        <translation>KCP 会话</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="98"/>
        <source>FEC</source>
        <translation>FEC</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="109"/>
        <source>data /</source>
        <translation>数据 /</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="111"/>
        <source>parity</source>
        <translation>校验</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="112"/>
        <source>Forward error correction:</source>
        <translation>前向纠错：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="117"/>
        <source>Crypt:</source>
        <translation>加密：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="121"/>
        <source>Mode:</source>
        <translation>模式：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="132"/>
        <source>send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="134"/>
        <source>receive</source>
        <translation>接收</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="136"/>
        <source>Windows (segments):</source>
        <translation>窗口（分段）：</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="137"/>
        <source>Compare with FEC off</source>
        <translation>与关闭 FEC 对比</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="138"/>
        <source>Runs a second pair with FEC off through the same link settings</source>
        <translation>用相同的链路设置再运行一对关闭 FEC 的会话</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="143"/>
        <location filename="../ui/lab_panel.cpp" line="243"/>
        <source>Start lab</source>
        <translation>启动实验室</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="147"/>
        <source>Start the lab to see a KCP pair on 127.0.0.1 through this link.</source>
        <translation>启动实验室，观察一对 KCP 会话在 127.0.0.1 上经过这条链路的表现。</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="243"/>
        <source>Stop lab</source>
        <translation>停止实验室</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="258"/>
        <source>Goodput %1, SRTT %2 ms, RTO %3 ms, %4 retransmissions/s.</source>
        <translation>有效吞吐 %1，SRTT %2 ms，RTO %3 ms，每秒重传 %4 次。</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="264"/>
        <source>Measured path loss %1 % (emulator dropped %2 %), FEC rebuilt %3 packets/s.</source>
        <translation>实测路径丢包 %1 %（模拟器丢弃 %2 %），FEC 每秒重建 %3 个包。</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="270"/>
        <source>Emulator dropped %1 % (path loss is measured from FEC sequence numbers: turn FEC on to see it).</source>
        <translation>模拟器丢弃 %1 %（路径丢包由 FEC 序号测得：开启 FEC 才能看到）。</translation>
    </message>
    <message>
        <location filename="../ui/lab_panel.cpp" line="274"/>
        <source>FEC off: goodput %1, %2 retransmissions/s.</source>
        <translation>关闭 FEC：有效吞吐 %1，每秒重传 %2 次。</translation>
    </message>
</context>
<context>
    <name>ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="43"/>
        <source>KcpDesk</source>
        <translation>KcpDesk</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="56"/>
        <source>Quit KcpDesk</source>
        <translation>退出 KcpDesk</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window.cpp" line="57"/>
        <source>%n tunnel(s) are running. Quitting KcpDesk stops them.</source>
        <translation>
            <numerusform>有 %n 条隧道正在运行。退出 KcpDesk 会停止它们。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="75"/>
        <source>&amp;Tunnels</source>
        <translation>隧道(&amp;T)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="77"/>
        <source>&amp;Lab</source>
        <translation>实验室(&amp;L)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="101"/>
        <source>%1: a session ended: %2</source>
        <translation>%1：一个会话已结束：%2</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="118"/>
        <location filename="../ui/main_window.cpp" line="326"/>
        <location filename="../ui/main_window.cpp" line="769"/>
        <location filename="../ui/main_window.cpp" line="797"/>
        <source>Lab: %1</source>
        <translation>实验室：%1</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="144"/>
        <source>&amp;Add profile…</source>
        <translation>添加配置(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="145"/>
        <source>&amp;Edit profile…</source>
        <translation>编辑配置(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="146"/>
        <source>D&amp;uplicate profile</source>
        <translation>复制配置(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="148"/>
        <source>&amp;Delete profile</source>
        <translation>删除配置(&amp;D)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="150"/>
        <source>&amp;Import kcptun config…</source>
        <translation>导入 kcptun 配置文件(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="151"/>
        <source>Import kcptun &amp;command line or link…</source>
        <translation>导入 kcptun 命令行或链接(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="152"/>
        <source>Ctrl+Shift+V</source>
        <translation>Ctrl+Shift+V</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="153"/>
        <source>E&amp;xport kcptun config…</source>
        <translation>导出 kcptun 配置文件(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="154"/>
        <location filename="../ui/main_window.cpp" line="392"/>
        <source>&amp;Start</source>
        <translation>启动(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="155"/>
        <source>Export &amp;CSV…</source>
        <translation>导出 CSV(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="156"/>
        <source>Save charts as &amp;PNG…</source>
        <translation>将图表保存为 PNG(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="157"/>
        <source>Open kcptun SNMP &amp;log…</source>
        <translation>打开 kcptun SNMP 日志(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="158"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="174"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="184"/>
        <source>&amp;Profile</source>
        <translation>配置(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="190"/>
        <source>Profiles</source>
        <translation>配置</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="218"/>
        <location filename="../ui/main_window.cpp" line="383"/>
        <source>Start</source>
        <translation>启动</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="247"/>
        <source>Apply the suggestion to the profile</source>
        <translation>将建议应用到配置</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="266"/>
        <source>Apply the first suggestion</source>
        <translation>应用第一条建议</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="279"/>
        <source>FEC on</source>
        <translation>开启 FEC</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="312"/>
        <source>“%1” now has %2. Restart the tunnel to use it; %3</source>
        <translation>“%1”现在使用 %2。重启隧道后生效；%3</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="315"/>
        <source>the peer&apos;s --rcvwnd should be at least as large.</source>
        <translation>对端的 --rcvwnd 应至少同样大。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="316"/>
        <source>set the same on the %1.</source>
        <translation>请在%1上做相同设置。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="317"/>
        <source>server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="317"/>
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="378"/>
        <source>Select a profile</source>
        <translation>请选择一个配置</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="378"/>
        <source>No profiles yet</source>
        <translation>还没有配置</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="379"/>
        <source>Add a profile (or import a kcptun JSON config) to run a tunnel, or try the Lab tab: a KCP link with no server.</source>
        <translation>添加一个配置（或导入 kcptun JSON 配置文件）来运行隧道，或者试试实验室标签页：无需服务器的 KCP 链路。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="390"/>
        <source>Stop “%1”</source>
        <translation>停止“%1”</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="391"/>
        <source>Start “%1”</source>
        <translation>启动“%1”</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="392"/>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="396"/>
        <source>Client: TCP %1 → KCP %2</source>
        <translation>客户端：TCP %1 → KCP %2</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="397"/>
        <source>Server: KCP %1 → TCP %2</source>
        <translation>服务端：KCP %1 → TCP %2</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="398"/>
        <source>, crypt %1, mode %2, FEC %3/%4</source>
        <translation>，加密 %1，模式 %2，FEC %3/%4</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window.cpp" line="409"/>
        <source>Running on port %1, %n KCP session(s).</source>
        <translation>
            <numerusform>运行于端口 %1，%n 个 KCP 会话。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="411"/>
        <source>Running on port %1; no session yet: point an application at this port.</source>
        <translation>运行于端口 %1；还没有会话：请让应用程序连接这个端口。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="414"/>
        <source>Running on port %1; no client connected yet.</source>
        <translation>运行于端口 %1；还没有客户端连接。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="418"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="420"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="443"/>
        <source>“%1” could not start: %2</source>
        <translation>“%1”无法启动：%2</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="447"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="475"/>
        <source>No tunnel running</source>
        <translation>没有运行中的隧道</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window.cpp" line="475"/>
        <source>%n tunnel(s) running</source>
        <translation>
            <numerusform>%n 条隧道运行中</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="501"/>
        <source>Saved “%1”; restart the tunnel to apply the changes.</source>
        <translation>已保存“%1”；重启隧道后更改生效。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="504"/>
        <source>Saved “%1”.</source>
        <translation>已保存“%1”。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="513"/>
        <source>New tunnel</source>
        <translation>新隧道</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="541"/>
        <source>Deleted “%1”.</source>
        <translation>已删除“%1”。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="547"/>
        <source>Open kcptun SNMP log</source>
        <translation>打开 kcptun SNMP 日志</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="548"/>
        <source>kcptun SNMP logs (*.log *.csv);;All files (*)</source>
        <translation>kcptun SNMP 日志 (*.log *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="555"/>
        <source>Cannot open the SNMP log: %1</source>
        <translation>无法打开 SNMP 日志：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window.cpp" line="563"/>
        <source>Opened %1: %n interval(s).</source>
        <translation>
            <numerusform>已打开 %1：%n 个时间段。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="570"/>
        <location filename="../ui/main_window.cpp" line="581"/>
        <source>Import kcptun config</source>
        <translation>导入 kcptun 配置文件</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="571"/>
        <source>kcptun JSON (*.json);;All files (*)</source>
        <translation>kcptun JSON (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="582"/>
        <source>%1 does not say whether it is a client or a server config:</source>
        <translation>%1 没有说明是客户端还是服务端配置：</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="603"/>
        <source>Import kcptun command line or link</source>
        <translation>导入 kcptun 命令行或链接</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="606"/>
        <source>Paste a kcptun-client or kcptun-server command line, shadowsocks plugin options (key=…;crypt=…) or an ss:// link with the kcptun plugin:</source>
        <translation>粘贴 kcptun-client 或 kcptun-server 命令行、shadowsocks 插件选项（key=…;crypt=…）或带 kcptun 插件的 ss:// 链接：</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="616"/>
        <source>The text does not say whether it is for a client or a server:</source>
        <translation>这段文字没有说明是用于客户端还是服务端：</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="624"/>
        <source>Import: %1</source>
        <translation>导入：%1</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="627"/>
        <source>the pasted text</source>
        <translation>粘贴的文字</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="634"/>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="634"/>
        <source>Server</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="647"/>
        <source>Imported “%1” from %2.</source>
        <translation>已从 %2 导入“%1”。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="650"/>
        <source>Fix before starting: %1</source>
        <translation>启动前请修正：%1</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="664"/>
        <source>Export kcptun config</source>
        <translation>导出 kcptun 配置文件</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="665"/>
        <source>kcptun JSON (*.json)</source>
        <translation>kcptun JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="673"/>
        <source>Exported “%1” to %2 (kcptun -c format).</source>
        <translation>已将“%1”导出到 %2（kcptun -c 格式）。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="694"/>
        <source>Lab</source>
        <translation>实验室</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="696"/>
        <source>Lab, FEC off</source>
        <translation>实验室，关闭 FEC</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="710"/>
        <source>Nothing to export yet: start a tunnel or the lab first.</source>
        <translation>还没有可导出的数据：请先启动隧道或实验室。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="716"/>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="716"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window.cpp" line="723"/>
        <source>Wrote %n sample(s) to %1.</source>
        <translation>
            <numerusform>已将 %n 个采样写入 %1。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="738"/>
        <source>Save charts as PNG</source>
        <translation>将图表保存为 PNG</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="739"/>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="743"/>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="745"/>
        <source>Saved the charts to %1.</source>
        <translation>已将图表保存到 %1。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="763"/>
        <source>Lab stopped.</source>
        <translation>实验室已停止。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="778"/>
        <source>FEC %1/%2</source>
        <translation>FEC %1/%2</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="779"/>
        <location filename="../ui/main_window.cpp" line="800"/>
        <source>FEC off</source>
        <translation>关闭 FEC</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="783"/>
        <source>Lab running: a KCP pair on 127.0.0.1 through the emulated link.</source>
        <translation>实验室运行中：一对 KCP 会话在 127.0.0.1 上经过模拟链路。</translation>
    </message>
</context>
<context>
    <name>ui::ProfileEditorDialog</name>
    <message>
        <location filename="../ui/profile_editor_dialog.cpp" line="55"/>
        <source>Profile: %1</source>
        <translation>配置：%1</translation>
    </message>
    <message>
        <location filename="../ui/profile_editor_dialog.cpp" line="60"/>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../ui/profile_editor_dialog.cpp" line="63"/>
        <source>Client (local TCP port → KCP server)</source>
        <translation>客户端（本地 TCP 端口 → KCP 服务器）</translation>
    </message>
    <message>
        <location filename="../ui/profile_editor_dialog.cpp" line="64"/>
        <source>Server (KCP listener → TCP target)</source>
        <translation>服务端（KCP 监听 → TCP 目标）</translation>
    </message>
    <message>
        <location filename="../ui/profile_editor_dialog.cpp" line="66"/>
        <source>&amp;Role:</source>
        <translation>角色(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../ui/profile_editor_dialog.cpp" line="67"/>
        <source>Start this tunnel when KcpDesk starts (and keep trying until its address and port are free)</source>
        <translation>KcpDesk 启动时启动此隧道（并在地址和端口可用前持续重试）</translation>
    </message>
    <message>
        <location filename="../ui/profile_editor_dialog.cpp" line="129"/>
        <source>Main</source>
        <translation>主要</translation>
    </message>
    <message>
        <location filename="../ui/profile_editor_dialog.cpp" line="130"/>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <location filename="../ui/profile_editor_dialog.cpp" line="244"/>
        <source>Valid: kcptun would accept these settings.</source>
        <translation>有效：kcptun 会接受这些设置。</translation>
    </message>
</context>
<context>
    <name>ui::SnmpLogDialog</name>
    <message>
        <location filename="../ui/snmp_log_dialog.cpp" line="19"/>
        <source>kcptun SNMP log: %1</source>
        <translation>kcptun SNMP 日志：%1</translation>
    </message>
</context>
<context>
    <name>ui::TrayIcon</name>
    <message>
        <location filename="../ui/tray_icon.cpp" line="26"/>
        <source>Show KcpDesk</source>
        <translation>显示 KcpDesk</translation>
    </message>
    <message>
        <location filename="../ui/tray_icon.cpp" line="34"/>
        <source>Quit KcpDesk (stops every tunnel)</source>
        <translation>退出 KcpDesk（停止所有隧道）</translation>
    </message>
    <message>
        <location filename="../ui/tray_icon.cpp" line="66"/>
        <source>KcpDesk is still running</source>
        <translation>KcpDesk 仍在运行</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/tray_icon.cpp" line="67"/>
        <source>%n tunnel(s) keep running. Open KcpDesk or quit it from this icon.</source>
        <translation>
            <numerusform>%n 条隧道仍在运行。可从此图标打开或退出 KcpDesk。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/tray_icon.cpp" line="73"/>
        <source>KcpDesk: no tunnel running</source>
        <translation>KcpDesk：没有运行中的隧道</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/tray_icon.cpp" line="74"/>
        <source>KcpDesk: %n tunnel(s) running</source>
        <translation>
            <numerusform>KcpDesk：%n 条隧道运行中</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ui::TunnelMenu</name>
    <message>
        <location filename="../ui/tunnel_menu.cpp" line="27"/>
        <source>No profiles yet</source>
        <translation>还没有配置</translation>
    </message>
</context>
</TS>
