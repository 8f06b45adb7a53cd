#include "kcp/tunnel/snmp_logger.h"

#include "kcp/net/worker_pool.h"

#include <QDebug>
#include <QFile>
#include <QFileInfo>

namespace kcp::tunnel
{

QString formatGoTimeLayout(const QString& layout, const QDateTime& now)
{
    // Longest token first so "2006" is not read as "20" + "06".
    struct Token
    {
        const char* go;
        QString value;
    };
    const Token tokens[] = {
        {"2006", now.toString(QStringLiteral("yyyy"))}, {"01", now.toString(QStringLiteral("MM"))},
        {"02", now.toString(QStringLiteral("dd"))},     {"15", now.toString(QStringLiteral("HH"))},
        {"04", now.toString(QStringLiteral("mm"))},     {"05", now.toString(QStringLiteral("ss"))},
    };
    QString out;
    for (qsizetype i = 0; i < layout.size();)
    {
        bool matched = false;
        for (const Token& t : tokens)
        {
            const QLatin1String go(t.go);
            if (QStringView(layout).mid(i).startsWith(go))
            {
                out += t.value;
                i += go.size();
                matched = true;
                break;
            }
        }
        if (!matched)
            out += layout[i++];
    }
    return out;
}

QString kcptunSnmpHeader()
{
    QString header = QStringLiteral("Unix");
    for (const SnmpColumn& c : kcptunSnmpColumns())
        header += u',' + QString::fromLatin1(c.name.data(), qsizetype(c.name.size()));
    return header;
}

QString kcptunSnmpRow(const SnmpCounters& counters, qint64 unixSeconds)
{
    QString row = QString::number(unixSeconds);
    for (const SnmpColumn& c : kcptunSnmpColumns())
        row += u',' + QString::number(counters.*(c.field));
    return row;
}

SnmpLogger::SnmpLogger(const QString& path, int periodSeconds, QObject* parent)
    : QObject(parent)
    , m_path(path)
{
    m_timer.setInterval(std::max(1, periodSeconds) * 1000);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        writeRow(net::WorkerPool::instance()->collect(), QDateTime::currentDateTime());
    });
}

void SnmpLogger::start()
{
    m_timer.start();
}

QString SnmpLogger::fileFor(const QDateTime& now) const
{
    // kcptun formats only the file name, not the directory.
    const QFileInfo info(m_path);
    const QString name = formatGoTimeLayout(info.fileName(), now);
    const qsizetype slash = m_path.lastIndexOf(u'/');
    return slash < 0 ? name : m_path.left(slash + 1) + name;
}

bool SnmpLogger::writeRow(const SnmpCounters& counters, const QDateTime& now)
{
    QFile file(fileFor(now));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
    {
        qWarning().noquote() << "snmplog:" << file.fileName() << file.errorString();
        return false;
    }
    QByteArray text;
    if (file.size() == 0)
        text += kcptunSnmpHeader().toLatin1() + '\n';
    text += kcptunSnmpRow(counters, now.toSecsSinceEpoch()).toLatin1() + '\n';
    return file.write(text) == text.size();
}

} // namespace kcp::tunnel
