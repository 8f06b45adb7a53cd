// kcptun configuration: defaults, flags (one or two dashes), -c JSON, mode presets, precedence
// and validation, against kcptun 20210922's behaviour (wire-compat.md 5.3).

#include "kcp/tunnel/kcptun_command_line.h"
#include "kcp/tunnel/kcptun_json.h"
#include "kcp/tunnel/kcptun_options.h"

#include <QtTest>

using namespace kcp::tunnel;

namespace
{

QProcessEnvironment emptyEnvironment()
{
    return QProcessEnvironment();
}

KcptunCommandLine parse(TunnelRole role, const QStringList& args)
{
    return parseKcptunCommandLine(role, args, emptyEnvironment());
}

QString writeTemp(QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(content);
    return path;
}

} // namespace

class TestKcptunConfig : public QObject
{
    Q_OBJECT

private slots:
    void clientDefaults();
    void serverDefaults();
    void flagSyntax_data();
    void flagSyntax();
    void flagErrors_data();
    void flagErrors();
    void environmentKey();
    void precedenceFlagsJsonPreset();
    void jsonTypesAndKeys();
    void kcptunExampleFiles();
    void validation_data();
    void validation();
    void conversions();
    void jsonExportRoundTrips();
    void helpListsEveryFlag();
};

void TestKcptunConfig::clientDefaults()
{
    const KcptunConfig c = KcptunConfig::defaults(TunnelRole::Client);
    QCOMPARE(c.localaddr, QStringLiteral(":12948"));
    QCOMPARE(c.remoteaddr, QStringLiteral("vps:29900"));
    QCOMPARE(c.key, QStringLiteral("it's a secrect"));
    QCOMPARE(c.crypt, QStringLiteral("aes"));
    QCOMPARE(c.mode, QStringLiteral("fast"));
    QCOMPARE(c.conn, 1);
    QCOMPARE(c.autoexpire, 0);
    QCOMPARE(c.scavengettl, 600);
    QCOMPARE(c.mtu, 1350);
    QCOMPARE(c.sndwnd, 128);
    QCOMPARE(c.rcvwnd, 512);
    QCOMPARE(c.datashard, 10);
    QCOMPARE(c.parityshard, 3);
    QCOMPARE(c.dscp, 0);
    QCOMPARE(c.nocomp, false);
    QCOMPARE(c.acknodelay, false);
    QCOMPARE(c.nodelay, 0);
    QCOMPARE(c.interval, 50);
    QCOMPARE(c.resend, 0);
    QCOMPARE(c.nc, 0);
    QCOMPARE(c.sockbuf, 4194304);
    QCOMPARE(c.smuxver, 1);
    QCOMPARE(c.smuxbuf, 4194304);
    QCOMPARE(c.streambuf, 2097152);
    QCOMPARE(c.keepalive, 10);
    QCOMPARE(c.snmplog, QString());
    QCOMPARE(c.snmpperiod, 60);
    QCOMPARE(c.log, QString());
    QCOMPARE(c.quiet, false);
    QCOMPARE(c.tcp, false);
}

void TestKcptunConfig::serverDefaults()
{
    const KcptunConfig c = KcptunConfig::defaults(TunnelRole::Server);
    QCOMPARE(c.listen, QStringLiteral(":29900"));
    QCOMPARE(c.target, QStringLiteral("127.0.0.1:12948"));
    QCOMPARE(c.sndwnd, 1024);
    QCOMPARE(c.rcvwnd, 1024);
    QCOMPARE(c.mtu, 1350);
    QCOMPARE(c.smuxver, 1);
    QCOMPARE(c.pprof, false);
    // The server's defaults validate (the client's remote "vps" is a host name, valid too).
    KcptunConfig preset = c;
    preset.applyModePreset();
    QCOMPARE(preset.validate(), QStringList());
    QCOMPARE(KcptunConfig::defaults(TunnelRole::Client).validate(), QStringList());
}

