#include "kcp/tunnel/kcptun_command_line.h"

#include "kcp/tunnel/kcptun_json.h"
#include "kcp/tunnel/kcptun_options.h"

namespace kcp::tunnel
{

namespace
{

const KcptunOption* findFlag(TunnelRole role, QStringView name)
{
    for (const KcptunOption& o : kcptunOptions(role))
        if (o.name == name || o.aliases.contains(name.toString()))
            return &o;
    return nullptr;
}

// Go's strconv.ParseBool.
std::optional<bool> parseBool(const QString& text)
{
    static const QStringList yes{"1", "t", "T", "true", "TRUE", "True"};
    static const QStringList no{"0", "f", "F", "false", "FALSE", "False"};
    if (yes.contains(text))
        return true;
    if (no.contains(text))
        return false;
    return std::nullopt;
}

QString defaultText(const KcptunConfig& defaults, const KcptunOption& option)
{
    if (const auto* field = std::get_if<int KcptunConfig::*>(&option.field))
        return QString::number(defaults.*(*field));
    if (std::holds_alternative<bool KcptunConfig::*>(option.field))
        return {};
    const QString value = defaults.*std::get<QString KcptunConfig::*>(option.field);
    return value.isEmpty() ? QString() : u'"' + value + u'"';
}

} // namespace

KcptunCommandLine parseKcptunCommandLine(TunnelRole role, const QStringList& arguments,
                                         const QProcessEnvironment& environment)
{
    KcptunCommandLine result;
    result.config = KcptunConfig::defaults(role);
    // urfave/cli: a non-empty EnvVar replaces the default; a flag still wins.
    if (const QString key = environment.value(QStringLiteral("KCPTUN_KEY")); !key.isEmpty())
        result.config.key = key;

    for (qsizetype i = 0; i < arguments.size(); ++i)
    {
        const QString& argument = arguments[i];
        if (argument == QLatin1String("--"))
        {
            if (i + 1 < arguments.size())
                result.error = QStringLiteral("unexpected argument \"%1\"").arg(arguments[i + 1]);
            break;
        }
        if (!argument.startsWith(u'-') || argument == QLatin1String("-"))
        {
            result.error = QStringLiteral("unexpected argument \"%1\" (flags start with - or --)")
                               .arg(argument);
            return result;
        }
        QStringView body = QStringView(argument).mid(argument.startsWith(QLatin1String("--")) ? 2
                                                                                              : 1);
        std::optional<QString> value;
        if (const qsizetype eq = body.indexOf(u'='); eq >= 0)
        {
            value = body.mid(eq + 1).toString();
            body = body.first(eq);
        }
        if (body.isEmpty() || body.startsWith(u'-'))
        {
            result.error = QStringLiteral("bad flag syntax: %1").arg(argument);
            return result;
        }

        if (body == u"h" || body == u"help")
        {
            result.help = true;
            continue;
        }
        if (body == u"v" || body == u"version")
        {
            result.version = true;
            continue;
        }

        const bool isConfigFile = body == u"c";
        const KcptunOption* option = isConfigFile ? nullptr : findFlag(role, body);
        if (!isConfigFile && !option)
        {
            result.error = QStringLiteral("flag provided but not defined: -%1").arg(body);
            return result;
        }
        const bool isBool = option && std::holds_alternative<bool KcptunConfig::*>(option->field);
        if (!value && !isBool)
        {
            if (i + 1 >= arguments.size())
            {
                result.error = QStringLiteral("flag needs an argument: -%1").arg(body);
                return result;
            }
            value = arguments[++i];
        }

        if (isConfigFile)
        {
            result.configFile = *value;
            continue;
        }
        result.givenFlags << option->name;
        if (isBool)
        {
            const auto b = value ? parseBool(*value) : std::optional<bool>(true);
            if (!b)
            {
                result.error = QStringLiteral("invalid boolean value \"%1\" for -%2")
                                   .arg(*value, body);
                return result;
            }
            result.config.*std::get<bool KcptunConfig::*>(option->field) = *b;
        }
        else if (const auto* field = std::get_if<int KcptunConfig::*>(&option->field))
        {
            bool ok = false;
            const int n = value->toInt(&ok, 0);  // Go's ParseInt(s, 0, 64): 0x.. and 0.. too
            if (!ok)
            {
                result.error = QStringLiteral("invalid value \"%1\" for flag -%2: not an integer")
                                   .arg(*value, body);
                return result;
            }
            result.config.*(*field) = n;
        }
        else
        {
            result.config.*std::get<QString KcptunConfig::*>(option->field) = *value;
        }
    }
    return result;
}

QStringList resolveKcptunConfig(const KcptunCommandLine& commandLine, KcptunConfig& config)
{
    if (!commandLine.error.isEmpty())
        return {commandLine.error};
    KcptunConfig resolved = commandLine.config;
    if (!commandLine.configFile.isEmpty())
    {
        if (const QString error = loadKcptunJsonFile(resolved, commandLine.configFile);
            !error.isEmpty())
            return {error};
    }
    resolved.applyModePreset();
    const QStringList problems = resolved.validate();
    if (problems.isEmpty())
        config = resolved;
    return problems;
}

QString kcptunHelpText(TunnelRole role, const QString& program)
{
    const KcptunConfig defaults = KcptunConfig::defaults(role);
    const bool client = role == TunnelRole::Client;
    QString text;
    text += QStringLiteral("NAME:\n   %1 - %2\n\n").arg(program,
                                                          client ? QStringLiteral("client(with SMUX)")
                                                                 : QStringLiteral("server(with SMUX)"));
    text += QStringLiteral("USAGE:\n   %1 [options]\n\n").arg(program);
    text += QStringLiteral(
        "   Every option takes one or two dashes (-key or --key), its value after a space or '='.\n"
        "   Order of precedence: defaults < KCPTUN_KEY < flags < -c JSON < --mode preset.\n\n");

    auto render = [&](const KcptunOption& o) {
        QString names = QStringLiteral("--") + o.name;
        if (!o.valueName.isEmpty())
            names += u' ' + o.valueName;
        for (const QString& alias : o.aliases)
        {
            names += QStringLiteral(", ") + (alias.size() == 1 ? QStringLiteral("-")
                                                               : QStringLiteral("--")) +
                     alias;
            if (!o.valueName.isEmpty())
                names += u' ' + o.valueName;
        }
        QString line = QStringLiteral("   %1  %2").arg(names.leftJustified(34), o.usage);
        if (const QString d = defaultText(defaults, o); !d.isEmpty())
            line += QStringLiteral(" (default: %1)").arg(d);
        return line + u'\n';
    };

    text += QStringLiteral("OPTIONS:\n");
    for (const KcptunOption& o : kcptunOptions(role))
        if (!o.hidden)
            text += render(o);
    text += QStringLiteral("   %1  %2\n")
                .arg(QStringLiteral("-c value").leftJustified(34),
                     QStringLiteral("config from json file, which will override the command from "
                                    "shell"));
    text += QStringLiteral("   %1  show help\n").arg(QStringLiteral("--help, -h").leftJustified(34));
    text += QStringLiteral("   %1  print the version\n")
                .arg(QStringLiteral("--version, -v").leftJustified(34));

    text += QStringLiteral("\nHIDDEN IN KCPTUN'S HELP (nodelay, interval, resend and nc only count "
                           "with --mode manual; the presets overwrite them):\n");
    for (const KcptunOption& o : kcptunOptions(role))
        if (o.hidden)
            text += render(o);
    return text;
}

} // namespace kcp::tunnel
