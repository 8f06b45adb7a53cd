#include "tunnel/tunnel_manager.h"

#include "stats/sample_headline.h"
#include "stats/tunnel_reading.h"
#include "tunnel/port_holder.h"

#include "kcp/net/worker_pool.h"

#include <QColor>
#include <QDateTime>
#include <QNetworkInformation>

#include <algorithm>

namespace app
{

using kcp::tunnel::Tunnel;
using kcp::tunnel::TunnelSnapshot;

TunnelManager::TunnelManager(ProfileStore& store, QObject* parent)
    : QAbstractListModel(parent), m_store(store)
{
    qRegisterMetaType<app::StatsSample>();
    // Mirror the store's rows one to one.
    connect(&store, &QAbstractItemModel::rowsAboutToBeInserted, this,
            [this](const QModelIndex&, int first, int last) { beginInsertRows({}, first, last); });
    connect(&store, &QAbstractItemModel::rowsInserted, this, [this] { endInsertRows(); });
    connect(&store, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex&, int first, int last)
            {
                for (int row = first; row <= last; ++row)
                {
                    const QString id = m_store.profiles().at(row).id;
                    stop(id);
                    m_entries.remove(id);
                }
                beginRemoveRows({}, first, last);
            });
    connect(&store, &QAbstractItemModel::rowsRemoved, this, [this] { endRemoveRows(); });
    connect(&store, &QAbstractItemModel::modelAboutToBeReset, this,
            [this]
            {
                stopAll();
                m_entries.clear();
                beginResetModel();
            });
    connect(&store, &QAbstractItemModel::modelReset, this, [this] { endResetModel(); });
    connect(&store, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& from, const QModelIndex& to)
            { emit dataChanged(index(from.row()), index(to.row())); });
    // Where the platform can tell (NetworkManager on Linux), a network coming up ends the wait of
    // tunnels that failed for want of it; elsewhere the back-off alone brings them up.
    if (QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability))
    {
        QNetworkInformation* network = QNetworkInformation::instance();
        connect(network, &QNetworkInformation::reachabilityChanged, this,
                [this](QNetworkInformation::Reachability reachability)
                {
                    if (reachability == QNetworkInformation::Reachability::Local ||
                        reachability == QNetworkInformation::Reachability::Site ||
                        reachability == QNetworkInformation::Reachability::Online)
                        networkChanged();
                });
        connect(network, &QNetworkInformation::transportMediumChanged, this,
                &TunnelManager::networkChanged);
    }
}

TunnelManager::~TunnelManager()
{
    // Tunnels emit stateChanged from their destructors; nobody may hear it half-destroyed.
    for (auto& e : m_entries)
        if (e->tunnel)
            e->tunnel->disconnect(this);
}

TunnelManager::Entry& TunnelManager::entry(const QString& id)
{
    auto& slot = m_entries[id];
    if (!slot)
        slot = std::make_shared<Entry>();
    return *slot;
}

bool TunnelManager::start(const QString& id)
{
    if (!m_store.find(id))
        return false;
    Entry& e = entry(id);
    e.wanted = true;
    e.failedAttempts = 0;
    return attempt(id);
}

int TunnelManager::startAutoStartProfiles()
{
    int running = 0;
    for (const Profile& profile : m_store.profiles())
        if (profile.autoStart)
            running += start(profile.id) ? 1 : 0;
    return running;
}

bool TunnelManager::attempt(const QString& id)
{
    const Profile* profile = m_store.find(id);
    if (!profile)
        return false;
    Entry& e = entry(id);
    e.retryTimer.stop();
    e.retryAt = {};
    if (e.tunnel)
    {
        e.tunnel->disconnect(this);
        e.tunnel->stop();
    }
    e.tunnel = std::make_unique<Tunnel>();
    e.tunnel->setSnapshotInterval(m_sampleIntervalMs);
    // Session figures reach the snapshot at the workers' publishing rate (1..10 Hz, process
    // wide); sampling faster than that would repeat stale RTTs.
    kcp::net::WorkerPool::instance()->setStatsRate(
        std::clamp(1000 / std::max(1, m_sampleIntervalMs), 1, 10));
    e.series.clear();
    e.noAnswer = false;
    e.clock.start();
    e.deriver.reset(0);
    connect(e.tunnel.get(), &Tunnel::stateChanged, this,
            [this, id](Tunnel::State state, const QString& message)
            { onTunnelState(id, state, message); });
    connect(e.tunnel.get(), &Tunnel::snapshotUpdated, this,
            [this, id](const TunnelSnapshot& snapshot) { onSnapshot(id, snapshot); });
    connect(e.tunnel.get(), &Tunnel::sessionClosed, this,
            [this, id](const QString& reason) { emit sessionClosed(id, reason); });

    // Name problems are ours; config problems come from the library's own validation.
    if (const QStringList problems = profile->problems(); !problems.isEmpty())
    {
        onState(id, State::Failed, problems.join(QLatin1Char(' ')));
        return false;
    }
    return e.tunnel->start(profile->effectiveConfig());
}

