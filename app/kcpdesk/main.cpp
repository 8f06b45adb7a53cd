// kcpdesk: for now the loopback demo (the GUI replaces it with the app issue). It shows what the
// library measures: an encrypted, FEC-protected KCP session pair on 127.0.0.1, through an
// emulated lossy link, with live RTT, RTO, retransmissions and FEC recovery once a second.

#include "demo/loopback_demo.h"

#include "kcp/key_derivation.h"
#include "kcp/mode_preset.h"
#include "kcp/packet_crypto.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <stdexcept>

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

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("kcpdesk"));
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
    const QCommandLineOption duration("duration", "Stop after this many seconds (0: never).",
                                      "s", "0");
    parser.addOptions({loss, delay, jitter, crypt, key, mode, dataShards, parityShards, duration});
    parser.process(application);

    app::LoopbackDemo::Options options;
    if (!parsePercent(parser.value(loss), options.link.loss))
    {
        err() << "kcpdesk: --loss must be a percentage between 0 and 100\n";
        return 2;
    }
    if (!parseMs(parser.value(delay), options.link.delay) ||
        !parseMs(parser.value(jitter), options.link.jitter))
    {
        err() << "kcpdesk: --delay and --jitter must be whole ms between 0 and 10000\n";
        return 2;
    }
    const auto preset = kcp::modePreset(parser.value(mode).toStdString());
    if (!preset)
    {
        err() << "kcpdesk: unknown --mode " << parser.value(mode)
              << " (normal, fast, fast2, fast3)\n";
        return 2;
    }
    options.session.noDelay = *preset;
    options.session.crypt = parser.value(crypt).toStdString();
    options.session.key = kcp::deriveKcptunKey(parser.value(key).toStdString());
    options.session.dataShards = parser.value(dataShards).toInt();
    options.session.parityShards = parser.value(parityShards).toInt();
    options.durationSeconds = parser.value(duration).toInt();

    std::unique_ptr<app::LoopbackDemo> demo;
    try
    {
        demo = std::make_unique<app::LoopbackDemo>(options);
    }
    catch (const std::invalid_argument& e)
    {
        err() << "kcpdesk: " << e.what() << '\n';
        return 2;
    }
    QObject::connect(demo.get(), &app::LoopbackDemo::report, [](const QString& line) {
        out() << line << Qt::endl;
    });
    QObject::connect(demo.get(), &app::LoopbackDemo::finished, &application,
                     &QCoreApplication::quit);
    if (!demo->start())
    {
        err() << "kcpdesk: " << demo->errorString() << '\n';
        return 1;
    }
    out() << "KcpDesk loopback demo: crypt " << parser.value(crypt) << ", mode "
          << parser.value(mode) << ", FEC " << options.session.dataShards << '/'
          << options.session.parityShards << ", link loss " << parser.value(loss)
          << "% each way, delay " << parser.value(delay) << " ms each way\n"
          << app::LoopbackDemo::reportHeader() << Qt::endl;
    return application.exec();
}
