// ProfileStore on a real file in a temporary folder: round trip, atomic save with a .bak, a
// corrupt file kept (never lost) with a clear error, and kcptun JSON import/export through the
// library's own loader.

#include "profile/profile_store.h"

#include "kcp/tunnel/kcptun_json.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace app;
using kcp::tunnel::TunnelRole;

namespace
{

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

} // namespace

class TestProfileStore : public QObject
{
    Q_OBJECT

private slots:
    void roundTripKeepsEverySetting();
    void missingFileIsAnEmptyList();
    void saveKeepsBackupAndOwnerOnlyMode();
    void corruptFileIsKeptAndBackupLoaded();
    void corruptFileWithoutBackup();
    void badProfileValueIsAnError();
    void editsNotifyTheModel();
    void importsKcptunClientAndServerJson();
    void importNeedsRoleWhenFileDoesNotSay();
    void importRejectsWrongTypes();
    void exportIsLoadableKcptunJson();
    void importsDebianKcptunExamples();
};

void TestProfileStore::roundTripKeepsEverySetting()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("sub/profiles.json");
    ProfileStore store(path);
    Profile client = Profile::create("Tokyo VPS", TunnelRole::Client);
    client.config.remoteaddr = "203.0.113.7:29900";
    client.config.localaddr = "127.0.0.1:8388";
    client.config.key = "s3cret, with \"quotes\"";
    client.config.crypt = "salsa20";
    client.config.mode = "fast3";
    client.config.datashard = 5;
    client.config.parityshard = 2;
    client.config.nocomp = true;
    client.config.conn = 4;
    client.config.smuxver = 2;
    Profile server = Profile::create("Home server", TunnelRole::Server);
    server.config.listen = ":4000-4010";
    server.config.target = "127.0.0.1:22";
    server.config.mode = "manual";
    server.config.nodelay = 1;
    server.config.interval = 15;
    server.autoStart = true;
    store.add(client);
    store.add(server);
    QVERIFY2(store.save(), qPrintable(store.errorString()));

    ProfileStore loaded(path);
    QVERIFY2(loaded.load(), qPrintable(loaded.errorString()));
    QCOMPARE(loaded.rowCount(), 2);
    const Profile& c = loaded.profiles()[0];
    const Profile& s = loaded.profiles()[1];
    QCOMPARE(c.id, client.id);
    QCOMPARE(c.name, client.name);
    QVERIFY(c.isClient());
    QCOMPARE(kcp::tunnel::toKcptunJson(c.config), kcp::tunnel::toKcptunJson(client.config));
    QCOMPARE(s.id, server.id);
    QVERIFY(!s.isClient());
    QCOMPARE(kcp::tunnel::toKcptunJson(s.config), kcp::tunnel::toKcptunJson(server.config));
    QCOMPARE(s.config.interval, 15);
    QVERIFY(!c.autoStart);
    QVERIFY(s.autoStart);
    QVERIFY(!s.duplicate("copy").autoStart); // two tunnels on one port would fail each other
    QCOMPARE(loaded.data(loaded.index(0), Qt::DisplayRole).toString(), QString("Tokyo VPS"));
}

void TestProfileStore::missingFileIsAnEmptyList()
{
    QTemporaryDir dir;
    ProfileStore store(dir.filePath("none.json"));
    QVERIFY(store.load());
    QCOMPARE(store.rowCount(), 0);
    QVERIFY(store.errorString().isEmpty());
}

void TestProfileStore::saveKeepsBackupAndOwnerOnlyMode()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("profiles.json");
    ProfileStore store(path);
    store.add(Profile::create("first", TunnelRole::Client));
    QVERIFY(store.save());
    QVERIFY(!QFile::exists(path + ".bak")); // nothing to back up yet
    const QByteArray firstVersion = readAll(path);
    store.add(Profile::create("second", TunnelRole::Server));
    QVERIFY(store.save());
    QCOMPARE(readAll(path + ".bak"), firstVersion);
    QVERIFY(readAll(path).contains("second"));
    QCOMPARE(QFile::permissions(path) & (QFile::ReadOther | QFile::ReadGroup),
             QFileDevice::Permissions());
    QVERIFY(QFile::permissions(path) & QFile::ReadOwner);
}

