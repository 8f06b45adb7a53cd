#pragma once

#include <QMenu>

namespace app
{
class TunnelManager;
}

namespace ui
{

// The tunnels as a menu (the tray icon's): one checkable entry per profile, checked while it
// runs or waits to retry; triggering it starts or stops that tunnel. Rebuilt from the manager's
// rows each time it is about to show, so it never lists a deleted or renamed profile.
class TunnelMenu : public QMenu
{
    Q_OBJECT

public:
    explicit TunnelMenu(app::TunnelManager& tunnels, QWidget* parent = nullptr);

    // Fills the menu now (aboutToShow does it too); the fixed actions come after the tunnels.
    void rebuild();
    // Actions kept at the end of the menu (Show, Quit ...), below a separator. The caller owns
    // them: rebuild() deletes only the actions the menu made.
    void setTrailingActions(const QList<QAction*>& actions);

private:
    app::TunnelManager& m_tunnels;
    QList<QAction*> m_trailing;
};

} // namespace ui