void TunnelManager::stop(const QString& id)
{
    auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    Entry& e = **it;
    e.wanted = false;
    const bool wasRetrying = e.retryTimer.isActive();
    e.retryTimer.stop();
    e.retryAt = {};
    if (e.tunnel)
        e.tunnel->stop();
    if (wasRetrying)
        onState(id, State::Stopped, tr("stopped; no more retries"));
}

void TunnelManager::stopAll()
{
    for (const QString& id : m_entries.keys())
        stop(id);
}

bool TunnelManager::isRetrying(const QString& id) const
{
    auto it = m_entries.find(id);
    return it != m_entries.end() && (*it)->retryTimer.isActive();
}

QDateTime TunnelManager::nextRetry(const QString& id) const
{
    auto it = m_entries.find(id);
    return it == m_entries.end() ? QDateTime() : (*it)->retryAt;
}

bool TunnelManager::hearsNoAnswer(const QString& id) const
{
    auto it = m_entries.find(id);
    return it != m_entries.end() && (*it)->state == State::Running && (*it)->noAnswer;
}

int TunnelManager::failedAttempts(const QString& id) const
{
    auto it = m_entries.find(id);
    return it == m_entries.end() ? 0 : (*it)->failedAttempts;
}

void TunnelManager::networkChanged()
{
    for (const QString& id : m_entries.keys())
    {
        if (isRetrying(id))
            attempt(id);
        else if (isRunning(id))
            m_entries[id]->tunnel->renewSessions();
    }
}

TunnelManager::State TunnelManager::state(const QString& id) const
{
    auto it = m_entries.find(id);
    return it == m_entries.end() ? State::Stopped : (*it)->state;
}

QString TunnelManager::message(const QString& id) const
{
    auto it = m_entries.find(id);
    return it == m_entries.end() ? QString() : (*it)->message;
}

quint16 TunnelManager::port(const QString& id) const
{
    auto it = m_entries.find(id);
    if (it == m_entries.end() || !(*it)->tunnel || (*it)->state != State::Running)
        return 0;
    return (*it)->tunnel->port();
}

int TunnelManager::runningCount() const
{
    int n = 0;
    for (const auto& e : m_entries)
        n += e->state == State::Running ? 1 : 0;
    return n;
}

const StatsSeries* TunnelManager::series(const QString& id) const
{
    auto it = m_entries.find(id);
    return it == m_entries.end() ? nullptr : &(*it)->series;
}

TunnelSnapshot TunnelManager::snapshot(const QString& id) const
{
    auto it = m_entries.find(id);
    return it == m_entries.end() || !(*it)->tunnel ? TunnelSnapshot{} : (*it)->tunnel->snapshot();
}

void TunnelManager::onSnapshot(const QString& id, const TunnelSnapshot& snapshot)
{
    Entry& e = entry(id);
    const StatsSample sample = e.deriver.next(readingFromSnapshot(snapshot, e.clock.elapsed()));
    e.series.append(sample);
    e.noAnswer = false;
    if (const Profile* profile = m_store.find(id); profile && profile->isClient())
    {
        const kcp::tunnel::KcptunConfig config = profile->effectiveConfig();
        for (const Advice& advice :
             LinkAdvisor(m_advisorLimits)
                 .advise(LinkAdvisor::summarize(e.series, 0, 60, config.sndwnd), config))
            e.noAnswer = e.noAnswer || advice.kind == Advice::Kind::NoAnswer;
    }
    notifyRow(id); // the row's headline
    emit sampleAdded(id, sample);
}