void TestProfileStore::corruptFileIsKeptAndBackupLoaded()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("profiles.json");
    {
        ProfileStore store(path);
        store.add(Profile::create("good one", TunnelRole::Client));
        QVERIFY(store.save());
        store.add(Profile::create("good two", TunnelRole::Client));
        QVERIFY(store.save()); // .bak = {good one}
    }
    const QByteArray garbage = "{\"format\": \"kcpdesk-profiles\", \"profiles\": [ {oops";
    writeAll(path, garbage);

    ProfileStore store(path);
    QVERIFY(!store.load());
    const QString error = store.errorString();
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY2(error.contains("not valid JSON"), qPrintable(error));
    QVERIFY2(error.contains(".bak"), qPrintable(error));
    // The corrupt bytes survive in a copy named in the error ...
    const QStringList kept = QDir(dir.path()).entryList({"profiles.json.corrupt-*"}, QDir::Files);
    QCOMPARE(kept.size(), 1);
    QVERIFY(error.contains(kept[0]));
    QCOMPARE(readAll(dir.filePath(kept[0])), garbage);
    // ... the last good copy is what the user sees ...
    QCOMPARE(store.rowCount(), 1);
    QCOMPARE(store.profiles()[0].name, QString("good one"));
    // ... and saving now neither loses the copy nor turns the corrupt file into the backup.
    const QByteArray backup = readAll(path + ".bak");
    QVERIFY(store.save());
    QCOMPARE(readAll(dir.filePath(kept[0])), garbage);
    QCOMPARE(readAll(path + ".bak"), backup);
    ProfileStore again(path);
    QVERIFY(again.load());
    QCOMPARE(again.rowCount(), 1);
}

void TestProfileStore::corruptFileWithoutBackup()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("profiles.json");
    writeAll(path, "[1, 2, 3]");
    ProfileStore store(path);
    QVERIFY(!store.load());
    QVERIFY2(store.errorString().contains("not a KcpDesk profiles file"),
             qPrintable(store.errorString()));
    QCOMPARE(store.rowCount(), 0);
    QCOMPARE(QDir(dir.path()).entryList({"profiles.json.corrupt-*"}, QDir::Files).size(), 1);
    QCOMPARE(readAll(path), QByteArray("[1, 2, 3]")); // load never writes
}

void TestProfileStore::badProfileValueIsAnError()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("profiles.json");
    writeAll(path, R"({"format": "kcpdesk-profiles", "version": 1, "profiles": [
        {"id": "x", "name": "typo", "role": "client", "kcptun": {"mtu": "1400"}}]})");
    ProfileStore store(path);
    QVERIFY(!store.load());
    QVERIFY2(store.errorString().contains("mtu") && store.errorString().contains("typo"),
             qPrintable(store.errorString()));

    writeAll(path, R"({"format": "kcpdesk-profiles", "version": 1, "profiles": [
        {"name": "no role", "kcptun": {}}]})");
    QVERIFY(!store.load());
    QVERIFY2(store.errorString().contains("role"), qPrintable(store.errorString()));

    writeAll(path, R"({"format": "kcpdesk-profiles", "version": 1, "profiles": [
        {"name": "boot", "role": "server", "autoStart": "yes", "kcptun": {}}]})");
    QVERIFY(!store.load());
    QVERIFY2(store.errorString().contains("autoStart") && store.errorString().contains("boot"),
             qPrintable(store.errorString()));

    writeAll(path, R"({"format": "kcpdesk-profiles", "version": 99, "profiles": []})");
    QVERIFY(!store.load());
    QVERIFY2(store.errorString().contains("newer"), qPrintable(store.errorString()));
}

void TestProfileStore::editsNotifyTheModel()
{
    QTemporaryDir dir;
    ProfileStore store(dir.filePath("p.json"));
    QSignalSpy inserted(&store, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&store, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&store, &QAbstractItemModel::rowsRemoved);
    Profile p = Profile::create("a", TunnelRole::Client);
    QCOMPARE(store.add(p), 0);
    p.name = "renamed";
    QCOMPARE(store.update(p), 0);
    const int copyRow = store.duplicate(p.id);
    QCOMPARE(copyRow, 1);
    QCOMPARE(store.profiles()[1].name, QString("renamed (copy)"));
    QVERIFY(store.profiles()[1].id != p.id);
    QCOMPARE(store.uniqueName("renamed"), QString("renamed 2"));
    QVERIFY(store.remove(p.id));
    QVERIFY(!store.remove(p.id));
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(store.rowCount(), 1);
}