void TestKcptunConfig::flagSyntax_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::newRow("--key v") << QStringList{"--key", "abc"} << "key" << "abc";
    QTest::newRow("-key v") << QStringList{"-key", "abc"} << "key" << "abc";
    QTest::newRow("-key=v") << QStringList{"-key=a=b"} << "key" << "a=b";
    QTest::newRow("--mtu=1400") << QStringList{"--mtu=1400"} << "mtu" << "1400";
    QTest::newRow("-l alias") << QStringList{"-l", "127.0.0.1:1"} << "localaddr"
                              << "127.0.0.1:1";
    QTest::newRow("--ds alias") << QStringList{"--ds", "5"} << "datashard" << "5";
    QTest::newRow("-ps=2") << QStringList{"-ps=2"} << "parityshard" << "2";
    QTest::newRow("hex int") << QStringList{"--sockbuf", "0x100"} << "sockbuf" << "256";
    QTest::newRow("bool bare") << QStringList{"--nocomp"} << "nocomp" << "true";
    QTest::newRow("bool -x") << QStringList{"-nocomp"} << "nocomp" << "true";
    QTest::newRow("bool =false") << QStringList{"--nocomp=false"} << "nocomp" << "false";
    QTest::newRow("bool =1") << QStringList{"--quiet=1"} << "quiet" << "true";
    QTest::newRow("last wins") << QStringList{"--mtu", "1000", "-mtu", "1200"} << "mtu"
                               << "1200";
    QTest::newRow("negative value") << QStringList{"--dscp", "-1"} << "dscp" << "-1";
}

void TestKcptunConfig::flagSyntax()
{
    QFETCH(QStringList, args);
    QFETCH(QString, field);
    QFETCH(QString, value);
    const KcptunCommandLine cl = parse(TunnelRole::Client, args);
    QVERIFY2(cl.error.isEmpty(), qPrintable(cl.error));
    const QJsonObject json = toKcptunJson(cl.config);
    QCOMPARE(json[field].toVariant().toString(), value);
    QVERIFY(cl.givenFlags.contains(field));
}

void TestKcptunConfig::flagErrors_data()
{
    QTest::addColumn<int>("role");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown") << 0 << QStringList{"--bogus", "1"} << "not defined: -bogus";
    QTest::newRow("server flag on client") << 0 << QStringList{"--target", "x:1"}
                                           << "not defined";
    QTest::newRow("client flag on server") << 1 << QStringList{"--conn", "2"} << "not defined";
    QTest::newRow("missing value") << 0 << QStringList{"--mtu"} << "needs an argument";
    QTest::newRow("bad int") << 0 << QStringList{"--mtu", "big"} << "not an integer";
    QTest::newRow("bad bool") << 0 << QStringList{"--nocomp=yes"} << "invalid boolean";
    QTest::newRow("positional") << 0 << QStringList{"stray"} << "unexpected argument";
    QTest::newRow("three dashes") << 0 << QStringList{"---mtu", "1"} << "bad flag syntax";
}

void TestKcptunConfig::flagErrors()
{
    QFETCH(int, role);
    QFETCH(QStringList, args);
    QFETCH(QString, error);
    const auto cl = parse(role ? TunnelRole::Server : TunnelRole::Client, args);
    QVERIFY2(cl.error.contains(error), qPrintable(cl.error));
    KcptunConfig out;
    QCOMPARE(resolveKcptunConfig(cl, out), QStringList{cl.error});
}

void TestKcptunConfig::environmentKey()
{
    QProcessEnvironment env;
    env.insert("KCPTUN_KEY", "from-env");
    QCOMPARE(parseKcptunCommandLine(TunnelRole::Server, {}, env).config.key,
             QStringLiteral("from-env"));
    QCOMPARE(parseKcptunCommandLine(TunnelRole::Server, {"-key", "flag"}, env).config.key,
             QStringLiteral("flag"));
    const auto help = parseKcptunCommandLine(TunnelRole::Client, {"-h"}, env);
    QVERIFY(help.help);
    QVERIFY(parseKcptunCommandLine(TunnelRole::Client, {"--version"}, env).version);
}

