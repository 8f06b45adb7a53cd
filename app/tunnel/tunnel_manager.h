#pragma once

#include "profile/profile_store.h"
#include "stats/sample_deriver.h"
#include "stats/stats_series.h"

#include "kcp/tunnel/tunnel.h"

#include <QAbstractListModel>
#include <QElapsedTimer>
#include <QHash>

#include <memory>

namespace app
{

// Runs the profiles: one kcp::tunnel::Tunnel per started profile, its state and last error, and
// a StatsSeries of what its sessions measure. As a list model it has one row per profile of the
// store, in the store's order (rows follow the store's inserts, removals and edits), showing
// the name and, on a second line, the tunnel's state, so a view of it is the profile list with
// live states.
//
// Lives on the GUI thread (the Tunnels emit there). Removing a running profile stops it.
class TunnelManager : public QAbstractListModel
{
    Q_OBJECT

public:
    using State = kcp::tunnel::Tunnel::State;

    enum Roles
    {
        IdRole = Qt::UserRole + 1,
        StateRole,   // State as int
        MessageRole, // last state message: the error when Failed
        PortRole,    // bound port while running, else 0
        NameRole,    // the bare profile name (DisplayRole adds the state)
    };

    explicit TunnelManager(ProfileStore& store, QObject* parent = nullptr);
    ~TunnelManager() override;

    // Starts the profile's tunnel (restarts it if running). False with message(id) set when the
    // profile is unknown, invalid, or its port is taken.
    bool start(const QString& id);
    void stop(const QString& id);
    void stopAll();

    State state(const QString& id) const;
    QString message(const QString& id) const;
    quint16 port(const QString& id) const;
    bool isRunning(const QString& id) const { return state(id) == State::Running; }
    int runningCount() const;
    // Samples of the profile's tunnel since it was last started; nullptr if never started.
    const StatsSeries* series(const QString& id) const;
    kcp::tunnel::TunnelSnapshot snapshot(const QString& id) const;

    // Sampling period for tunnels started from now on (ms, default 1000).
    void setSampleInterval(int ms) { m_sampleIntervalMs = ms; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    static QString stateText(State state);

signals:
    void tunnelStateChanged(const QString& id, app::TunnelManager::State state,
                            const QString& message);
    void sampleAdded(const QString& id, const app::StatsSample& sample);
    void sessionClosed(const QString& id, const QString& reason);

private:
    struct Entry
    {
        std::unique_ptr<kcp::tunnel::Tunnel> tunnel;
        State state = State::Stopped;
        QString message;
        StatsSeries series;
        SampleDeriver deriver;
        QElapsedTimer clock;
    };

    Entry& entry(const QString& id);
    void onSnapshot(const QString& id, const kcp::tunnel::TunnelSnapshot& snapshot);
    void onState(const QString& id, State state, const QString& message);
    void notifyRow(const QString& id);

    ProfileStore& m_store;
    QHash<QString, std::shared_ptr<Entry>> m_entries;
    int m_sampleIntervalMs = 1000;
};

} // namespace app
