// kcpdesk-cli: kcptun-compatible tunnel endpoints.
//
//   kcpdesk-cli client [kcptun-client flags]   TCP listener -> smux over KCP -> server
//   kcpdesk-cli server [kcptun-server flags]   KCP listener -> smux -> TCP target
//
// Flags, JSON keys (-c file.json), defaults and precedence are kcptun 20210922's; see --help.
// Where kcptun silently falls back (unknown crypt -> aes, unknown mode -> manual) or fails
// later (keepalive > 30), this exits with status 2 and says why.

#include "advisor/advice_logger.h"
#include "stats/csv_exporter.h"
#include "stats/snmp_log_report.h"

#include "kcp/net/worker_pool.h"
#include "kcp/tunnel/kcptun_command_line.h"
#include "kcp/tunnel/metrics_server.h"
#include "kcp/tunnel/prometheus_text.h"
#include "kcp/tunnel/snmp_logger.h"
#include "kcp/tunnel/tunnel_client.h"
#include "kcp/tunnel/tunnel_server.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QTextStream>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <functional>

namespace
{

QFile* g_logFile = nullptr;

void logHandler(QtMsgType type, const QMessageLogContext&, const QString& message)
{
    if (type == QtDebugMsg)
        return;
    // kcptun's log.Println format: "2006/01/02 15:04:05 message".
    const QByteArray line = (QDateTime::currentDateTime().toString("yyyy/MM/dd HH:mm:ss ") +
                             message + u'\n')
                                .toLocal8Bit();
    if (g_logFile)
    {
        g_logFile->write(line);
        g_logFile->flush();
    }
    else
    {
        std::fwrite(line.constData(), 1, std::size_t(line.size()), stderr);
    }
}

int usage()
{
    std::fprintf(
        stderr,
        "usage: kcpdesk-cli client [options]   (kcptun-client compatible)\n"
        "       kcpdesk-cli server [options]   (kcptun-server compatible)\n"
        "       kcpdesk-cli snmplog [--csv OUT.csv] FILE...   (read kcptun --snmplog files)\n"
        "       kcpdesk-cli client --help | kcpdesk-cli server --help | kcpdesk-cli --version\n");
    return 2;
}

// kcpdesk-cli snmplog: reads the --snmplog files of a kcptun (or of kcpdesk-cli), in the order
// given (daily rotated files concatenate), prints what they say and, with --csv, writes the
// per-interval rates in KcpDesk's CSV layout (one row per interval instead of kcptun's
// cumulative counters).
int runSnmpLog(const QStringList& args)
{
    QString csvPath;
    QStringList files;
    for (qsizetype i = 0; i < args.size(); ++i)
    {
        if (args[i] == QLatin1String("--help") || args[i] == QLatin1String("-h"))
        {
            QTextStream(stdout)
                << "usage: kcpdesk-cli snmplog [--csv OUT.csv] FILE...\n"
                   "Reads kcptun --snmplog files (any kcp-go generation), prints the period, "
                   "traffic, wire\nmultiplier, retransmissions, FEC and integrity counters with "
                   "advice; --csv writes the\nper-interval rates as CSV.\n";
            return 0;
        }
        if (args[i] == QLatin1String("--csv"))
        {
            if (i + 1 >= args.size())
            {
                std::fprintf(stderr, "kcpdesk-cli snmplog: --csv needs a file name\n");
                return 2;
            }
            csvPath = args[++i];
        }
        else if (args[i].startsWith(u'-') && args[i] != QLatin1String("-"))
        {
            std::fprintf(stderr, "kcpdesk-cli snmplog: unknown option %s\n", qPrintable(args[i]));
            return 2;
        }
        else
        {
            files << args[i];
        }
    }
    if (files.isEmpty())
    {
        std::fprintf(stderr, "kcpdesk-cli snmplog: name at least one --snmplog file\n");
        return 2;
    }

    QString error;
    const std::optional<app::LoadedSnmpLog> loaded = app::loadSnmpLogFiles(files, &error);
    if (!loaded)
    {
        std::fprintf(stderr, "kcpdesk-cli snmplog: %s\n", qPrintable(error));
        return 1;
    }
    const app::SnmpLogDigest& digest = loaded->digest;
    QTextStream(stdout) << app::snmpLogReport(files.size() == 1 ? files.first() : loaded->name,
                                              loaded->log, digest);
    if (!csvPath.isEmpty())
    {
        app::StatsSeries series(std::max<int>(1, int(digest.samples.size())));
        for (const app::StatsSample& sample : digest.samples)
            series.append(sample);
        if (!app::CsvExporter::writeFile(csvPath, QFileInfo(files.first()).fileName(), series,
                                         &error))
        {
            std::fprintf(stderr, "kcpdesk-cli snmplog: %s\n", qPrintable(error));
            return 1;
        }
        QTextStream(stdout) << "wrote " << digest.samples.size() << " interval(s) to " << csvPath
                            << '\n';
    }
    return 0;
}

extern "C" void onSignal(int)
{
    QCoreApplication::quit();
}

} // namespace

