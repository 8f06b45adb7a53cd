#include "ui/tunnel_menu.h"

#include "tunnel/tunnel_manager.h"

namespace ui
{

using app::TunnelManager;

TunnelMenu::TunnelMenu(TunnelManager& tunnels, QWidget* parent) : QMenu(parent), m_tunnels(tunnels)
{
    connect(this, &QMenu::aboutToShow, this, &TunnelMenu::rebuild);
    rebuild();
}

void TunnelMenu::setTrailingActions(const QList<QAction*>& actions)
{
    m_trailing = actions;
    rebuild();
}

void TunnelMenu::rebuild()
{
    clear();
    const int rows = m_tunnels.rowCount();
    if (rows == 0)
        addAction(tr("No profiles yet"))->setEnabled(false);
    for (int row = 0; row < rows; ++row)
    {
        const QModelIndex index = m_tunnels.index(row);
        const QString id = index.data(TunnelManager::IdRole).toString();
        const bool wanted = m_tunnels.isRunning(id) || m_tunnels.isRetrying(id);
        QAction* action = addAction(index.data(TunnelManager::NameRole).toString());
        action->setObjectName(QStringLiteral("tunnel:") + id);
        action->setCheckable(true);
        action->setChecked(wanted);
        action->setToolTip(index.data(Qt::ToolTipRole).toString());
        connect(action, &QAction::triggered, this,
                [this, id, wanted]
                {
                    if (wanted)
                        m_tunnels.stop(id);
                    else
                        m_tunnels.start(id); // failures reach the window's banner
                });
    }
    if (!m_trailing.isEmpty())
    {
        addSeparator();
        addActions(m_trailing);
    }
}

} // namespace ui
