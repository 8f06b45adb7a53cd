#include "ui/main_window.h"

#include "profile/kcptun_text_import.h"
#include "stats/csv_exporter.h"
#include "ui/advice_panel.h"
#include "ui/chart_panel.h"
#include "ui/lab_panel.h"
#include "ui/profile_editor_dialog.h"
#include "ui/snmp_log_dialog.h"
#include "ui/tray_icon.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace ui
{

using app::TunnelManager;

MainWindow::MainWindow(const QString& profilesPath, QWidget* parent)
    : QMainWindow(parent), m_store(profilesPath), m_tunnels(m_store)
{
    setWindowTitle(tr("KcpDesk"));
    if (!m_store.load())
        m_loadError = m_store.errorString();

    m_chooseOpen = [this](const QString& caption, const QString& dir, const QString& filter)
    { return QFileDialog::getOpenFileName(this, caption, dir, filter); };
    m_chooseSave = [this](const QString& caption, const QString& dir, const QString& filter)
    { return QFileDialog::getSaveFileName(this, caption, dir, filter); };
    m_askText = [this](const QString& title, const QString& label, const QString& text)
    { return QInputDialog::getMultiLineText(this, title, label, text); };
    m_confirmQuit = [this](int running)
    {
        return QMessageBox::question(
                   this, tr("Quit KcpDesk"),
                   tr("%n tunnel(s) are running. Quitting KcpDesk stops them.", "", running),
                   QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
    };

    buildActions();
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    m_errorBanner = new QLabel(central);
    m_errorBanner->setObjectName(QStringLiteral("errorBanner"));
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorBanner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #b71c1c; "
                                                "border: 1px solid #f5c2c0; padding: 6px; }"));
    m_errorBanner->hide();
    layout->addWidget(m_errorBanner);
    m_tabs = new QTabWidget(central);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->addTab(buildTunnelsTab(), tr("&Tunnels"));
    m_labTab = buildLabTab();
    m_tabs->addTab(m_labTab, tr("&Lab"));
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_runningLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_runningLabel);
    updateRunningCount();

    connect(&m_tunnels, &TunnelManager::tunnelStateChanged, this, &MainWindow::onTunnelState);
    // Where the desktop has a tray, tunnels live on in it while the window is closed.
    m_tray = new TrayIcon(*this, m_tunnels);
    if (m_tray->showIfAvailable())
        QApplication::setQuitOnLastWindowClosed(false);
    connect(&m_tunnels, &TunnelManager::sampleAdded, this,
            [this](const QString& id, const app::StatsSample&)
            {
                if (id == selectedProfileId())
                    updateSelection(); // the session count, and the charts
            });
    connect(&m_tunnels, &TunnelManager::sessionClosed, this,
            [this](const QString& id, const QString& reason)
            {
                const app::Profile* p = m_store.find(id);
                statusBar()->showMessage(
                    tr("%1: a session ended: %2").arg(p ? p->name : id, reason), 10000);
            });

    connect(&m_lab, &app::LabSession::sampleAdded, this,
            [this](const app::StatsSample& s)
            {
                m_labCharts->refresh();
                const app::StatsSeries& compare = m_labCompare.series();
                m_labPanel->showSample(s, m_labCompare.isRunning() && !compare.isEmpty()
                                              ? &compare.latest()
                                              : nullptr);
                updateLabAdvice();
            });
    connect(&m_labCompare, &app::LabSession::sampleAdded, this,
            [this](const app::StatsSample&) { m_labCharts->refresh(); });
    for (app::LabSession* lab : {&m_lab, &m_labCompare})
        connect(lab, &app::LabSession::failed, this,
                [this](const QString& error) { reportError(tr("Lab: %1").arg(error)); });

    if (!m_loadError.isEmpty())
        reportError(m_loadError);
    if (m_store.rowCount() > 0)
        m_profileList->setCurrentIndex(m_tunnels.index(0));
    updateSelection();
    resize(1280, 820);
}

MainWindow::~MainWindow()
{
    m_lab.stop();
    m_labCompare.stop();
    m_tunnels.stopAll();
}

