// The real window, offscreen, driven like a user: add a profile through the editor (with the
// library's validation holding OK back), start it and see a busy port reported, run the Lab
// and watch its charts fill, and export the Lab's samples as CSV to a file.

#include "stats/csv_exporter.h"
#include "ui/advice_panel.h"
#include "ui/chart_panel.h"
#include "ui/lab_panel.h"
#include "ui/main_window.h"
#include "ui/profile_editor_dialog.h"
#include "ui/snmp_log_dialog.h"
#include "ui/tunnel_menu.h"

#include <QAbstractButton>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QToolBar>
#include <QtTest>

using ui::MainWindow;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void addProfileStartItAndSeeErrors();
    void labChartsAndCsvExport();
    void labAdviceAppliesMoreParity();
    void labAdviceAppliesLargerWindow();
    void importPastedCommandLine();
    void tunnelAdviceAppliesToTheProfile();
    void trayMenuStartsAndStopsTunnels();
    void closingWithRunningTunnelsAsksFirst();
    void opensAKcptunSnmpLog();

private:
    static void clickAction(MainWindow& window, const char* name);
    static ui::ProfileEditorDialog* waitForEditor(MainWindow& window);
};

void TestMainWindow::clickAction(MainWindow& window, const char* name)
{
    auto* action = window.findChild<QAction*>(name);
    QVERIFY2(action, name);
    auto* bar = window.findChild<QToolBar*>("profileToolBar");
    QWidget* button = bar->widgetForAction(action);
    QVERIFY2(button && button->isEnabled(), name);
    QTest::mouseClick(button, Qt::LeftButton);
}

ui::ProfileEditorDialog* TestMainWindow::waitForEditor(MainWindow& window)
{
    ui::ProfileEditorDialog* editor = nullptr;
    const bool shown = QTest::qWaitFor(
        [&]
        {
            // A closed editor may linger until its deferred delete; take the open one.
            for (auto* candidate : window.findChildren<ui::ProfileEditorDialog*>("profileEditor"))
                if (candidate->isVisible())
                    editor = candidate;
            return editor != nullptr;
        },
        3000);
    return shown ? editor : nullptr;
}