void TestKcptunConfig::precedenceFlagsJsonPreset()
{
    QTemporaryDir dir;
    const QString path = writeTemp(dir, "c.json", R"({"mtu": 1200, "mode": "fast3",
        "remoteaddr": "[::1]:4000", "interval": 77})");

    // JSON beats flags; keys absent from the JSON keep the flag value; the preset beats both.
    const auto cl = parse(TunnelRole::Client,
                          {"--mtu", "1400", "--sndwnd", "64", "-c", path, "--mode", "normal"});
    QVERIFY2(cl.error.isEmpty(), qPrintable(cl.error));
    QCOMPARE(cl.configFile, path);
    KcptunConfig c;
    QCOMPARE(resolveKcptunConfig(cl, c), QStringList());
    QCOMPARE(c.mtu, 1200);
    QCOMPARE(c.sndwnd, 64);
    QCOMPARE(c.mode, QStringLiteral("fast3"));
    QCOMPARE(c.remoteaddr, QStringLiteral("[::1]:4000"));
    QCOMPARE(c.nodelay, 1);
    QCOMPARE(c.interval, 10);  // fast3 overrides the JSON's 77
    QCOMPARE(c.resend, 2);
    QCOMPARE(c.nc, 1);

    // manual keeps the hidden flags.
    KcptunConfig m;
    QCOMPARE(resolveKcptunConfig(parse(TunnelRole::Client, {"--mode", "manual", "--interval",
                                                            "15", "--nodelay", "1", "-resend",
                                                            "3", "-nc", "1"}),
                                 m),
             QStringList());
    QCOMPARE(m.interval, 15);
    QCOMPARE(m.nodelay, 1);
    QCOMPARE(m.resend, 3);
    QCOMPARE(m.nc, 1);

    // A missing -c file is an error, not a silent default.
    KcptunConfig x;
    const QStringList missing = resolveKcptunConfig(
        parse(TunnelRole::Client, {"-c", dir.filePath("nope.json")}), x);
    QCOMPARE(missing.size(), 1);
    QVERIFY(missing[0].contains("cannot read"));
}

void TestKcptunConfig::jsonTypesAndKeys()
{
    KcptunConfig c = KcptunConfig::defaults(TunnelRole::Server);
    // Unknown keys and the other role's keys are ignored; keys match case-insensitively; null
    // leaves the value.
    QCOMPARE(loadKcptunJson(c, R"({"LISTEN": "127.0.0.1:1", "conn": 5, "whatever": [1],
                                   "key": null, "NoComp": true})"),
             QString());
    QCOMPARE(c.listen, QStringLiteral("127.0.0.1:1"));
    QCOMPARE(c.key, QStringLiteral("it's a secrect"));
    QCOMPARE(c.nocomp, true);

    const KcptunConfig before = c;
    QVERIFY(loadKcptunJson(c, R"({"mtu": "1400"})").contains("\"mtu\": expected an integer"));
    QVERIFY(loadKcptunJson(c, R"({"mtu": 1400.5})").contains("integer"));
    QVERIFY(loadKcptunJson(c, R"({"nocomp": 1})").contains("true or false"));
    QVERIFY(loadKcptunJson(c, R"({"key": 5})").contains("string"));
    QVERIFY(loadKcptunJson(c, R"({"mtu": 1400,)").contains("invalid JSON"));
    QVERIFY(loadKcptunJson(c, R"([1,2])").contains("object"));
    // A failed load changes nothing, not even keys before the bad one.
    QVERIFY(!loadKcptunJson(c, R"({"sndwnd": 7, "mtu": "x"})").isEmpty());
    QCOMPARE(toKcptunJson(c), toKcptunJson(before));
}

