#pragma once

#include "advisor/link_advisor.h"
#include "profile/profile_store.h"
#include "stats/sample_deriver.h"
#include "stats/stats_series.h"
#include "tunnel/retry_backoff.h"

#include "kcp/tunnel/tunnel.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

#include <memory>

namespace app
{

// Runs the profiles: one kcp::tunnel::Tunnel per started profile, its state and last error, and
// a StatsSeries of what its sessions measure. As a list model it has one row per profile of the
// store, in the store's order (rows follow the store's inserts, removals and edits), showing
// the name and, on a second line, the tunnel's state, so a view of it is the profile list with
// live states.
//
// A supervisor too: a start that fails for a reason that may pass (a port still held, an address
// not there yet; RetryBackoff) is tried again with back-off, and at once when the network comes
// up, until the tunnel runs or stop() is called; a network change also renews running clients'
// sessions. "Address in use" names the holder: another
// profile of ours, or a process (PortHolder).
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
        StateRole,    // State as int
        MessageRole,  // last state message: the error when Failed
        PortRole,     // bound port while running, else 0
        NameRole,     // the bare profile name (DisplayRole adds the state)
        RetryRole,    // when a failed start is tried again (QDateTime), else invalid
        NoAnswerRole, // a running client that hears nothing authentic back (bool)
    };

    explicit TunnelManager(ProfileStore& store, QObject* parent = nullptr);
    ~TunnelManager() override;

    // Starts the profile's tunnel (restarts it if running). False with message(id) set when the
    // profile is unknown, invalid, or its port is taken; in the last case it keeps trying.
    bool start(const QString& id);
    // Stops the tunnel, or its retries.
    void stop(const QString& id);
    void stopAll();
    // Starts every profile marked autoStart; returns how many of them run now.
    int startAutoStartProfiles();

    // The start failed and will be tried again at nextRetry(id).
    bool isRetrying(const QString& id) const;
    QDateTime nextRetry(const QString& id) const;
    // Failed starts in a row since start(id).
    int failedAttempts(const QString& id) const;
    void setRetryBackoff(const RetryBackoff& backoff) { m_backoff = backoff; }
    // A running client that has sent for minSilentSeconds with nothing authentic back (wrong
    // key, crypt, FEC or mtu, or no server): its row turns amber and says so, so a dashboard of
    // many tunnels shows the dead one without opening each (LinkAdvisor's NoAnswer).
    bool hearsNoAnswer(const QString& id) const;
    void setAdvisorLimits(const LinkAdvisor::Limits& limits) { m_advisorLimits = limits; }
    // The network came up or changed (QNetworkInformation calls it where the platform tells):
    // every waiting tunnel is tried now, and running clients take new KCP sessions for new
    // connections, their old ones retiring after scavengettl (Tunnel::renewSessions).
    void networkChanged();

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
        bool wanted = false; // started by the user (or autoStart) and not stopped since
        int failedAttempts = 0;
        QTimer retryTimer;
        QDateTime retryAt;
        bool noAnswer = false;
    };

    Entry& entry(const QString& id);
    bool attempt(const QString& id);
    void onTunnelState(const QString& id, State state, const QString& message);
    QString portHint(const QString& id) const;
    void onSnapshot(const QString& id, const kcp::tunnel::TunnelSnapshot& snapshot);
    void onState(const QString& id, State state, const QString& message);
    void notifyRow(const QString& id);

    ProfileStore& m_store;
    QHash<QString, std::shared_ptr<Entry>> m_entries;
    int m_sampleIntervalMs = 1000;
    RetryBackoff m_backoff;
    LinkAdvisor::Limits m_advisorLimits;
};

} // namespace app
