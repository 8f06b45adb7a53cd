#include "ui/tray_icon.h"

#include "tunnel/tunnel_manager.h"
#include "ui/main_window.h"
#include "ui/tunnel_menu.h"

#include <QApplication>
#include <QStyle>

namespace ui
{

TrayIcon::TrayIcon(MainWindow& window, app::TunnelManager& tunnels)
    : QObject(&window)
    , m_window(window)
    , m_tunnels(tunnels)
    , m_menu(new TunnelMenu(tunnels, &window))
{
    // The theme's icon where an SVG engine draws it; a stock one otherwise, never a blank slot.
    QIcon icon = QApplication::windowIcon();
    if (icon.isNull() || icon.availableSizes().isEmpty())
        icon = window.style()->standardIcon(QStyle::SP_DriveNetIcon);
    m_icon.setIcon(icon);
    m_icon.setContextMenu(m_menu);
    // Owned here, not by the menu: its rebuild deletes the actions it owns.
    auto* show = new QAction(tr("Show KcpDesk"), this);
    connect(show, &QAction::triggered, &window,
            [this]
            {
                m_window.showNormal();
                m_window.raise();
                m_window.activateWindow();
            });
    auto* quit = new QAction(tr("Quit KcpDesk (stops every tunnel)"), this);
    connect(quit, &QAction::triggered, &window, [this] { m_window.quit(false); });
    m_menu->setTrailingActions({show, quit});
    connect(&m_icon, &QSystemTrayIcon::activated, this,
            [this, show](QSystemTrayIcon::ActivationReason reason)
            {
                if (reason == QSystemTrayIcon::Trigger)
                {
                    if (m_window.isVisible())
                        m_window.hide();
                    else
                        show->trigger();
                }
            });
    connect(&tunnels, &app::TunnelManager::tunnelStateChanged, this, &TrayIcon::updateToolTip);
    updateToolTip();
}

bool TrayIcon::showIfAvailable()
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return false;
    m_icon.show();
    return true;
}

void TrayIcon::sayStillRunning(int running)
{
    if (m_said)
        return;
    m_said = true;
    m_icon.showMessage(
        tr("KcpDesk is still running"),
        tr("%n tunnel(s) keep running. Open KcpDesk or quit it from this icon.", "", running));
}

void TrayIcon::updateToolTip()
{
    const int running = m_tunnels.runningCount();
    m_icon.setToolTip(running == 0 ? tr("KcpDesk: no tunnel running")
                                   : tr("KcpDesk: %n tunnel(s) running", "", running));
}

} // namespace ui