void MainWindow::buildActions()
{
    auto make = [this](const QString& text, const QString& name, QKeySequence shortcut = {})
    {
        auto* action = new QAction(text, this);
        action->setObjectName(name);
        action->setShortcut(shortcut);
        return action;
    };
    m_addAction = make(tr("&Add profile…"), QStringLiteral("addProfile"), QKeySequence::New);
    m_editAction = make(tr("&Edit profile…"), QStringLiteral("editProfile"));
    m_duplicateAction = make(tr("D&uplicate profile"), QStringLiteral("duplicateProfile"));
    m_deleteAction =
        make(tr("&Delete profile"), QStringLiteral("deleteProfile"), QKeySequence::Delete);
    m_importAction =
        make(tr("&Import kcptun config…"), QStringLiteral("importProfile"), QKeySequence::Open);
    m_importTextAction = make(tr("Import kcptun &command line or link…"),
                              QStringLiteral("importText"), QKeySequence(tr("Ctrl+Shift+V")));
    m_exportAction = make(tr("E&xport kcptun config…"), QStringLiteral("exportProfile"));
    m_startStopAction = make(tr("&Start"), QStringLiteral("startStop"));
    m_exportCsvAction = make(tr("Export &CSV…"), QStringLiteral("exportCsv"));
    auto* savePng = make(tr("Save charts as &PNG…"), QStringLiteral("saveChartsPng"));
    auto* openSnmpLog = make(tr("Open kcptun SNMP &log…"), QStringLiteral("openSnmpLog"));
    auto* quitAction = make(tr("&Quit"), QStringLiteral("quit"), QKeySequence::Quit);

    connect(m_addAction, &QAction::triggered, this, &MainWindow::addProfile);
    connect(m_editAction, &QAction::triggered, this, &MainWindow::editProfile);
    connect(m_duplicateAction, &QAction::triggered, this, &MainWindow::duplicateProfile);
    connect(m_deleteAction, &QAction::triggered, this, &MainWindow::deleteProfile);
    connect(m_importAction, &QAction::triggered, this, &MainWindow::importProfile);
    connect(m_importTextAction, &QAction::triggered, this, &MainWindow::importText);
    connect(m_exportAction, &QAction::triggered, this, &MainWindow::exportProfile);
    connect(m_startStopAction, &QAction::triggered, this, &MainWindow::toggleSelectedTunnel);
    connect(m_exportCsvAction, &QAction::triggered, this, &MainWindow::exportCsv);
    connect(savePng, &QAction::triggered, this, &MainWindow::saveChartsPng);
    connect(openSnmpLog, &QAction::triggered, this, &MainWindow::openSnmpLog);
    // An explicit Quit quits even with a tray (asking first if tunnels run), unlike closing.
    connect(quitAction, &QAction::triggered, this, [this] { quit(true); });

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_importAction);
    file->addAction(m_importTextAction);
    file->addAction(m_exportAction);
    file->addSeparator();
    file->addAction(openSnmpLog);
    file->addAction(m_exportCsvAction);
    file->addAction(savePng);
    file->addSeparator();
    file->addAction(quitAction);
    QMenu* profile = menuBar()->addMenu(tr("&Profile"));
    for (QAction* a : {m_addAction, m_editAction, m_duplicateAction, m_deleteAction})
        profile->addAction(a);
    profile->addSeparator();
    profile->addAction(m_startStopAction);

    QToolBar* bar = addToolBar(tr("Profiles"));
    bar->setObjectName(QStringLiteral("profileToolBar"));
    bar->setMovable(false);
    for (QAction* a : {m_addAction, m_editAction, m_duplicateAction, m_deleteAction})
        bar->addAction(a);
    bar->addSeparator();
    bar->addAction(m_importAction);
    bar->addAction(m_importTextAction);
    bar->addAction(m_exportAction);
    bar->addSeparator();
    bar->addAction(m_exportCsvAction);
    bar->addAction(savePng);
}