void TestKcptunConfig::kcptunExampleFiles()
{
    const QDir examples(QStringLiteral(KCPTUN_EXAMPLES_DIR));
    if (!examples.exists("local.json"))
        QSKIP("Debian's kcptun examples are not installed");

    KcptunConfig client;
    QCOMPARE(resolveKcptunConfig(parse(TunnelRole::Client, {"-c", examples.filePath("local.json")}),
                                 client),
             QStringList());
    QCOMPARE(client.localaddr, QStringLiteral(":2000"));
    QCOMPARE(client.remoteaddr, QStringLiteral("11.22.33.44:2000"));
    QCOMPARE(client.crypt, QStringLiteral("aes-128"));
    QCOMPARE(client.mtu, 1400);
    QCOMPARE(client.rcvwnd, 1024);
    QCOMPARE(client.dscp, 46);
    QCOMPARE(client.nocomp, true);
    QCOMPARE(client.sockbuf, 16777217);
    QCOMPARE(client.autoexpire, 1800);
    QCOMPARE(client.interval, 10);  // "interval": 40 in the file, but mode fast3 wins

    KcptunConfig server;
    QCOMPARE(resolveKcptunConfig(
                 parse(TunnelRole::Server, {"-c", examples.filePath("server.json")}), server),
             QStringList());
    QCOMPARE(server.listen, QStringLiteral(":2000"));
    QCOMPARE(server.target, QStringLiteral("127.0.0.1:9999"));
    QCOMPARE(server.sndwnd, 2048);
    QCOMPARE(server.smuxbuf, 16777217);
}

void TestKcptunConfig::validation_data()
{
    QTest::addColumn<int>("role");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("error");  // empty: valid

    QTest::newRow("client ok") << 0 << QStringList{"-r", "127.0.0.1:4000"} << "";
    QTest::newRow("multiport remote") << 0 << QStringList{"-r", "1.2.3.4:3000-3100"} << "";
    QTest::newRow("ipv6 remote") << 0 << QStringList{"-r", "[::1]:4000"} << "";
    QTest::newRow("every crypt") << 0 << QStringList{"--crypt", "sm4"} << "";
    QTest::newRow("gcm (KcpDesk)") << 0 << QStringList{"--crypt", "aes-128-gcm"} << "";
    QTest::newRow("keepalive 30") << 0 << QStringList{"--keepalive", "30"} << "";
    QTest::newRow("ds 10 ps 0") << 0 << QStringList{"--ps", "0"} << "";
    QTest::newRow("server unix target") << 1 << QStringList{"-t", "/run/app.sock"} << "";
    QTest::newRow("server range listen") << 1 << QStringList{"-l", ":3000-3003"} << "";

    QTest::newRow("unknown crypt") << 0 << QStringList{"--crypt", "aes256"}
                                   << "unknown method \"aes256\"";
    QTest::newRow("unknown mode") << 0 << QStringList{"--mode", "turbo"} << "unknown profile";
    QTest::newRow("bad remote") << 0 << QStringList{"-r", "1.2.3.4"} << "--remoteaddr";
    QTest::newRow("v6 without brackets") << 0 << QStringList{"-r", "::1:4000"} << "brackets";
    QTest::newRow("bad local") << 0 << QStringList{"-l", "localhost"} << "--localaddr";
    QTest::newRow("bad target") << 1 << QStringList{"-t", "127.0.0.1"} << "--target";
    QTest::newRow("bad listen") << 1 << QStringList{"-l", "x:y"} << "--listen";
    QTest::newRow("keepalive 31") << 0 << QStringList{"--keepalive", "31"} << "--keepalive";
    QTest::newRow("keepalive 0") << 0 << QStringList{"--keepalive", "0"} << "--keepalive";
    QTest::newRow("streambuf > smuxbuf") << 0 << QStringList{"--smuxbuf", "1000000"}
                                         << "--streambuf (2097152) must not be larger";
    QTest::newRow("mtu 1501") << 0 << QStringList{"--mtu", "1501"} << "--mtu";
    QTest::newRow("mtu 49") << 1 << QStringList{"--mtu", "49"} << "--mtu";
    QTest::newRow("smuxver 3") << 0 << QStringList{"--smuxver", "3"} << "--smuxver";
    QTest::newRow("smuxver 0") << 1 << QStringList{"--smuxver", "0"} << "--smuxver";
    QTest::newRow("tcp") << 0 << QStringList{"--tcp"} << "--tcp";
    QTest::newRow("conn 0") << 0 << QStringList{"--conn", "0"} << "--conn";
    QTest::newRow("dscp 64") << 0 << QStringList{"--dscp", "64"} << "--dscp";
    QTest::newRow("ds 300") << 0 << QStringList{"--ds", "300"} << "--datashard";
    QTest::newRow("negative ps") << 1 << QStringList{"--ps", "-1"} << "--datashard";
    QTest::newRow("sndwnd 0") << 0 << QStringList{"--sndwnd", "0"} << "--sndwnd";
    QTest::newRow("manual interval 0") << 0 << QStringList{"--mode", "manual", "--interval", "0"}
                                       << "--interval";
    QTest::newRow("snmpperiod 0") << 0 << QStringList{"--snmplog", "/tmp/x", "--snmpperiod", "0"}
                                  << "--snmpperiod";
    QTest::newRow("negative autoexpire") << 0 << QStringList{"--autoexpire", "-5"}
                                         << "--autoexpire";
    QTest::newRow("bad metrics") << 1 << QStringList{"--metrics", "nope"} << "--metrics";
    QTest::newRow("thinredundancy off") << 0 << QStringList{"--thinredundancy", "off"} << "";
    QTest::newRow("thinredundancy 8") << 1 << QStringList{"--thinredundancy", "8"} << "";
    QTest::newRow("thinredundancy 9") << 0 << QStringList{"--thinredundancy", "9"}
                                      << "--thinredundancy";
    QTest::newRow("thinredundancy word") << 1 << QStringList{"--thinredundancy", "max"}
                                         << "--thinredundancy";
}

