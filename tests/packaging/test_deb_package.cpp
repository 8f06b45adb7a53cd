// The .deb that `cpack -G DEB` makes of this build: what it holds (the binaries, the desktop
// entry, the AppStream metadata and the icon they name), what it depends on (the libraries the
// binaries really link, found by dpkg-shlibdeps), metadata that appstreamcli accepts, and a
// kcpdesk-cli from inside it that runs.

#include <QDir>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

namespace
{

struct Run
{
    int exitCode = -1;
    QByteArray output;
};

Run run(const QString& program, const QStringList& arguments, const QString& directory = {})
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    if (!directory.isEmpty())
        process.setWorkingDirectory(directory);
    process.start(program, arguments);
    if (!process.waitForFinished(240000))
    {
        process.kill();
        return {};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAll()};
}

} // namespace

class TestDebPackage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void holdsTheProgramsAndDesktopFiles();
    void dependsOnWhatTheBinariesLink();
    void desktopEntryAndMetadataAgree();
    void itsCliRuns();

private:
    QTemporaryDir m_dir;
    QString m_deb;
    QString m_root; // the package extracted
};

void TestDebPackage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const Run cpack = run(QStringLiteral(KCPDESK_CPACK), {"-G", "DEB", "-B", m_dir.filePath("out")},
                          QStringLiteral(KCPDESK_BUILD_DIR));
    QVERIFY2(cpack.exitCode == 0, cpack.output.constData());
    const QStringList debs = QDir(m_dir.filePath("out")).entryList({"*.deb"}, QDir::Files);
    QCOMPARE(debs, QStringList{QStringLiteral("kcpdesk_%1_amd64.deb").arg(KCPDESK_VERSION_STRING)});
    m_deb = m_dir.filePath("out/" + debs.first());
    m_root = m_dir.filePath("root");
    const Run extract = run("dpkg-deb", {"-x", m_deb, m_root});
    QVERIFY2(extract.exitCode == 0, extract.output.constData());
}

void TestDebPackage::holdsTheProgramsAndDesktopFiles()
{
    const Run list = run("dpkg-deb", {"-c", m_deb});
    QCOMPARE(list.exitCode, 0);
    for (const char* path :
         {"./usr/bin/kcpdesk", "./usr/bin/kcpdesk-cli", "./usr/bin/kcpdesk-demo",
          "./usr/share/applications/io.github.kcpdesk.KcpDesk.desktop",
          "./usr/share/metainfo/io.github.kcpdesk.KcpDesk.metainfo.xml",
          "./usr/share/icons/hicolor/scalable/apps/io.github.kcpdesk.KcpDesk.svg"})
        QVERIFY2(list.output.contains(QByteArray(path) + '\n'), path);
    // Stripped: the build's debug info stays out of what users download.
    const Run file = run("dpkg-deb", {"-I", m_deb});
    QVERIFY2(file.output.contains("Section: net"), file.output.constData());
    QVERIFY(QFileInfo(m_root + "/usr/bin/kcpdesk").size() <
            QFileInfo(QStringLiteral(KCPDESK_BUILD_DIR) + "/app/kcpdesk").size() / 2);
}

void TestDebPackage::dependsOnWhatTheBinariesLink()
{
    const Run depends = run("dpkg-deb", {"-f", m_deb, "Depends"});
    QCOMPARE(depends.exitCode, 0);
    for (const char* package : {"libqt6widgets6", "libqt6charts6", "libqt6network6",
                                "libbotan-2-19", "libisal2", "libsnappy1v5"})
        QVERIFY2(depends.output.contains(package), depends.output.constData());
}

void TestDebPackage::desktopEntryAndMetadataAgree()
{
    QSettings entry(m_root + "/usr/share/applications/io.github.kcpdesk.KcpDesk.desktop",
                    QSettings::IniFormat);
    entry.beginGroup("Desktop Entry");
    QCOMPARE(entry.value("Type").toString(), QStringLiteral("Application"));
    const QString exec = entry.value("Exec").toString().section(' ', 0, 0);
    QVERIFY2(QFileInfo(m_root + "/usr/bin/" + exec).isExecutable(), qPrintable(exec));
    const QString icon = entry.value("Icon").toString();
    QVERIFY(QFile::exists(m_root + "/usr/share/icons/hicolor/scalable/apps/" + icon + ".svg"));
    QVERIFY(entry.value("Categories").toString().contains("Network"));

    const QString appstream = QStandardPaths::findExecutable("appstreamcli");
    QVERIFY2(!appstream.isEmpty(), "appstreamcli (Debian's appstream) is missing");
    const Run validate = run(appstream, {"validate", "--no-net",
                                         m_root + "/usr/share/metainfo/"
                                                  "io.github.kcpdesk.KcpDesk.metainfo.xml"});
    QVERIFY2(validate.exitCode == 0, validate.output.constData());
    QFile metainfo(m_root + "/usr/share/metainfo/io.github.kcpdesk.KcpDesk.metainfo.xml");
    QVERIFY(metainfo.open(QIODevice::ReadOnly));
    const QByteArray xml = metainfo.readAll();
    QVERIFY(xml.contains("<launchable type=\"desktop-id\">io.github.kcpdesk.KcpDesk.desktop"));
    QVERIFY(xml.contains(QByteArray("<release version=\"") + KCPDESK_VERSION_STRING + '"'));
}

void TestDebPackage::itsCliRuns()
{
    const Run version = run(m_root + "/usr/bin/kcpdesk-cli", {"--version"});
    QVERIFY2(version.exitCode == 0, version.output.constData());
    QVERIFY2(version.output.contains(KCPDESK_VERSION_STRING), version.output.constData());
}

QTEST_GUILESS_MAIN(TestDebPackage)
#include "test_deb_package.moc"