QWidget* MainWindow::buildTunnelsTab()
{
    auto* splitter = new QSplitter(Qt::Horizontal);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_profileList = new QListView;
    m_profileList->setObjectName(QStringLiteral("profileList"));
    m_profileList->setModel(&m_tunnels);
    m_profileList->setSelectionMode(QAbstractItemView::SingleSelection);
    m_profileList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_profileList->setSpacing(2);
    m_profileList->setIconSize(QSize(12, 28));
    leftLayout->addWidget(m_profileList, 1);
    m_startStop = new QPushButton(tr("Start"));
    m_startStop->setObjectName(QStringLiteral("startStopButton"));
    leftLayout->addWidget(m_startStop);
    connect(m_startStop, &QPushButton::clicked, this, &MainWindow::toggleSelectedTunnel);
    connect(m_profileList, &QListView::doubleClicked, this, &MainWindow::toggleSelectedTunnel);
    connect(m_profileList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::updateSelection);
    connect(&m_tunnels, &QAbstractItemModel::dataChanged, this, &MainWindow::updateSelection);
    connect(&m_tunnels, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateSelection);
    connect(&m_tunnels, &QAbstractItemModel::modelReset, this, &MainWindow::updateSelection);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_detailTitle = new QLabel;
    m_detailTitle->setObjectName(QStringLiteral("detailTitle"));
    QFont titleFont = m_detailTitle->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_detailTitle->setFont(titleFont);
    m_detailState = new QLabel;
    m_detailState->setObjectName(QStringLiteral("detailState"));
    m_detailState->setWordWrap(true);
    m_detailState->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tunnelCharts = new ChartPanel;
    m_tunnelCharts->setObjectName(QStringLiteral("tunnelCharts"));
    rightLayout->addWidget(m_detailTitle);
    rightLayout->addWidget(m_detailState);
    rightLayout->addWidget(m_tunnelCharts, 1);
    m_tunnelAdvice = new AdvicePanel(tr("Apply the suggestion to the profile"));
    m_tunnelAdvice->setObjectName(QStringLiteral("tunnelAdvice"));
    rightLayout->addWidget(m_tunnelAdvice);
    connect(m_tunnelAdvice, &AdvicePanel::applyRequested, this, &MainWindow::applyTunnelAdvice);

    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({320, 960});
    return splitter;
}

QWidget* MainWindow::buildLabTab()
{
    auto* splitter = new QSplitter(Qt::Horizontal);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    m_labPanel = new LabPanel;
    m_labPanel->setObjectName(QStringLiteral("labPanel"));
    m_labAdvice = new AdvicePanel(tr("Apply the first suggestion"));
    m_labAdvice->setObjectName(QStringLiteral("labAdvice"));
    auto* column = new QWidget;
    auto* columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->addWidget(m_labPanel);
    columnLayout->addWidget(m_labAdvice);
    columnLayout->addStretch(1);
    scroll->setWidget(column);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(m_labPanel->minimumSizeHint().width() + 24);
    m_labCharts = new ChartPanel;
    m_labCharts->setObjectName(QStringLiteral("labCharts"));
    m_labCharts->setSource(&m_lab.series(), tr("FEC on"));
    splitter->addWidget(scroll);
    splitter->addWidget(m_labCharts);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({460, 820});

    connect(m_labPanel, &LabPanel::startStopClicked, this, &MainWindow::toggleLab);
    connect(m_labPanel, &LabPanel::compareToggled, this, &MainWindow::setLabComparison);
    connect(m_labPanel, &LabPanel::settingsChanged, this, &MainWindow::applyLabSettings);
    connect(m_labAdvice, &AdvicePanel::applyRequested, this,
            [this](const app::Advice& advice)
            {
                app::LabSettings s = m_labPanel->settings();
                app::applyAdvice(advice, s.session);
                m_labPanel->setSettings(s); // the controls show what now runs
                applyLabSettings(s);
            });
    return splitter;
}

void MainWindow::applyTunnelAdvice(const app::Advice& advice)
{
    const app::Profile* current = m_store.find(selectedProfileId());
    if (!current)
        return;
    app::Profile changed = *current;
    if (!app::applyAdvice(advice, changed.config))
        return;
    m_store.update(changed);
    saveProfiles();
    // A running tunnel keeps its settings until restarted, and FEC must match on both ends:
    // the user decides when, and sees what to change on the other side.
    statusBar()->showMessage(
        tr("“%1” now has %2. Restart the tunnel to use it; %3")
            .arg(changed.name, advice.flags,
                 advice.kind == app::Advice::Kind::LargerWindow
                     ? tr("the peer's --rcvwnd should be at least as large.")
                     : tr("set the same on the %1.")
                           .arg(changed.isClient() ? tr("server") : tr("client"))),
        20000);
    updateSelection();
}

