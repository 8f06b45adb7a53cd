#pragma once

#include "lab/lab_session.h"
#include "profile/profile_store.h"
#include "tunnel/tunnel_manager.h"

#include "advisor/link_advisor.h"

#include <QMainWindow>

#include <functional>
#include <optional>

class QAction;
class QLabel;
class QListView;
class QPushButton;
class QTabWidget;

namespace ui
{

class AdvicePanel;
class ChartPanel;
class LabPanel;
class TrayIcon;

// KcpDesk's window: the profiles with their live tunnel states and one-click Start/Stop, the
// selected tunnel's charts, and the Lab tab (a KCP pair through an emulated link, charted the
// same way). Owns the app objects (store, tunnel manager, lab sessions); renders them and turns
// clicks into their calls. Errors go to a banner and the status bar, never a blocking box, so
// the window stays usable and testable.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // Asks for a file name: (caption, suggested path, filter) -> path, empty = cancelled.
    using FileChooser = std::function<QString(const QString&, const QString&, const QString&)>;

    // profilesPath: the profiles file, empty = ProfileStore::defaultPath().
    explicit MainWindow(const QString& profilesPath = QString(), QWidget* parent = nullptr);
    ~MainWindow() override;

    // Empty when the profiles file loaded cleanly; else what happened to it.
    QString loadError() const { return m_loadError; }

    // File dialogs, replaceable (tests, scripted runs).
    void setOpenFileChooser(FileChooser chooser) { m_chooseOpen = std::move(chooser); }
    void setSaveFileChooser(FileChooser chooser) { m_chooseSave = std::move(chooser); }
    // Asks for pasted text (title, label, initial text); an empty result cancels.
    using TextAsker = std::function<QString(const QString&, const QString&, const QString&)>;
    void setTextAsker(TextAsker asker) { m_askText = std::move(asker); }
    // Asked before closing the window stops running tunnels (no tray to keep them in):
    // running count -> true to quit.
    using QuitConfirmer = std::function<bool(int)>;
    void setQuitConfirmer(QuitConfirmer confirmer) { m_confirmQuit = std::move(confirmer); }

    app::ProfileStore& profileStore() { return m_store; }
    app::TunnelManager& tunnels() { return m_tunnels; }
    app::LabSession& lab() { return m_lab; }
    app::LabSession& labComparison() { return m_labCompare; }
    ChartPanel* tunnelCharts() const { return m_tunnelCharts; }
    ChartPanel* labCharts() const { return m_labCharts; }
    LabPanel* labPanel() const { return m_labPanel; }
    AdvicePanel* tunnelAdvice() const { return m_tunnelAdvice; }
    AdvicePanel* labAdvice() const { return m_labAdvice; }
    // How much the advisor needs before it suggests anything (tests shorten it).
    void setAdvisorLimits(const app::LinkAdvisor::Limits& limits) { m_advisorLimits = limits; }

    // The Lab tab, started (as "kcpdesk --lab" does).
    void showLab(bool start);
    QString selectedProfileId() const;
    void selectProfile(const QString& id);
    // What the last error banner said (empty when none is shown).
    QString errorBanner() const;
    // Stops every tunnel and the Lab and quits, even with a tray; ask: first ask if tunnels run
    // (File > Quit; the tray's "Quit (stops every tunnel)" does not).
    void quit(bool ask);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    QWidget* buildTunnelsTab();
    QWidget* buildLabTab();

    void addProfile();
    void editProfile();
    void duplicateProfile();
    void deleteProfile();
    void importProfile();
    void importText();
    void openSnmpLog();
    std::optional<kcp::tunnel::TunnelRole> askRole(const QString& title, const QString& what);
    void addImportedProfile(app::Profile profile, const QString& source);
    void exportProfile();
    void toggleSelectedTunnel();
    void exportCsv();
    void saveChartsPng();
    void toggleLab();
    void setLabComparison(bool on);
    void applyLabSettings(const app::LabSettings& settings);
    void applyTunnelAdvice(const app::Advice& advice);
    void updateLabAdvice();

    void openEditor(const app::Profile& profile, bool isNew);
    void saveProfiles();
    void updateSelection();
    void onTunnelState(const QString& id, app::TunnelManager::State state, const QString& message);
    void reportError(const QString& message);
    void clearError();
    void updateRunningCount();

    app::ProfileStore m_store;
    app::TunnelManager m_tunnels;
    app::LabSession m_lab;
    app::LabSession m_labCompare;
    QString m_loadError;
    FileChooser m_chooseOpen;
    FileChooser m_chooseSave;
    TextAsker m_askText;
    QuitConfirmer m_confirmQuit;
    TrayIcon* m_tray = nullptr;
    bool m_quitting = false;
    bool m_askOnQuit = true;

    QTabWidget* m_tabs = nullptr;
    QWidget* m_labTab = nullptr;
    QListView* m_profileList = nullptr;
    QLabel* m_detailTitle = nullptr;
    QLabel* m_detailState = nullptr;
    QPushButton* m_startStop = nullptr;
    ChartPanel* m_tunnelCharts = nullptr;
    ChartPanel* m_labCharts = nullptr;
    LabPanel* m_labPanel = nullptr;
    AdvicePanel* m_tunnelAdvice = nullptr;
    AdvicePanel* m_labAdvice = nullptr;
    app::LinkAdvisor::Limits m_advisorLimits;
    qint64 m_labAdviceSince = 0; // the lab's samples from here on were taken with its settings
    QLabel* m_errorBanner = nullptr;
    QLabel* m_runningLabel = nullptr;

    QAction* m_addAction = nullptr;
    QAction* m_editAction = nullptr;
    QAction* m_duplicateAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_importTextAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_startStopAction = nullptr;
    QAction* m_exportCsvAction = nullptr;
};

} // namespace ui
