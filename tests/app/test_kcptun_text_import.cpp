// Profiles from the text kcptun users already have: command lines (with a program name,
// quoting, continuations, KCPTUN_KEY), SIP003 plugin options and SIP002 ss:// links. Every
// flag goes through the library's kcptun parser: wrong input is an error naming it.

#include "profile/kcptun_text_import.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace app;
using kcp::tunnel::TunnelRole;

class TestKcptunTextImport : public QObject
{
    Q_OBJECT

    static Profile imported(const QString& text, std::optional<TunnelRole> role = std::nullopt)
    {
        QString error;
        const std::optional<Profile> p = importKcptunText(text, role, &error);
        if (!p)
            qWarning("%s", qPrintable(error));
        return p.value_or(Profile{});
    }

private slots:
    void initTestCase()
    {
        // The importer must read only the pasted text, never this machine's key.
        qputenv("KCPTUN_KEY", "this machine's key");
    }

    void commandLineFromAScript()
    {
        const Profile p = imported(
            QStringLiteral("/opt/kcptun/client_linux_amd64 -l 127.0.0.1:8388 \\\n"
                           "    -r vps.example.org:29900 --key 'a b;c' --crypt salsa20 \\\n"
                           "    -mode fast2 --nocomp --ds 5 --ps=2 -sndwnd 256"));
        QVERIFY(!p.id.isEmpty());
        QVERIFY(p.isClient());
        QCOMPARE(p.config.localaddr, QStringLiteral("127.0.0.1:8388"));
        QCOMPARE(p.config.remoteaddr, QStringLiteral("vps.example.org:29900"));
        QCOMPARE(p.config.key, QStringLiteral("a b;c"));
        QCOMPARE(p.config.crypt, QStringLiteral("salsa20"));
        QCOMPARE(p.config.mode, QStringLiteral("fast2"));
        QVERIFY(p.config.nocomp);
        QCOMPARE(p.config.datashard, 5);
        QCOMPARE(p.config.parityshard, 2);
        QCOMPARE(p.config.sndwnd, 256);
        QCOMPARE(p.config.rcvwnd, 512); // kcptun-client's default for what the line leaves out
        QVERIFY2(p.problems().isEmpty(), qPrintable(p.problems().join(' ')));
        QVERIFY(p.name.contains("vps.example.org:29900"));
    }

    void shellQuoting()
    {
        const Profile p = imported(QStringLiteral(
            "kcptun-client -r h.example:1 \\\r\n --key \"p\\\"w d\\\\\" --log 'a\"b'\\ c"));
        QCOMPARE(p.config.key, QStringLiteral("p\"w d\\"));
        QCOMPARE(p.config.log, QStringLiteral("a\"b c"));
    }

    void roleFromProgramOrFlags()
    {
        Profile server = imported(QStringLiteral("kcptun-server -t 127.0.0.1:22 -l :4000"));
        QVERIFY(!server.isClient());
        QCOMPARE(server.config.target, QStringLiteral("127.0.0.1:22"));
        QCOMPARE(server.config.listen, QStringLiteral(":4000"));
        QCOMPARE(server.config.sndwnd, 1024); // kcptun-server's defaults

        server = imported(QStringLiteral("--target 127.0.0.1:80 --key k"));
        QVERIFY(!server.id.isEmpty());
        QVERIFY(!imported(QStringLiteral("exec nohup /usr/bin/kcptun-server -t 127.0.0.1:80"))
                     .isClient());
        QVERIFY(!server.isClient());
        const Profile client = imported(QStringLiteral("-r 10.0.0.1:29900"));
        QVERIFY(client.isClient());

        // -l alone could be either role: asked, not guessed.
        QString error;
        bool needsRole = false;
        QVERIFY(!importKcptunText(QStringLiteral("-l :4000 --key k"), std::nullopt, &error,
                                  &needsRole));
        QVERIFY(needsRole);
        QVERIFY(error.contains("client or a server"));
        QVERIFY(importKcptunText(QStringLiteral("-l :4000 --key k"), TunnelRole::Server, &error));
    }

    void keyFromTheTextOnly()
    {
        Profile p =
            imported(QStringLiteral("KCPTUN_KEY=sekrit GOGC=20 exec kcptun-client -r h.example:1"));
        QCOMPARE(p.config.key, QStringLiteral("sekrit"));
        p = imported(QStringLiteral("kcptun-client -r h.example:1"));
        QCOMPARE(p.config.key, kcp::tunnel::KcptunConfig::defaults(TunnelRole::Client).key);
        p = imported(QStringLiteral("KCPTUN_KEY=x kcptun-client -r h.example:1 --key flag"));
        QCOMPARE(p.config.key, QStringLiteral("flag")); // flags over the environment
    }