void TunnelManager::onTunnelState(const QString& id, State state, const QString& message)
{
    Entry& e = entry(id);
    if (state != State::Failed || !e.tunnel)
    {
        if (state == State::Running)
            e.failedAttempts = 0;
        onState(id, state, message);
        return;
    }
    const QAbstractSocket::SocketError error = e.tunnel->startSocketError();
    QString text = message;
    if (error == QAbstractSocket::AddressInUseError)
        if (const QString hint = portHint(id); !hint.isEmpty())
            text += QStringLiteral(" (") + hint + QLatin1Char(')');
    if (e.wanted && RetryBackoff::isWorthRetrying(error))
    {
        ++e.failedAttempts;
        const int delay = m_backoff.delayMs(e.failedAttempts);
        e.retryAt = QDateTime::currentDateTime().addMSecs(delay);
        e.retryTimer.setSingleShot(true);
        e.retryTimer.disconnect(this);
        connect(&e.retryTimer, &QTimer::timeout, this, [this, id] { attempt(id); });
        e.retryTimer.start(delay);
        text += QLatin1Char(' ') + tr("Trying again at %1 (attempt %2).")
                                       .arg(e.retryAt.time().toString(Qt::ISODate))
                                       .arg(e.failedAttempts + 1);
    }
    onState(id, state, text);
}

QString TunnelManager::portHint(const QString& id) const
{
    const Profile* profile = m_store.find(id);
    if (!profile)
        return {};
    const auto address =
        profile->isClient() ? profile->config.localAddress() : profile->config.listenAddress();
    if (!address)
        return {};
    const int last = std::min<int>(address->maxPort, address->minPort + 15);
    for (int port = address->minPort; port <= last && port > 0; ++port)
    {
        // A profile of ours first: two profiles on one port is the likely mistake.
        for (const Profile& other : m_store.profiles())
        {
            if (other.id == id || other.isClient() != profile->isClient() || !isRunning(other.id))
                continue;
            const auto theirs =
                other.isClient() ? other.config.localAddress() : other.config.listenAddress();
            if (theirs && port >= theirs->minPort && port <= theirs->maxPort)
                return tr("port %1 is used by the running profile “%2”").arg(port).arg(other.name);
        }
        const auto holder = findPortHolder(
            profile->isClient() ? PortProtocol::Tcp : PortProtocol::Udp, quint16(port));
        if (holder)
            return tr("port %1 is held by %2; stop it or choose another port")
                .arg(port)
                .arg(holder->toString());
    }
    return {};
}

void TunnelManager::onState(const QString& id, State state, const QString& message)
{
    Entry& e = entry(id);
    e.state = state;
    e.message = message;
    notifyRow(id);
    emit tunnelStateChanged(id, state, message);
}

void TunnelManager::notifyRow(const QString& id)
{
    const int row = m_store.indexOf(id);
    if (row >= 0)
        emit dataChanged(index(row), index(row));
}

int TunnelManager::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_store.rowCount();
}

QString TunnelManager::stateText(State state)
{
    switch (state)
    {
    case State::Stopped:
        return tr("stopped");
    case State::Running:
        return tr("running");
    case State::Failed:
        return tr("failed");
    }
    return {};
}

QVariant TunnelManager::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_store.rowCount())
        return {};
    const Profile& profile = m_store.profiles().at(index.row());
    const State s = state(profile.id);
    switch (role)
    {
    case Qt::DisplayRole:
    {
        const QString what = profile.isClient() ? tr("client") : tr("server");
        if (s == State::Running)
        {
            QString text =
                tr("%1\n%2, running on port %3").arg(profile.name, what).arg(port(profile.id));
            if (hearsNoAnswer(profile.id))
                text += QLatin1Char('\n') +
                        tr("no answer from %1: server down, or another key, crypt or FEC")
                            .arg(profile.config.remoteaddr);
            else if (const StatsSeries* samples = series(profile.id);
                     samples && !samples->isEmpty())
                text += QLatin1Char('\n') + sampleHeadline(samples->latest());
            return text;
        }
        if (isRetrying(profile.id))
            return tr("%1\n%2, failed; trying again at %3")
                .arg(profile.name, what, nextRetry(profile.id).time().toString(Qt::ISODate));
        return tr("%1\n%2, %3").arg(profile.name, what, stateText(s));
    }
    case Qt::ToolTipRole:
        return message(profile.id).isEmpty() ? stateText(s) : message(profile.id);
    case Qt::DecorationRole:
        if (s == State::Running && hearsNoAnswer(profile.id))
            return QColor(0xe0, 0x8e, 0x00);
        return s == State::Running  ? QColor(0x2e, 0x9d, 0x4f)
               : s == State::Failed ? QColor(0xc6, 0x28, 0x28)
                                    : QColor(0x9e, 0x9e, 0x9e);
    case IdRole:
        return profile.id;
    case StateRole:
        return int(s);
    case MessageRole:
        return message(profile.id);
    case PortRole:
        return port(profile.id);
    case NameRole:
        return profile.name;
    case RetryRole:
        return nextRetry(profile.id);
    case NoAnswerRole:
        return hearsNoAnswer(profile.id);
    default:
        return {};
    }
}

} // namespace app