void TestMainWindow::addProfileStartItAndSeeErrors()
{
    QTemporaryDir dir;
    const QString profiles = dir.filePath("profiles.json");
    MainWindow window(profiles);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.loadError().isEmpty());
    auto* list = window.findChild<QListView*>("profileList");
    QCOMPARE(list->model()->rowCount(), 0);

    clickAction(window, "addProfile");
    ui::ProfileEditorDialog* editor = waitForEditor(window);
    QVERIFY(editor);
    auto* name = qobject_cast<QLineEdit*>(editor->field("name"));
    name->selectAll();
    QTest::keyClicks(name, "Office link");
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    auto* local = qobject_cast<QLineEdit*>(editor->field("localaddr"));
    local->selectAll();
    QTest::keyClicks(local, QStringLiteral("127.0.0.1:%1").arg(busy.serverPort()));
    auto* remote = qobject_cast<QLineEdit*>(editor->field("remoteaddr"));
    remote->selectAll();
    QTest::keyClicks(remote, "127.0.0.1:29999");
    qobject_cast<QComboBox*>(editor->field("mode"))->setCurrentText("fast3");

    // A value kcptun would break on: the library says so and OK is held back.
    auto* ok = editor->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    auto* keepalive = qobject_cast<QSpinBox*>(editor->field("keepalive"));
    keepalive->setValue(45);
    QVERIFY(!ok->isEnabled());
    auto* messages = editor->findChild<QLabel*>("messages");
    QVERIFY2(messages->text().contains("keepalive"), qPrintable(messages->text()));
    keepalive->setValue(10);
    QVERIFY2(ok->isEnabled(), qPrintable(messages->text()));
    auto* autoStart = editor->findChild<QCheckBox*>("autoStart");
    QVERIFY(autoStart && !autoStart->isChecked());
    autoStart->setChecked(true);
    QTest::mouseClick(ok, Qt::LeftButton);

    QCOMPARE(list->model()->rowCount(), 1);
    QCOMPARE(window.profileStore().profiles()[0].name, QString("Office link"));
    QCOMPARE(window.profileStore().profiles()[0].config.mode, QString("fast3"));
    QVERIFY(window.profileStore().profiles()[0].autoStart);
    QCOMPARE(window.selectedProfileId(), window.profileStore().profiles()[0].id);
    QFile saved(profiles);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains("Office link"));

    // Start: the local port is taken, and the user is told which and why.
    auto* start = window.findChild<QPushButton*>("startStopButton");
    QVERIFY(start->text().contains("Start"));
    QTest::mouseClick(start, Qt::LeftButton);
    const QString banner = window.errorBanner();
    QVERIFY2(banner.contains("Office link") && banner.contains("in use") &&
                 banner.contains(QString::number(busy.serverPort())),
             qPrintable(banner));
    QVERIFY(window.findChild<QLabel*>("detailState")->text().contains("Failed"));
    // ... and the holder (this process), and that it will be tried again: the button stops that.
    QVERIFY2(banner.contains(QStringLiteral("pid %1").arg(QCoreApplication::applicationPid())) &&
                 banner.contains("Trying again"),
             qPrintable(banner));
    QVERIFY2(list->currentIndex().data().toString().contains("trying again"),
             qPrintable(list->currentIndex().data().toString()));
    QVERIFY(start->text().contains("Stop"));
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(!window.tunnels().isRetrying(window.selectedProfileId()));
    QVERIFY(start->text().contains("Start"));

    // Duplicate, point the copy at a free port, start it: the list shows it running.
    clickAction(window, "duplicateProfile");
    QCOMPARE(list->model()->rowCount(), 2);
    QCOMPARE(list->currentIndex().row(), 1);
    clickAction(window, "editProfile");
    editor = waitForEditor(window);
    QVERIFY(editor);
    local = qobject_cast<QLineEdit*>(editor->field("localaddr"));
    local->selectAll();
    QTest::keyClicks(local, "127.0.0.1:0");
    QTest::mouseClick(editor->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY2(window.errorBanner().isEmpty(), qPrintable(window.errorBanner()));
    QVERIFY2(list->currentIndex().data().toString().contains("running"),
             qPrintable(list->currentIndex().data().toString()));
    QVERIFY(start->text().contains("Stop"));
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(list->currentIndex().data().toString().contains("stopped"));

    clickAction(window, "deleteProfile");
    QCOMPARE(list->model()->rowCount(), 1);
}