    void pluginOptions()
    {
        Profile p = imported(QStringLiteral(
            "remoteaddr=vps:29900;key=a\\;b\\=c;crypt=aes-128;mode=fast3;nocomp;sndwnd=64"));
        QVERIFY(p.isClient());
        QCOMPARE(p.config.key, QStringLiteral("a;b=c"));
        QCOMPARE(p.config.crypt, QStringLiteral("aes-128"));
        QCOMPARE(p.config.mode, QStringLiteral("fast3"));
        QVERIFY(p.config.nocomp);
        QCOMPARE(p.config.sndwnd, 64);

        // Shadowsocks supplies the addresses, so options usually carry no role.
        QString error;
        bool needsRole = false;
        QVERIFY(!importKcptunText(QStringLiteral("key=k;crypt=aes;nocomp=true"), std::nullopt,
                                  &error, &needsRole));
        QVERIFY(needsRole);
        p = imported(QStringLiteral("key=k;crypt=aes;nocomp=true"), TunnelRole::Server);
        QVERIFY(!p.isClient());
        QVERIFY(p.config.nocomp);
        p = imported(QStringLiteral("server;key=k;target=127.0.0.1:8388"));
        QVERIFY(!p.isClient());
        QCOMPARE(p.config.target, QStringLiteral("127.0.0.1:8388"));
        // No flag anywhere: options, even with a blank in a value.
        p = imported(QStringLiteral("key=my secret;crypt=aes"), TunnelRole::Client);
        QCOMPARE(p.config.key, QStringLiteral("my secret"));
        // A value that starts with a dash stays a value.
        p = imported(QStringLiteral("remoteaddr=h:1;key=-k-"));
        QCOMPARE(p.config.key, QStringLiteral("-k-"));
    }

    void sip002Links()
    {
        Profile p = imported(
            QStringLiteral("ss://YWVzLTI1Ni1nY206cGFzcw@198.51.100.7:29900/"
                           "?plugin=kcptun%3Bkey%3Dsecret%3Bmode%3Dfast2%3Bnocomp#Tokyo%20VPS"));
        QVERIFY(p.isClient());
        QCOMPARE(p.name, QStringLiteral("Tokyo VPS"));
        QCOMPARE(p.config.remoteaddr, QStringLiteral("198.51.100.7:29900"));
        QCOMPARE(p.config.key, QStringLiteral("secret"));
        QCOMPARE(p.config.mode, QStringLiteral("fast2"));
        QVERIFY(p.config.nocomp);

        p = imported(QStringLiteral("ss://YWVzOnA@[2001:db8::1]:4000/?plugin=kcptun%3Bkey%3Dx"));
        QCOMPARE(p.config.remoteaddr, QStringLiteral("[2001:db8::1]:4000"));
        QVERIFY2(p.problems().isEmpty(), qPrintable(p.problems().join(' ')));
    }

    void configFileNamedByTheLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("client.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"key": "from json", "crypt": "twofish", "mtu": 1200})");
        f.close();
        // kcptun's order: the JSON over the flags.
        const Profile p =
            imported(QStringLiteral("kcptun-client -r h.example:1 --crypt aes -c %1").arg(path));
        QCOMPARE(p.config.key, QStringLiteral("from json"));
        QCOMPARE(p.config.crypt, QStringLiteral("twofish"));
        QCOMPARE(p.config.mtu, 1200);

        QString error;
        QVERIFY(!importKcptunText(QStringLiteral("kcptun-client -c /nonexistent/kcptun.json"),
                                  std::nullopt, &error));
        QVERIFY2(error.contains("/nonexistent/kcptun.json"), qPrintable(error));
    }

    void badInputIsAnErrorNamingIt_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << QString() << "nothing to import";
        QTest::newRow("unknown flag") << "kcptun-client -r h:1 --bogus 3"
                                      << "bogus";
        QTest::newRow("bad number") << "kcptun-client -r h:1 --mtu lots"
                                    << "mtu";
        QTest::newRow("stray word") << "kcptun-client -r h:1 extra"
                                    << "extra";
        QTest::newRow("unterminated escape") << "key=k;crypt=aes\\"
                                             << "\\";
        QTest::newRow("other plugin")
            << "ss://YWVzOnA@h.example:1/?plugin=v2ray-plugin%3Bmode%3Dwebsocket"
            << "v2ray-plugin";
        QTest::newRow("no plugin") << "ss://YWVzOnA@h.example:1/"
                                   << "no plugin";
        QTest::newRow("no port") << "ss://YWVzOnA@h.example/?plugin=kcptun"
                                 << "port";
        QTest::newRow("help") << "kcptun-client --help"
                              << "help";
        QTest::newRow("variable") << "kcptun-client -r h:1 --key \"$KEY\""
                                  << "$";
        QTest::newRow("command substitution") << "kcptun-client -r `cat addr`"
                                              << "`";
        QTest::newRow("open quote") << "kcptun-client -r h:1 --key 'abc"
                                    << "quote";
    }
    void badInputIsAnErrorNamingIt()
    {
        QFETCH(QString, text);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!importKcptunText(text, TunnelRole::Client, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    // Accepted, like kcptun's JSON import, but the profile says what to fix before it starts.
    void unsupportedFlagsSurfaceAsProblems()
    {
        const Profile p = imported(QStringLiteral("kcptun-client -r h.example:1 --tcp"));
        QVERIFY(p.problems().join(' ').contains("--tcp"));
        const Profile q = imported(QStringLiteral("kcptun-client -r h.example:1 --crypt rot13"));
        QVERIFY(q.problems().join(' ').contains("rot13"));
    }
};

QTEST_GUILESS_MAIN(TestKcptunTextImport)
#include "test_kcptun_text_import.moc"