void TestProfileStore::importsKcptunClientAndServerJson()
{
    QTemporaryDir dir;
    const QString clientPath = dir.filePath("client-tokyo.json");
    writeAll(clientPath, R"({"localaddr": ":1080", "remoteaddr": "198.51.100.2:4000",
        "key": "kcp-key", "crypt": "twofish", "mode": "fast2", "datashard": 70,
        "parityshard": 30, "nocomp": true, "SockBuf": 1048576, "unknownkey": 1})");
    QString error;
    const auto client = importKcptunFile(clientPath, std::nullopt, &error);
    QVERIFY2(client, qPrintable(error));
    QVERIFY(client->isClient());
    QCOMPARE(client->name, QString("client-tokyo"));
    QCOMPARE(client->config.remoteaddr, QString("198.51.100.2:4000"));
    QCOMPARE(client->config.crypt, QString("twofish"));
    QCOMPARE(client->config.mode, QString("fast2"));
    QCOMPARE(client->config.datashard, 70);
    QCOMPARE(client->config.sockbuf, 1048576); // keys match case-insensitively, like Go
    QVERIFY(client->config.nocomp);
    QCOMPARE(client->config.sndwnd, 128); // the client's default where the file is silent
    QVERIFY2(client->problems().isEmpty(), qPrintable(client->problems().join("; ")));

    const QString serverPath = dir.filePath("server.json");
    writeAll(serverPath, R"({"listen": ":29900", "target": "127.0.0.1:8388", "crypt": "none"})");
    const auto server = importKcptunFile(serverPath, std::nullopt, &error);
    QVERIFY2(server, qPrintable(error));
    QVERIFY(!server->isClient());
    QCOMPARE(server->config.target, QString("127.0.0.1:8388"));
    QCOMPARE(server->config.sndwnd, 1024); // kcptun-server's default
}

void TestProfileStore::importNeedsRoleWhenFileDoesNotSay()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("shared.json");
    writeAll(path, R"({"key": "k", "crypt": "aes-128", "mode": "fast"})");
    QString error;
    bool needsRole = false;
    QVERIFY(!importKcptunFile(path, std::nullopt, &error, &needsRole));
    QVERIFY(needsRole);
    QVERIFY2(error.contains("client or a server"), qPrintable(error));
    const auto server = importKcptunFile(path, TunnelRole::Server, &error, &needsRole);
    QVERIFY(server);
    QVERIFY(!needsRole);
    QCOMPARE(server->config.crypt, QString("aes-128"));
}

void TestProfileStore::importRejectsWrongTypes()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.json");
    writeAll(path, R"({"remoteaddr": "1.2.3.4:5", "datashard": 1.5})");
    QString error;
    QVERIFY(!importKcptunFile(path, std::nullopt, &error));
    QVERIFY2(error.contains("datashard") && error.contains("integer"), qPrintable(error));
    writeAll(path, "not json");
    QVERIFY(!importKcptunFile(path, std::nullopt, &error));
    QVERIFY2(error.contains("not a kcptun JSON config"), qPrintable(error));
    QVERIFY(!importKcptunFile(dir.filePath("absent.json"), std::nullopt, &error));
    QVERIFY2(error.contains("Cannot read"), qPrintable(error));
}

void TestProfileStore::exportIsLoadableKcptunJson()
{
    QTemporaryDir dir;
    Profile p = Profile::create("export me", TunnelRole::Server);
    p.config.listen = ":3999";
    p.config.target = "/run/app.sock";
    p.config.key = "zz";
    const QString path = dir.filePath("out.json");
    QString error;
    QVERIFY2(exportKcptunFile(p, path, &error), qPrintable(error));
    const QJsonObject json = QJsonDocument::fromJson(readAll(path)).object();
    QCOMPARE(json.value("listen").toString(), QString(":3999"));
    QVERIFY(!json.contains("remoteaddr")); // only the server's keys
    const auto back = importKcptunFile(path, std::nullopt, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(kcp::tunnel::toKcptunJson(back->config), kcp::tunnel::toKcptunJson(p.config));
}

void TestProfileStore::importsDebianKcptunExamples()
{
    // Debian's kcptun package ships its upstream examples; when installed, they must import.
    const QDir examples("/usr/share/doc/kcptun/examples");
    const QStringList files = examples.entryList({"*.json"}, QDir::Files);
    if (files.isEmpty())
        QSKIP("kcptun's examples are not installed");
    for (const QString& name : files)
    {
        QString error;
        const auto profile = importKcptunFile(examples.filePath(name), std::nullopt, &error);
        QVERIFY2(profile, qPrintable(name + ": " + error));
        QVERIFY2(profile->isClient() == !name.contains("server"), qPrintable(name));
    }
}

QTEST_GUILESS_MAIN(TestProfileStore)
#include "test_profile_store.moc"
