// kcpdesk: the GUI. Profiles with one-click tunnels and live charts, and the Lab (a KCP pair
// through an emulated lossy link on 127.0.0.1). The console loopback demo is kcpdesk-demo.

#include "ui/lab_panel.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QTimer>
#include <QTranslator>

#include <cstdio>

int main(int argc, char** argv)
{
    QApplication application(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("KcpDesk"));
    QApplication::setApplicationName(QStringLiteral("kcpdesk"));
    QApplication::setApplicationDisplayName(QStringLiteral("KcpDesk"));
    QApplication::setApplicationVersion(QStringLiteral(KCPDESK_VERSION));
    // The installed desktop entry and icon (resources/): Wayland shells match windows to their
    // entry by this name; the icon comes from the theme where an SVG icon engine is present.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.kcpdesk.KcpDesk"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.kcpdesk.KcpDesk")));

    // The user's language where a translation exists (Qt's own strings too), else English.
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("kcpdesk"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Encrypted KCP tunnels you can see into (kcptun compatible)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption profiles(
        "profiles",
        QApplication::translate("main", "Profiles file (default: %1).")
            .arg(app::ProfileStore::defaultPath()),
        "file");
    const QCommandLineOption lab("lab",
                                 QApplication::translate("main", "Open the Lab tab and start it."));
    const QCommandLineOption compare(
        "compare", QApplication::translate("main", "With --lab: also run the FEC-off comparison."));
    const QCommandLineOption screenshot(
        "screenshot",
        QApplication::translate("main", "Save a PNG of the window to file after --screenshot-delay "
                                        "seconds, then quit."),
        "file");
    const QCommandLineOption screenshotDelay(
        "screenshot-delay", QApplication::translate("main", "Seconds before the screenshot."), "s",
        "8");
    const QCommandLineOption noAutoStart(
        "no-autostart",
        QApplication::translate("main", "Do not start the profiles marked "
                                        "\"Start this tunnel when KcpDesk starts\"."));
    parser.addOptions({profiles, lab, compare, screenshot, screenshotDelay, noAutoStart});
    parser.process(application);

    ui::MainWindow window(parser.value(profiles));
    window.show();
    if (!window.loadError().isEmpty())
        QTimer::singleShot(0, &window,
                           [&window]
                           {
                               QMessageBox::warning(&window,
                                                    QApplication::translate("main", "Profiles"),
                                                    window.loadError());
                           });
    if (!parser.isSet(noAutoStart) && !parser.isSet(screenshot))
        window.tunnels().startAutoStartProfiles();
    if (parser.isSet(lab))
    {
        if (parser.isSet(compare))
            window.labPanel()->setCompareWithoutFec(true);
        window.showLab(true);
    }
    if (parser.isSet(screenshot))
    {
        const QString path = parser.value(screenshot);
        QTimer::singleShot(int(parser.value(screenshotDelay).toDouble() * 1000), &window,
                           [&window, path]
                           {
                               if (!window.grab().save(path, "PNG"))
                               {
                                   std::fprintf(stderr, "kcpdesk: cannot write %s\n",
                                                qPrintable(path));
                                   QApplication::exit(1);
                                   return;
                               }
                               QApplication::quit();
                           });
    }
    return application.exec();
}
