// kcpdesk-demo: the lab on a terminal. An encrypted, FEC-protected KCP session pair on 127.0.0.1
// moving bulk data through an emulated lossy link, with live RTT, RTO, retransmissions and FEC
// recovery once a second -- the same LabSession and samples the GUI's Lab tab charts.

#include "lab/lab_session.h"

#include "kcp/tunnel/kcptun_config.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace
{

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream& err()
{
    static QTextStream stream(stderr);
    return stream;
}

bool parsePercent(const QString& text, double& value)
{
    bool ok = false;
    value = text.toDouble(&ok) / 100.0;
    return ok && value >= 0.0 && value <= 1.0;
}

bool parseMs(const QString& text, kcp::Millis& value)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    value = kcp::Millis(v);
    return ok && v >= 0 && v <= 10000;
}

QString header()
{
    return QStringLiteral("  t  goodput    srtt  rttvar   rto  inflight  retrans/s (rto/fast/early)"
                          "  path-loss  parity  fec-recovered");
}

QString line(const app::StatsSample& s)
{
    return QStringLiteral("%1s %2 Mbit/s %3 ms %4 ms %5 ms %6 %7 (%8/%9/%10) %11 %12 %13")
        .arg(qRound(s.elapsedS), 3)
        .arg(s.goodputInBps / 1e6, 6, 'f', 1)
        .arg(s.srttMs, 4, 'f', 0)
        .arg(s.rttVarMs, 4, 'f', 0)
        .arg(s.rtoMs, 4, 'f', 0)
        .arg(s.inflight, 6)
        .arg(s.retransPerS, 8, 'f', 0)
        .arg(s.rtoRetransPerS, 0, 'f', 0)
        .arg(s.fastRetransPerS, 0, 'f', 0)
        .arg(s.earlyRetransPerS, 0, 'f', 0)
        .arg(s.hasLinkLoss ? QString::number(s.linkLossPercent, 'f', 1) + QLatin1Char('%')
                           : QStringLiteral("-"),
             8)
        .arg(s.fecParityPerS, 6, 'f', 0)
        .arg(s.fecRecoveredPerS, 8, 'f', 0);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("kcpdesk-demo"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KCPDESK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Loopback demo: an encrypted, FEC-protected KCP session pair on 127.0.0.1 moving bulk "
        "data through an emulated lossy link, printing live link figures once a second."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption loss({"l", "loss"}, "Loss per direction, percent.", "percent", "5");
    const QCommandLineOption delay({"d", "delay"}, "One-way delay, ms.", "ms", "25");
    const QCommandLineOption jitter("jitter", "Extra random one-way delay 0..ms.", "ms", "0");
    const QCommandLineOption crypt("crypt", "kcptun crypt method.", "name", "aes");
    const QCommandLineOption key("key", "Pre-shared key.", "text", "it's a secrect");
    const QCommandLineOption mode("mode", "normal, fast, fast2 or fast3.", "mode", "fast");
    const QCommandLineOption dataShards("datashard", "FEC data shards (0: FEC off).", "n", "10");
    const QCommandLineOption parityShards("parityshard", "FEC parity shards.", "n", "3");
    const QCommandLineOption duration("duration", "Stop after this many seconds (0: never).", "s",
                                      "0");
    parser.addOptions({loss, delay, jitter, crypt, key, mode, dataShards, parityShards, duration});
    parser.process(application);

    app::LabSettings settings = app::LabSettings::defaults();
    if (!parsePercent(parser.value(loss), settings.link.loss))
    {
        err() << "kcpdesk-demo: --loss must be a percentage between 0 and 100\n";
        return 2;
    }
    if (!parseMs(parser.value(delay), settings.link.delay) ||
        !parseMs(parser.value(jitter), settings.link.jitter))
    {
        err() << "kcpdesk-demo: --delay and --jitter must be whole ms between 0 and 10000\n";
        return 2;
    }
    settings.session.mode = parser.value(mode);
    settings.session.crypt = parser.value(crypt);
    settings.session.key = parser.value(key);
    settings.session.datashard = parser.value(dataShards).toInt();
    settings.session.parityshard = parser.value(parityShards).toInt();
    const int seconds = parser.value(duration).toInt();

    app::LabSession lab;
    if (!lab.start(settings))
    {
        err() << "kcpdesk-demo: " << lab.errorString() << '\n';
        return 2;
    }
    QObject::connect(&lab, &app::LabSession::sampleAdded,
                     [&](const app::StatsSample& sample)
                     {
                         out() << line(sample) << Qt::endl;
                         if (seconds > 0 && lab.series().totalAppended() >= seconds)
                             application.quit();
                     });
    out() << "KcpDesk loopback demo: crypt " << settings.session.crypt << ", mode "
          << settings.session.mode << ", FEC " << settings.session.datashard << '/'
          << settings.session.parityshard << ", link loss " << parser.value(loss)
          << "% each way, delay " << parser.value(delay) << " ms each way\n"
          << header() << Qt::endl;
    const int status = application.exec();
    lab.stop();
    return status;
}