void TestMainWindow::labChartsAndCsvExport()
{
    QTemporaryDir dir;
    MainWindow window(dir.filePath("profiles.json"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.lab().setSampleInterval(200);
    window.labComparison().setSampleInterval(200);

    auto* tabs = window.findChild<QTabWidget*>("tabs");
    QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(1).center());
    QCOMPARE(tabs->currentIndex(), 1);
    auto* compare = window.findChild<QAbstractButton*>("compare");
    QTRY_VERIFY(compare->isVisible() && compare->height() > 0);
    // On the box itself: the widget spans the form row, its click area is the box and label.
    QTest::mouseClick(compare, Qt::LeftButton, {}, QPoint(6, compare->height() / 2));
    auto* startLab = window.findChild<QPushButton*>("labStartStop");
    QTest::mouseClick(startLab, Qt::LeftButton);
    QVERIFY2(window.lab().isRunning(), qPrintable(window.errorBanner()));
    QVERIFY2(compare->isChecked(), "compare box not checked");
    QVERIFY2(window.labComparison().isRunning(), qPrintable(window.errorBanner()));
    QVERIFY(startLab->text().contains("Stop"));

    ui::ChartPanel* charts = window.labCharts();
    QTRY_VERIFY_WITH_TIMEOUT(charts->plottedPoints() >= 3, 5000);
    auto* srtt = charts->line("srtt");
    QVERIFY(srtt);
    // Once the first ACKs are in (a loaded machine may need a few samples), SRTT is at least
    // the emulated 2 x 25 ms.
    QTRY_VERIFY_WITH_TIMEOUT(srtt->at(srtt->count() - 1).y() > 0, 5000);
    QVERIFY2(srtt->at(srtt->count() - 1).y() >= 2 * 25,
             qPrintable(QString::number(srtt->at(srtt->count() - 1).y())));
    QTRY_VERIFY_WITH_TIMEOUT(charts->line("goodputCompare")->count() >= 2, 5000);
    QVERIFY(charts->line("goodputIn")->count() >= 3);
    QTRY_VERIFY_WITH_TIMEOUT(charts->line("linkLoss")->count() >= 1, 5000);

    // A live change from the panel reaches the running lab.
    auto* loss = window.findChild<QDoubleSpinBox*>("loss");
    loss->setValue(12);
    QCOMPARE(window.lab().settings().link.loss, 0.12);

    // Export CSV through the real action, into a temporary file.
    const QString csvPath = dir.filePath("lab.csv");
    QString askedCaption;
    window.setSaveFileChooser(
        [&](const QString& caption, const QString&, const QString&)
        {
            askedCaption = caption;
            return csvPath;
        });
    QTest::mouseClick(startLab, Qt::LeftButton); // stop first: a fixed set of samples
    QVERIFY(!window.lab().isRunning());
    const int mainRows = window.lab().series().size();
    const int compareRows = window.labComparison().series().size();
    clickAction(window, "exportCsv");
    QVERIFY(askedCaption.contains("CSV"));
    QFile file(csvPath);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(window.errorBanner()));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.first().trimmed(), app::CsvExporter::columns().join(',').toUtf8());
    QCOMPARE(lines.size() - 2, mainRows + compareRows); // header + rows + empty after last CRLF
    QVERIFY(lines[1].contains(",Lab,"));
    QVERIFY(lines[mainRows + compareRows].contains("\"Lab, FEC off\""));

    // The charts as a picture, through the same chooser.
    const QString pngPath = dir.filePath("lab.png");
    window.setSaveFileChooser(
        [&](const QString& caption, const QString&, const QString&)
        {
            askedCaption = caption;
            return pngPath;
        });
    clickAction(window, "saveChartsPng");
    QVERIFY(askedCaption.contains("PNG"));
    const QImage picture(pngPath);
    QVERIFY2(!picture.isNull(), qPrintable(window.errorBanner()));
    QCOMPARE(picture.size(), window.labCharts()->size() * window.labCharts()->devicePixelRatio());
}

