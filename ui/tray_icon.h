#pragma once

#include <QObject>
#include <QSystemTrayIcon>

namespace app
{
class TunnelManager;
}

namespace ui
{

class MainWindow;
class TunnelMenu;

// KcpDesk in the system tray, where the desktop has one: tunnels keep running while the window
// is closed, and the menu starts and stops them or quits. Its tooltip counts the running ones.
class TrayIcon : public QObject
{
    Q_OBJECT

public:
    TrayIcon(MainWindow& window, app::TunnelManager& tunnels);

    // Shows the icon if the desktop has a tray; false (and nothing shown) otherwise.
    bool showIfAvailable();
    bool isVisible() const { return m_icon.isVisible(); }
    // A balloon once per run: where the window went and how to quit.
    void sayStillRunning(int running);

private:
    void updateToolTip();

    MainWindow& m_window;
    app::TunnelManager& m_tunnels;
    QSystemTrayIcon m_icon;
    TunnelMenu* m_menu;
    bool m_said = false;
};

} // namespace ui