void MainWindow::applyLabSettings(const app::LabSettings& s)
{
    if (const QStringList problems = s.problems(); !problems.isEmpty())
    {
        reportError(tr("Lab: %1").arg(problems.join(QLatin1Char(' '))));
        return;
    }
    clearError();
    const bool newSessions = !m_lab.settings().sameSession(s);
    m_lab.setSettings(s);
    if (m_labCompare.isRunning())
        m_labCompare.setSettings(s.withoutFec());
    if (newSessions)
    {
        // What the old settings measured says nothing about the new ones.
        m_labAdviceSince = m_lab.series().totalAppended();
        updateLabAdvice();
    }
}

void MainWindow::updateLabAdvice()
{
    if (!m_lab.isRunning())
    {
        m_labAdvice->clear();
        return;
    }
    const kcp::tunnel::KcptunConfig& config = m_lab.settings().session;
    const app::LinkSummary link =
        app::LinkAdvisor::summarize(m_lab.series(), m_labAdviceSince, 60, config.sndwnd);
    const QList<app::Advice> advice = app::LinkAdvisor(m_advisorLimits).advise(link, config);
    m_labAdvice->showAdvice(advice, advice.isEmpty() && link.seconds < m_advisorLimits.minSeconds);
}

QString MainWindow::selectedProfileId() const
{
    return m_profileList->currentIndex().data(TunnelManager::IdRole).toString();
}

void MainWindow::selectProfile(const QString& id)
{
    const int row = m_store.indexOf(id);
    if (row >= 0)
        m_profileList->setCurrentIndex(m_tunnels.index(row));
}

void MainWindow::updateSelection()
{
    const QString id = selectedProfileId();
    const app::Profile* profile = m_store.find(id);
    for (QAction* a :
         {m_editAction, m_duplicateAction, m_deleteAction, m_exportAction, m_startStopAction})
        a->setEnabled(profile != nullptr);
    m_startStop->setEnabled(profile != nullptr);
    if (!profile)
    {
        m_detailTitle->setText(m_store.rowCount() ? tr("Select a profile") : tr("No profiles yet"));
        m_detailState->setText(tr("Add a profile (or import a kcptun JSON config) to run a "
                                  "tunnel, or try the Lab tab: a KCP link with no server."));
        m_tunnelCharts->setSource(nullptr, QString());
        m_tunnelAdvice->clear();
        m_startStop->setText(tr("Start"));
        return;
    }
    const auto state = m_tunnels.state(id);
    const bool running = state == TunnelManager::State::Running;
    // A tunnel waiting to retry is one the user asked for: the button stops the retries.
    const bool wanted = running || m_tunnels.isRetrying(id);
    m_startStop->setText(wanted ? tr("Stop “%1”").arg(profile->name)
                                : tr("Start “%1”").arg(profile->name));
    m_startStopAction->setText(wanted ? tr("&Stop") : tr("&Start"));
    m_detailTitle->setText(profile->name);
    const auto& c = profile->config;
    QString summary = profile->isClient()
                          ? tr("Client: TCP %1 → KCP %2").arg(c.localaddr, c.remoteaddr)
                          : tr("Server: KCP %1 → TCP %2").arg(c.listen, c.target);
    summary += tr(", crypt %1, mode %2, FEC %3/%4")
                   .arg(c.crypt, c.mode)
                   .arg(c.datashard)
                   .arg(c.parityshard);
    QString stateLine;
    if (running)
    {
        const app::StatsSeries* series = m_tunnels.series(id);
        const int sessions = series && !series->isEmpty() ? series->latest().sessions : 0;
        stateLine =
            sessions > 0
                ? tr("Running on port %1, %n KCP session(s).", "", sessions).arg(m_tunnels.port(id))
            : profile->isClient()
                ? tr("Running on port %1; no session yet: point an application "
                     "at this port.")
                      .arg(m_tunnels.port(id))
                : tr("Running on port %1; no client connected yet.").arg(m_tunnels.port(id));
    }
    else if (state == TunnelManager::State::Failed)
        stateLine = QStringLiteral("<span style='color:#c62828'>%1</span>")
                        .arg(tr("Failed: %1").arg(m_tunnels.message(id)).toHtmlEscaped());
    else
        stateLine = tr("Stopped.");
    m_detailState->setText(summary.toHtmlEscaped() + QStringLiteral("<br>") + stateLine);
    const app::StatsSeries* series = m_tunnels.series(id);
    m_tunnelCharts->setSource(series, profile->name);
    if (running && series && !series->isEmpty())
    {
        const kcp::tunnel::KcptunConfig config = profile->effectiveConfig();
        const app::LinkSummary link = app::LinkAdvisor::summarize(
            *series, series->totalAppended() - series->size(), 60, config.sndwnd);
        const QList<app::Advice> advice = app::LinkAdvisor(m_advisorLimits).advise(link, config);
        m_tunnelAdvice->showAdvice(advice,
                                   advice.isEmpty() && link.seconds < m_advisorLimits.minSeconds);
    }
    else
        m_tunnelAdvice->clear();
}