// The lab through 12 % loss with FEC 10/3: the advice panel asks for more parity with the
// measured figures, and its Apply button runs the lab with it and shows it in the controls.
void TestMainWindow::labAdviceAppliesMoreParity()
{
    QTemporaryDir dir;
    MainWindow window(dir.filePath("profiles.json"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.lab().setSampleInterval(250);
    app::LinkAdvisor::Limits limits;
    limits.minSeconds = 3;
    limits.minLinkSlots = 1500;
    window.setAdvisorLimits(limits);

    auto* tabs = window.findChild<QTabWidget*>("tabs");
    tabs->setCurrentIndex(1);
    window.findChild<QDoubleSpinBox*>("loss")->setValue(12);
    QTest::mouseClick(window.findChild<QPushButton*>("labStartStop"), Qt::LeftButton);
    QVERIFY2(window.lab().isRunning(), qPrintable(window.errorBanner()));
    QCOMPARE(window.lab().settings().session.parityshard, 3);

    ui::AdvicePanel* advice = window.labAdvice();
    QVERIFY(advice->text().contains("Measuring"));
    QTRY_VERIFY_WITH_TIMEOUT(!advice->advice().isEmpty(), 15000);
    const app::Advice first = advice->advice().first();
    QCOMPARE(first.kind, app::Advice::Kind::MoreParity);
    QVERIFY(first.parityshard > 3);
    QVERIFY2(advice->text().contains(QStringLiteral("--parityshard %1").arg(first.parityshard)),
             qPrintable(advice->text()));

    auto* apply = advice->findChild<QPushButton*>("applyAdvice");
    QVERIFY(apply->isEnabled());
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(window.lab().settings().session.parityshard, first.parityshard);
    QCOMPARE(window.lab().settings().session.datashard, 10);
    QCOMPARE(window.labPanel()->settings().session.parityshard, first.parityshard);
    // Measured again from scratch under the new settings.
    QVERIFY2(advice->text().contains("Measuring"), qPrintable(advice->text()));
    QTest::mouseClick(window.findChild<QPushButton*>("labStartStop"), Qt::LeftButton);
}

// The Lab's defaults (5 % loss, 25 ms each way, FEC 10/3, sndwnd 128): FEC suits the loss, but
// the send window is full all the time. The advice says so, and Apply doubles it.
void TestMainWindow::labAdviceAppliesLargerWindow()
{
    QTemporaryDir dir;
    MainWindow window(dir.filePath("profiles.json"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.lab().setSampleInterval(250);
    app::LinkAdvisor::Limits limits;
    limits.minSeconds = 3;
    window.setAdvisorLimits(limits);
    window.findChild<QTabWidget*>("tabs")->setCurrentIndex(1);
    auto* sndwnd = window.findChild<QSpinBox*>("sndwnd");
    QCOMPARE(sndwnd->value(), 128);
    QTest::mouseClick(window.findChild<QPushButton*>("labStartStop"), Qt::LeftButton);
    QVERIFY2(window.lab().isRunning(), qPrintable(window.errorBanner()));

    ui::AdvicePanel* advice = window.labAdvice();
    QTRY_VERIFY_WITH_TIMEOUT(!advice->advice().isEmpty(), 15000);
    QCOMPARE(advice->advice().first().kind, app::Advice::Kind::LargerWindow);
    QVERIFY2(advice->text().contains("--sndwnd 256"), qPrintable(advice->text()));
    QTest::mouseClick(advice->findChild<QPushButton*>("applyAdvice"), Qt::LeftButton);
    QCOMPARE(window.lab().settings().session.sndwnd, 256);
    QVERIFY(window.lab().settings().session.rcvwnd >= 256);
    QCOMPARE(sndwnd->value(), 256);
    QTest::mouseClick(window.findChild<QPushButton*>("labStartStop"), Qt::LeftButton);
}

// File > Import kcptun command line or link: a pasted kcptun-server line becomes a selected
// profile with its flags; a line with a flag kcptun does not have is refused by name and adds
// nothing.
void TestMainWindow::importPastedCommandLine()
{
    QTemporaryDir dir;
    MainWindow window(dir.filePath("profiles.json"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QString pasted = QStringLiteral("exec /usr/bin/kcptun-server -t 127.0.0.1:22 \\\n"
                                    "  -l :29900 --key 'two words' --crypt twofish --mode fast3");
    QString askedTitle;
    window.setTextAsker(
        [&](const QString& title, const QString&, const QString&)
        {
            askedTitle = title;
            return pasted;
        });
    clickAction(window, "importText");
    QVERIFY(askedTitle.contains("command line"));
    QCOMPARE(window.profileStore().rowCount(), 1);
    const app::Profile* p = window.profileStore().find(window.selectedProfileId());
    QVERIFY(p);
    QVERIFY(!p->isClient());
    QCOMPARE(p->config.target, QStringLiteral("127.0.0.1:22"));
    QCOMPARE(p->config.key, QStringLiteral("two words"));
    QCOMPARE(p->config.crypt, QStringLiteral("twofish"));
    QCOMPARE(p->config.mode, QStringLiteral("fast3"));
    QVERIFY2(window.errorBanner().isEmpty(), qPrintable(window.errorBanner()));
    QVERIFY(window.findChild<QLabel*>("detailTitle")->text().contains("127.0.0.1:22"));

    pasted = QStringLiteral("kcptun-client -r vps:29900 --fec-magic 3");
    clickAction(window, "importText");
    QCOMPARE(window.profileStore().rowCount(), 1);
    QVERIFY2(window.errorBanner().contains("fec-magic"), qPrintable(window.errorBanner()));
}

// The tunnel view's Apply writes the advice into the selected profile and says what else to do
// (restart; the same FEC on the other end). Advice without a setting (a silent server) leaves
// the button off. The advisor's own rules are tested on real links in tests/app.
void TestMainWindow::tunnelAdviceAppliesToTheProfile()
{
    QTemporaryDir dir;
    MainWindow window(dir.filePath("profiles.json"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const app::Profile client = app::Profile::create("to vps", kcp::tunnel::TunnelRole::Client);
    window.profileStore().add(client);
    window.selectProfile(client.id);

    ui::AdvicePanel* advice = window.tunnelAdvice();
    auto* apply = advice->findChild<QPushButton*>("applyAdvice");
    QVERIFY(apply);
    app::Advice silent;
    silent.kind = app::Advice::Kind::NoAnswer;
    silent.title = "No answer from the server";
    advice->showAdvice({silent}, false);
    QVERIFY(!apply->isEnabled());

    app::Advice parity;
    parity.kind = app::Advice::Kind::MoreParity;
    parity.title = "More parity";
    parity.datashard = 10;
    parity.parityshard = 5;
    parity.flags = "--datashard 10 --parityshard 5";
    advice->showAdvice({silent, parity}, false);
    QVERIFY(apply->isEnabled());
    QTest::mouseClick(apply, Qt::LeftButton);
    const app::Profile* changed = window.profileStore().find(client.id);
    QCOMPARE(changed->config.parityshard, 5);
    QCOMPARE(changed->config.datashard, 10);
    QCOMPARE(changed->config.sndwnd, client.config.sndwnd); // nothing else touched
    const QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains("Restart") && message.contains("server"), qPrintable(message));
    // Saved: a new window on the same file sees it.
    MainWindow again(dir.filePath("profiles.json"));
    QCOMPARE(again.profileStore().find(client.id)->config.parityshard, 5);
}

void TestMainWindow::trayMenuStartsAndStopsTunnels()
{
    QTemporaryDir dir;
    MainWindow window(dir.filePath("profiles.json"));
    // The tray's menu exists whether or not this desktop shows a tray (offscreen has none).
    auto* menu = window.findChild<ui::TunnelMenu*>();
    QVERIFY(menu);
    menu->rebuild();
    QVERIFY2(menu->actions().first()->text().contains("No profiles"),
             qPrintable(menu->actions().first()->text()));
    QVERIFY(!menu->actions().first()->isEnabled());

    app::Profile client = app::Profile::create("Tokyo", kcp::tunnel::TunnelRole::Client);
    client.config.localaddr = "127.0.0.1:0";
    client.config.remoteaddr = "127.0.0.1:9";
    window.profileStore().add(client);
    menu->rebuild();
    QAction* entry = menu->findChild<QAction*>("tunnel:" + client.id);
    QVERIFY(entry);
    QCOMPARE(entry->text(), QStringLiteral("Tokyo"));
    QVERIFY(!entry->isChecked());
    QVERIFY(menu->actions().last()->text().contains("Quit"));
    entry->trigger();
    QVERIFY(window.tunnels().isRunning(client.id));
    menu->rebuild();
    entry = menu->findChild<QAction*>("tunnel:" + client.id);
    QVERIFY(entry->isChecked());
    entry->trigger();
    QCOMPARE(window.tunnels().state(client.id), app::TunnelManager::State::Stopped);
}

void TestMainWindow::closingWithRunningTunnelsAsksFirst()
{
    QTemporaryDir dir;
    MainWindow window(dir.filePath("profiles.json"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QList<int> asked;
    bool answer = false;
    window.setQuitConfirmer(
        [&](int running)
        {
            asked << running;
            return answer;
        });
    app::Profile client = app::Profile::create("Tokyo", kcp::tunnel::TunnelRole::Client);
    client.config.localaddr = "127.0.0.1:0";
    client.config.remoteaddr = "127.0.0.1:9";
    window.profileStore().add(client);
    QVERIFY(window.tunnels().start(client.id));

    // No tray here: closing would cut the tunnel, so the user is asked; Cancel keeps it.
    QVERIFY(!window.close());
    QCOMPARE(asked, QList<int>{1});
    QVERIFY(window.isVisible());
    QVERIFY(window.tunnels().isRunning(client.id));
    answer = true;
    QVERIFY(window.close());
    QCOMPARE(window.tunnels().runningCount(), 0);

    // Nothing running: nothing to ask.
    window.show();
    QVERIFY(window.close());
    QCOMPARE(asked.size(), 2);

    // File > Quit asks too; the tray's Quit, which says it stops every tunnel, does not.
    window.show();
    QVERIFY(window.tunnels().start(client.id));
    answer = false;
    window.findChild<QAction*>("quit")->trigger(); // File > Quit, Ctrl+Q
    QCOMPARE(asked.size(), 3);
    QVERIFY(window.isVisible());
    window.quit(false);
    QCOMPARE(asked.size(), 3);
    QVERIFY(!window.isVisible());
    QCOMPARE(window.tunnels().runningCount(), 0);
}

// File > Open kcptun SNMP log: a log in kcptun's layout (an hour, a row a minute, 4 MB sent per
// minute and 1 % retransmitted) opens in a window with the report and its rates charted over the
// whole hour; a file that is no log is reported in the banner.
void TestMainWindow::opensAKcptunSnmpLog()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("snmp-20261128.log");
    {
        QFile log(path);
        QVERIFY(log.open(QIODevice::WriteOnly));
        log.write("Unix,BytesSent,BytesReceived,MaxConn,ActiveOpens,PassiveOpens,CurrEstab,InErrs,"
                  "InCsumErrors,KCPInErrors,InPkts,OutPkts,InSegs,OutSegs,InBytes,OutBytes,"
                  "RetransSegs,FastRetransSegs,EarlyRetransSegs,LostSegs,RepeatSegs,"
                  "FECParityShards,FECErrs,FECRecovered,FECShortShards\n");
        const qint64 start =
            QDateTime(QDate(2026, 11, 28), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
        for (int minute = 0; minute <= 60; ++minute)
        {
            const qint64 sent = qint64(minute) * 4'000'000;
            const qint64 segs = qint64(minute) * 3000;
            log.write(QStringLiteral("%1,%2,0,1,1,0,1,0,0,0,0,%3,0,%3,0,%4,%5,%5,0,0,0,0,0,0,0\n")
                          .arg(start + 60 * minute)
                          .arg(sent)
                          .arg(segs)
                          .arg(sent * 11 / 10)
                          .arg(segs / 100)
                          .toUtf8());
        }
    }
    QTemporaryDir profiles;
    MainWindow window(profiles.filePath("profiles.json"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QString chosen = path;
    window.setOpenFileChooser([&](const QString&, const QString&, const QString&)
                              { return chosen; });
    window.findChild<QAction*>("openSnmpLog")->trigger();
    auto* dialog = window.findChild<ui::SnmpLogDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->reportText().contains("61 rows"), qPrintable(dialog->reportText()));
    QVERIFY(dialog->reportText().contains("1.00 % of the 180000 segments sent"));
    QCOMPARE(dialog->charts()->windowSeconds(), 3600);
    QLineSeries* out = dialog->charts()->line("goodputOut");
    QVERIFY(out);
    QTRY_COMPARE(out->count(), 60);
    // 4 MB a minute is 0.533 Mbit/s on the throughput chart.
    QVERIFY(qAbs(out->at(30).y() - 4e6 * 8 / 60 / 1e6) < 0.001);
    QCOMPARE(dialog->charts()->line("retrans")->at(30).y(), 30.0 / 60);
    dialog->close();

    chosen = dir.filePath("not-a-log.txt");
    {
        QFile f(chosen);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello\n");
    }
    window.findChild<QAction*>("openSnmpLog")->trigger();
    QVERIFY2(window.errorBanner().contains("not a kcptun --snmplog file"),
             qPrintable(window.errorBanner()));
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