void TestKcptunConfig::validation()
{
    QFETCH(int, role);
    QFETCH(QStringList, args);
    QFETCH(QString, error);
    const auto cl = parse(role ? TunnelRole::Server : TunnelRole::Client, args);
    QVERIFY2(cl.error.isEmpty(), qPrintable(cl.error));
    KcptunConfig c;
    const QStringList problems = resolveKcptunConfig(cl, c);
    if (error.isEmpty())
    {
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join("; ")));
        return;
    }
    QVERIFY2(problems.size() == 1 && problems[0].contains(error),
             qPrintable(problems.join("; ")));
}

void TestKcptunConfig::conversions()
{
    KcptunConfig c;
    QCOMPARE(resolveKcptunConfig(parse(TunnelRole::Client, {"--ds", "10", "--ps", "0", "--mtu",
                                                            "1400", "--smuxver", "2",
                                                            "--keepalive", "5", "--crypt",
                                                            "salsa20", "--acknodelay"}),
                                 c),
             QStringList());
    const kcp::SessionConfig s = c.sessionConfig(kcp::SessionKey{});
    QCOMPARE(s.dataShards, 0);  // kcp-go: FEC only when both are positive
    QCOMPARE(s.parityShards, 0);
    QCOMPARE(s.mtu, 1400);
    QCOMPARE(s.crypt, std::string("salsa20"));
    QCOMPARE(s.noDelay.interval, 30);
    QCOMPARE(s.ackNoDelay, true);
    QCOMPARE(s.thinRedundancy, kcp::Kcp::ThinRedundancyAuto);  // KcpDesk's default
    QCOMPARE(s.validate(), std::string());
    KcptunConfig thin = c;
    QCOMPARE(loadKcptunJson(thin, R"({"thinredundancy": "3"})"), QString());
    QCOMPARE(thin.sessionConfig(kcp::SessionKey{}).thinRedundancy, 3);
    QCOMPARE(loadKcptunJson(thin, R"({"thinredundancy": "off"})"), QString());
    QCOMPARE(thin.sessionConfig(kcp::SessionKey{}).thinRedundancy, 0);
    const kcp::SmuxConfig m = c.smuxConfig();
    QCOMPARE(m.version, 2);
    QCOMPARE(m.keepAliveInterval, kcp::Millis(5000));
    QCOMPARE(m.keepAliveTimeout, kcp::Millis(30000));
    QCOMPARE(m.maxFrameSize, 32768);
    QCOMPARE(m.maxReceiveBuffer, 4194304);
    QCOMPARE(m.maxStreamBuffer, 2097152);
    QCOMPARE(m.validate(), std::string());
    // The default key derives to the documented kcptun key (wire-compat.md 3.4).
    const kcp::SessionConfig d = KcptunConfig::defaults(TunnelRole::Client).sessionConfig();
    QCOMPARE(QByteArray(reinterpret_cast<const char*>(d.key.data()), 32).toHex(),
             QByteArray("25d7d7bd51050742d8d791f2b653c6c8b2366b7e25a124cf7a2e12eaf4ffa444"));

    KcptunConfig server;
    QCOMPARE(resolveKcptunConfig(parse(TunnelRole::Server, {"-l", "[::1]:3000-3002", "-t",
                                                            "localhost:22"}),
                                 server),
             QStringList());
    QCOMPARE(server.listenAddress()->portCount(), 3);
    QCOMPARE(server.targetAddress()->host, QStringLiteral("localhost"));
    QVERIFY(!server.targetIsUnixSocket());

    QCOMPARE(c.warnings(), QStringList());
    KcptunConfig marked = c;
    marked.dscp = 46;  // applied (test_tunnel_dscp), so no warning
    QCOMPARE(marked.warnings(), QStringList());
    KcptunConfig profiled = KcptunConfig::defaults(TunnelRole::Server);
    profiled.pprof = true;
    QCOMPARE(profiled.warnings().size(), 1);
    QVERIFY(profiled.warnings()[0].contains("--pprof"));
}