void MainWindow::onTunnelState(const QString& id, TunnelManager::State state,
                               const QString& message)
{
    const app::Profile* profile = m_store.find(id);
    const QString name = profile ? profile->name : id;
    if (state == TunnelManager::State::Failed)
        reportError(tr("“%1” could not start: %2").arg(name, message));
    else
    {
        clearError();
        statusBar()->showMessage(tr("%1: %2").arg(name, message), 5000);
    }
    updateRunningCount();
    updateSelection();
}

void MainWindow::reportError(const QString& message)
{
    m_errorBanner->setText(message);
    m_errorBanner->show();
    statusBar()->showMessage(message, 15000);
}

void MainWindow::clearError()
{
    m_errorBanner->clear();
    m_errorBanner->hide();
}

QString MainWindow::errorBanner() const
{
    return m_errorBanner->isVisible() || !m_errorBanner->isHidden() ? m_errorBanner->text()
                                                                    : QString();
}

void MainWindow::updateRunningCount()
{
    const int n = m_tunnels.runningCount();
    m_runningLabel->setText(n == 0 ? tr("No tunnel running") : tr("%n tunnel(s) running", "", n));
}

void MainWindow::saveProfiles()
{
    if (!m_store.save())
        reportError(m_store.errorString());
}

void MainWindow::openEditor(const app::Profile& profile, bool isNew)
{
    auto* dialog = new ProfileEditorDialog(profile, this);
    dialog->setObjectName(QStringLiteral("profileEditor"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, isNew]
            {
                const app::Profile edited = dialog->profile();
                if (isNew)
                    m_store.add(edited);
                else
                    m_store.update(edited);
                saveProfiles();
                selectProfile(edited.id);
                if (!isNew && m_tunnels.isRunning(edited.id))
                    statusBar()->showMessage(
                        tr("Saved “%1”; restart the tunnel to apply the changes.").arg(edited.name),
                        10000);
                else
                    statusBar()->showMessage(tr("Saved “%1”.").arg(edited.name), 5000);
                updateSelection();
            });
    dialog->open();
}

void MainWindow::addProfile()
{
    openEditor(
        app::Profile::create(m_store.uniqueName(tr("New tunnel")), kcp::tunnel::TunnelRole::Client),
        true);
}

void MainWindow::editProfile()
{
    if (const app::Profile* profile = m_store.find(selectedProfileId()))
        openEditor(*profile, false);
}

void MainWindow::duplicateProfile()
{
    const int row = m_store.duplicate(selectedProfileId());
    if (row < 0)
        return;
    saveProfiles();
    m_profileList->setCurrentIndex(m_tunnels.index(row));
}

void MainWindow::deleteProfile()
{
    const QString id = selectedProfileId();
    const app::Profile* profile = m_store.find(id);
    if (!profile)
        return;
    const QString name = profile->name;
    m_store.remove(id); // stops its tunnel
    saveProfiles();
    statusBar()->showMessage(tr("Deleted “%1”.").arg(name), 5000);
    updateSelection();
}