int main(int argc, char** argv)
{
    // The tunnel's TCP sockets and smux sessions run on the main thread: epoll there too, as in
    // the workers (O(ready descriptors) per pass, no glib sources; KCPDESK_DISPATCHER=qt keeps
    // Qt's).
    if (QAbstractEventDispatcher* dispatcher = kcp::net::createEventDispatcher())
        QCoreApplication::setEventDispatcher(dispatcher);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("kcpdesk-cli");
    QCoreApplication::setApplicationVersion(KCPDESK_VERSION);

    QStringList args = app.arguments().mid(1);
    if (args.isEmpty())
        return usage();
    const QString command = args.takeFirst();
    if (command == QLatin1String("snmplog"))
        return runSnmpLog(args);
    kcp::tunnel::TunnelRole role;
    if (command == QLatin1String("client"))
        role = kcp::tunnel::TunnelRole::Client;
    else if (command == QLatin1String("server"))
        role = kcp::tunnel::TunnelRole::Server;
    else if (command == QLatin1String("--help") || command == QLatin1String("-h"))
    {
        usage();
        return 0;
    }
    else if (command == QLatin1String("--version") || command == QLatin1String("-v"))
    {
        QTextStream(stdout) << "kcpdesk-cli version " << KCPDESK_VERSION << '\n';
        return 0;
    }
    else
        return usage();

    const auto commandLine = kcp::tunnel::parseKcptunCommandLine(role, args);
    QTextStream out(stdout);
    if (commandLine.help)
    {
        out << kcp::tunnel::kcptunHelpText(role, "kcpdesk-cli " + command);
        return 0;
    }
    if (commandLine.version)
    {
        out << "kcpdesk-cli version " << KCPDESK_VERSION << '\n';
        return 0;
    }
    kcp::tunnel::KcptunConfig config;
    const QStringList problems = kcp::tunnel::resolveKcptunConfig(commandLine, config);
    if (!problems.isEmpty())
    {
        for (const QString& p : problems)
            std::fprintf(stderr, "kcpdesk-cli %s: %s\n", qPrintable(command), qPrintable(p));
        return 2;
    }

    kcp::net::WorkerPool::setThreadCount(config.workers);

    QFile logFile(config.log);
    if (!config.log.isEmpty())
    {
        if (!logFile.open(QIODevice::Append | QIODevice::WriteOnly))
        {
            std::fprintf(stderr, "cannot open log %s: %s\n", qPrintable(config.log),
                         qPrintable(logFile.errorString()));
            return 2;
        }
        g_logFile = &logFile;
    }
    qInstallMessageHandler(logHandler);
    for (const QString& warning : config.warnings())
        qWarning().noquote() << warning;

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    QString error;
    std::unique_ptr<QObject> tunnel;
    std::function<kcp::tunnel::TunnelSnapshot()> snapshot;
    if (role == kcp::tunnel::TunnelRole::Client)
    {
        auto client = std::make_unique<kcp::tunnel::TunnelClient>(config);
        if (!client->start(&error))
        {
            qCritical().noquote() << error;
            return 1;
        }
        snapshot = [c = client.get()] { return c->snapshot(); };
        tunnel = std::move(client);
    }
    else
    {
        auto server = std::make_unique<kcp::tunnel::TunnelServer>(config);
        if (!server->start(&error))
        {
            qCritical().noquote() << error;
            return 1;
        }
        snapshot = [s = server.get()] { return s->snapshot(); };
        tunnel = std::move(server);
    }

    std::unique_ptr<kcp::tunnel::SnmpLogger> snmpLogger;
    if (!config.snmplog.isEmpty())
    {
        snmpLogger = std::make_unique<kcp::tunnel::SnmpLogger>(config.snmplog, config.snmpperiod);
        snmpLogger->start();
    }
    std::unique_ptr<kcp::tunnel::MetricsServer> metrics;
    if (!config.metrics.isEmpty())
    {
        metrics = std::make_unique<kcp::tunnel::MetricsServer>([&snapshot] {
            kcp::tunnel::TunnelSnapshot s = snapshot();
            s.snmp = kcp::net::WorkerPool::instance()->collect();
            return kcp::tunnel::prometheusText(s);
        });
        const auto address = kcp::tunnel::parseHostPort(config.metrics, {false, true, true});
        const QHostAddress host = address->host.isEmpty() ? QHostAddress(QHostAddress::Any)
                                  : address->host == QLatin1String("localhost")
                                      ? QHostAddress(QHostAddress::LocalHost)
                                      : QHostAddress(address->host);
        if (!metrics->listen(host, address->minPort, &error))
        {
            qCritical().noquote() << error;
            return 1;
        }
        qInfo().noquote() << "metrics on: http://" + config.metrics + "/metrics";
    }
    std::unique_ptr<app::AdviceLogger> advice;
    if (config.advise)
    {
        advice = std::make_unique<app::AdviceLogger>(snapshot, config);
        advice->start();
    }
    const int rc = app.exec();
    advice.reset();
    metrics.reset();
    snmpLogger.reset();
    tunnel.reset();
    return rc;
}