void TestKcptunConfig::jsonExportRoundTrips()
{
    for (const TunnelRole role : {TunnelRole::Client, TunnelRole::Server})
    {
        KcptunConfig c = KcptunConfig::defaults(role);
        c.key = "k";
        c.mtu = 1280;
        c.nocomp = true;
        c.metrics = "127.0.0.1:9100";
        c.workers = 2;
        c.rxcoalesce = 0;
        c.kcpgowindow = true;
        c.advise = true;
        const QJsonObject json = toKcptunJson(c);
        // Every option of the role is written, under kcptun's key.
        for (const KcptunOption& o : kcptunOptions(role))
            QVERIFY2(json.contains(o.name), qPrintable(o.name));
        KcptunConfig back = KcptunConfig::defaults(role);
        QCOMPARE(loadKcptunJson(back, QJsonDocument(json).toJson()), QString());
        QCOMPARE(toKcptunJson(back), json);
    }
    // KcpDesk's own settings stay out of the file while they are at their defaults.
    const QJsonObject plain = toKcptunJson(KcptunConfig::defaults(TunnelRole::Client));
    QVERIFY(!plain.contains("metrics"));
    QVERIFY(!plain.contains("workers"));
    QVERIFY(!plain.contains("rxcoalesce"));
    QVERIFY(!plain.contains("kcpgowindow"));
    QVERIFY(!plain.contains("advise"));
}

void TestKcptunConfig::helpListsEveryFlag()
{
    for (const TunnelRole role : {TunnelRole::Client, TunnelRole::Server})
    {
        const QString help = kcptunHelpText(role, "kcpdesk-cli");
        for (const KcptunOption& o : kcptunOptions(role))
            QVERIFY2(help.contains("--" + o.name), qPrintable(o.name));
        QVERIFY(help.contains("-c value"));
    }
    const QString client = kcptunHelpText(TunnelRole::Client, "x");
    QVERIFY(client.contains("--datashard value, --ds value"));
    QVERIFY(client.contains("(default: \":12948\")"));
    QVERIFY(client.contains("--rcvwnd value"));
    QVERIFY(client.contains("(default: 512)"));
    QVERIFY(kcptunHelpText(TunnelRole::Server, "x").contains("(default: 1024)"));
}

QTEST_GUILESS_MAIN(TestKcptunConfig)
#include "test_kcptun_config.moc"