void MainWindow::openSnmpLog()
{
    const QString path = m_chooseOpen(tr("Open kcptun SNMP log"), QDir::homePath(),
                                      tr("kcptun SNMP logs (*.log *.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    const std::optional<app::LoadedSnmpLog> loaded = app::loadSnmpLogFiles({path}, &error);
    if (!loaded)
    {
        reportError(tr("Cannot open the SNMP log: %1").arg(error));
        return;
    }
    clearError();
    auto* dialog = new SnmpLogDialog(*loaded, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    statusBar()->showMessage(
        tr("Opened %1: %n interval(s).", nullptr, int(loaded->digest.samples.size()))
            .arg(loaded->name),
        8000);
}

void MainWindow::importProfile()
{
    const QString path = m_chooseOpen(tr("Import kcptun config"), QDir::homePath(),
                                      tr("kcptun JSON (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    bool needsRole = false;
    auto profile = app::importKcptunFile(path, std::nullopt, &error, &needsRole);
    if (!profile && needsRole)
    {
        // The file does not say; ask rather than guess.
        const auto role =
            askRole(tr("Import kcptun config"),
                    tr("%1 does not say whether it is a client or a server config:").arg(path));
        if (!role)
            return;
        profile = app::importKcptunFile(path, role, &error);
    }
    if (!profile)
    {
        reportError(error);
        return;
    }
    addImportedProfile(*profile, path);
}

void MainWindow::importText()
{
    // What the user just copied, if it looks like kcptun, is most likely what they came with.
    const QString clipboard = QGuiApplication::clipboard()->text().trimmed();
    const bool looksLikeKcptun = clipboard.contains(QStringLiteral("kcptun")) ||
                                 clipboard.startsWith(QStringLiteral("ss://")) ||
                                 clipboard.contains(QStringLiteral("client_")) ||
                                 clipboard.contains(QStringLiteral("server_"));
    const QString title = tr("Import kcptun command line or link");
    const QString text = m_askText(
        title,
        tr("Paste a kcptun-client or kcptun-server command line, shadowsocks plugin options "
           "(key=…;crypt=…) or an ss:// link with the kcptun plugin:"),
        looksLikeKcptun ? clipboard : QString());
    if (text.trimmed().isEmpty())
        return;
    QString error;
    bool needsRole = false;
    auto profile = app::importKcptunText(text, std::nullopt, &error, &needsRole);
    if (!profile && needsRole)
    {
        const auto role = askRole(title, tr("The text does not say whether it is for a client or "
                                            "a server:"));
        if (!role)
            return;
        profile = app::importKcptunText(text, role, &error);
    }
    if (!profile)
    {
        reportError(tr("Import: %1").arg(error));
        return;
    }
    addImportedProfile(*profile, tr("the pasted text"));
}

std::optional<kcp::tunnel::TunnelRole> MainWindow::askRole(const QString& title,
                                                           const QString& what)
{
    bool ok = false;
    const QStringList roles{tr("Client"), tr("Server")};
    const QString choice = QInputDialog::getItem(this, title, what, roles, 0, false, &ok);
    if (!ok)
        return std::nullopt;
    return choice == roles[0] ? kcp::tunnel::TunnelRole::Client : kcp::tunnel::TunnelRole::Server;
}

void MainWindow::addImportedProfile(app::Profile profile, const QString& source)
{
    profile.name = m_store.uniqueName(profile.name);
    const int row = m_store.add(profile);
    saveProfiles();
    m_profileList->setCurrentIndex(m_tunnels.index(row));
    QString note = tr("Imported “%1” from %2.").arg(profile.name, source);
    if (const QStringList problems = profile.problems(); !problems.isEmpty())
        reportError(note + QLatin1Char(' ') +
                    tr("Fix before starting: %1").arg(problems.join(QLatin1Char(' '))));
    else
    {
        clearError();
        statusBar()->showMessage(note, 8000);
    }
}

void MainWindow::exportProfile()
{
    const app::Profile* profile = m_store.find(selectedProfileId());
    if (!profile)
        return;
    const QString path = m_chooseSave(
        tr("Export kcptun config"), QDir::home().filePath(profile->name + QStringLiteral(".json")),
        tr("kcptun JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!app::exportKcptunFile(*profile, path, &error))
        reportError(error);
    else
        statusBar()->showMessage(
            tr("Exported “%1” to %2 (kcptun -c format).").arg(profile->name, path), 8000);
}

void MainWindow::toggleSelectedTunnel()
{
    const QString id = selectedProfileId();
    if (!m_store.find(id))
        return;
    if (m_tunnels.isRunning(id) || m_tunnels.isRetrying(id))
        m_tunnels.stop(id);
    else
        m_tunnels.start(id); // failures arrive through tunnelStateChanged
    updateSelection();
}

void MainWindow::exportCsv()
{
    QVector<app::CsvExporter::Source> sources;
    QString suggested;
    if (m_tabs->currentWidget() == m_labTab)
    {
        sources.push_back({tr("Lab"), &m_lab.series()});
        if (!m_labCompare.series().isEmpty())
            sources.push_back({tr("Lab, FEC off"), &m_labCompare.series()});
        suggested = QStringLiteral("kcpdesk-lab");
    }
    else if (const app::Profile* profile = m_store.find(selectedProfileId()))
    {
        if (const app::StatsSeries* series = m_tunnels.series(profile->id))
            sources.push_back({profile->name, series});
        suggested = profile->name;
    }
    int rows = 0;
    for (const auto& source : sources)
        rows += source.series->size();
    if (rows == 0)
    {
        reportError(tr("Nothing to export yet: start a tunnel or the lab first."));
        return;
    }
    suggested += QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-hhmmss")) +
                 QStringLiteral(".csv");
    const QString path =
        m_chooseSave(tr("Export CSV"), QDir::home().filePath(suggested), tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!app::CsvExporter::writeFile(path, sources, &error))
        reportError(error);
    else
        statusBar()->showMessage(tr("Wrote %n sample(s) to %1.", "", rows).arg(path), 8000);
}

void MainWindow::saveChartsPng()
{
    // The charts on screen, as they look: for an issue report or a forum post.
    const bool lab = m_tabs->currentWidget() == m_labTab;
    ChartPanel* charts = lab ? m_labCharts : m_tunnelCharts;
    const app::Profile* profile = m_store.find(selectedProfileId());
    const QString suggested =
        (lab       ? QStringLiteral("kcpdesk-lab")
         : profile ? profile->name
                   : QStringLiteral("kcpdesk")) +
        QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-hhmmss")) +
        QStringLiteral(".png");
    const QString path = m_chooseSave(tr("Save charts as PNG"), QDir::home().filePath(suggested),
                                      tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    if (!charts->grab().save(path, "PNG"))
        reportError(tr("Could not write %1.").arg(path));
    else
        statusBar()->showMessage(tr("Saved the charts to %1.").arg(path), 8000);
}

void MainWindow::showLab(bool start)
{
    m_tabs->setCurrentWidget(m_labTab);
    if (start && !m_lab.isRunning())
        toggleLab();
}

void MainWindow::toggleLab()
{
    if (m_lab.isRunning())
    {
        m_lab.stop();
        m_labCompare.stop();
        m_labPanel->setRunning(false);
        m_labAdvice->clear();
        statusBar()->showMessage(tr("Lab stopped."), 5000);
        return;
    }
    const app::LabSettings settings = m_labPanel->settings();
    if (!m_lab.start(settings))
    {
        reportError(tr("Lab: %1").arg(m_lab.errorString()));
        return;
    }
    clearError();
    m_labAdviceSince = m_lab.series().totalAppended();
    updateLabAdvice();
    m_labCharts->setSource(
        &m_lab.series(),
        settings.fecEnabled()
            ? tr("FEC %1/%2").arg(settings.session.datashard).arg(settings.session.parityshard)
            : tr("FEC off"));
    if (m_labPanel->compareWithoutFec())
        setLabComparison(true);
    m_labPanel->setRunning(true);
    statusBar()->showMessage(tr("Lab running: a KCP pair on 127.0.0.1 through the emulated link."),
                             5000);
}

void MainWindow::setLabComparison(bool on)
{
    if (!on || !m_lab.isRunning())
    {
        m_labCompare.stop();
        m_labCharts->setComparison(nullptr, QString());
        return;
    }
    if (!m_labCompare.start(m_labPanel->settings().withoutFec()))
    {
        reportError(tr("Lab: %1").arg(m_labCompare.errorString()));
        return;
    }
    m_labCharts->setComparison(&m_labCompare.series(), tr("FEC off"));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    const int running = m_tunnels.runningCount();
    // Closing the window is not asking to cut every tunnel: keep them in the tray where there
    // is one, else make sure. Quit means quit, after asking unless it said it stops them all.
    if (running > 0 && !m_quitting && m_tray && m_tray->isVisible())
    {
        hide();
        m_tray->sayStillRunning(running);
        event->ignore();
        return;
    }
    if (running > 0 && (!m_quitting || m_askOnQuit) && !m_confirmQuit(running))
    {
        event->ignore();
        return;
    }
    m_lab.stop();
    m_labCompare.stop();
    m_tunnels.stopAll();
    event->accept();
    if (m_tray && m_tray->isVisible())
        QCoreApplication::quit(); // the tray kept quitOnLastWindowClosed off
}

void MainWindow::quit(bool ask)
{
    m_quitting = true;
    m_askOnQuit = ask;
    if (!close())
        m_quitting = false;
}

} // namespace ui
