#include "tunnel/port_holder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_LINUX
#include <unistd.h>
#endif

namespace app
{

QString PortHolder::toString() const
{
    if (pid == 0)
        return QCoreApplication::translate("PortHolder", "a process of user %1").arg(uid);
    return QCoreApplication::translate("PortHolder", "%1 (pid %2)").arg(program).arg(pid);
}

#ifdef Q_OS_LINUX
namespace
{

struct SocketEntry
{
    quint64 inode = 0;
    uint uid = 0;
};

// One of /proc/net/{tcp,tcp6,udp,udp6}: "sl local rem st tx:rx tr:when retr uid timeout inode".
std::optional<SocketEntry> findInTable(const QString& path, quint16 port, bool listenOnly)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    file.readLine(); // the header
    while (!file.atEnd())
    {
        const QList<QByteArray> fields = file.readLine().simplified().split(' ');
        if (fields.size() < 10)
            continue;
        const QByteArray& local = fields[1];
        const qsizetype colon = local.lastIndexOf(':');
        bool ok = false;
        if (colon < 0 || local.mid(colon + 1).toUInt(&ok, 16) != port || !ok)
            continue;
        constexpr int Listen = 0x0A; // TCP_LISTEN
        if (listenOnly && fields[3].toInt(&ok, 16) != Listen)
            continue;
        SocketEntry entry;
        entry.uid = fields[7].toUInt();
        entry.inode = fields[9].toULongLong();
        if (entry.inode != 0)
            return entry;
    }
    return std::nullopt;
}

QString programOf(const QString& pidDir)
{
    QFile cmdline(pidDir + QStringLiteral("/cmdline"));
    if (cmdline.open(QIODevice::ReadOnly))
    {
        const QByteArray argv0 = cmdline.readAll().split('\0').value(0);
        if (!argv0.isEmpty())
            return QFileInfo(QString::fromLocal8Bit(argv0)).fileName();
    }
    QFile comm(pidDir + QStringLiteral("/comm"));
    if (comm.open(QIODevice::ReadOnly))
        return QString::fromLocal8Bit(comm.readAll().trimmed());
    return {};
}

// The process with a descriptor on socket:[inode]; 0 when none of ours has one.
qint64 pidOfSocket(quint64 inode)
{
    const QByteArray wanted = "socket:[" + QByteArray::number(inode) + ']';
    const QStringList pids =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& name : pids)
    {
        bool isPid = false;
        const qint64 pid = name.toLongLong(&isPid);
        if (!isPid)
            continue;
        const QString fdDir = QStringLiteral("/proc/%1/fd").arg(name);
        const QStringList fds =
            QDir(fdDir).entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot);
        for (const QString& fd : fds)
        {
            char target[64];
            const QByteArray link = QFile::encodeName(fdDir + QLatin1Char('/') + fd);
            const ssize_t n = ::readlink(link.constData(), target, sizeof target);
            if (n > 0 && QByteArray(target, n) == wanted)
                return pid;
        }
    }
    return 0;
}

} // namespace

std::optional<PortHolder> findPortHolder(PortProtocol protocol, quint16 port)
{
    const bool tcp = protocol == PortProtocol::Tcp;
    const QString base = tcp ? QStringLiteral("/proc/net/tcp") : QStringLiteral("/proc/net/udp");
    std::optional<SocketEntry> entry = findInTable(base, port, tcp);
    if (!entry)
        entry = findInTable(base + QLatin1Char('6'), port, tcp);
    if (!entry)
        return std::nullopt;
    PortHolder holder;
    holder.uid = entry->uid;
    holder.pid = pidOfSocket(entry->inode);
    if (holder.pid != 0)
        holder.program = programOf(QStringLiteral("/proc/%1").arg(holder.pid));
    return holder;
}

#else

std::optional<PortHolder> findPortHolder(PortProtocol, quint16)
{
    return std::nullopt;
}

#endif

} // namespace app
