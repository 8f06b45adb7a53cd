#include "profile/kcptun_text_import.h"

#include "kcp/tunnel/kcptun_command_line.h"
#include "kcp/tunnel/kcptun_json.h"

#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace app
{

using kcp::tunnel::TunnelRole;

namespace
{

struct Arguments
{
    QStringList flags;
    QString program;
    QString key; // a KCPTUN_KEY=... assignment before the program
    QString name;
    std::optional<TunnelRole> role;
};

// SIP003: options separated by ';', key and value by '=', '\' escaping either and itself.
QStringList splitEscaped(const QString& text, QChar separator, QString* error)
{
    QStringList parts{QString()};
    for (qsizetype i = 0; i < text.size(); ++i)
    {
        const QChar c = text[i];
        if (c == u'\\')
        {
            if (++i == text.size())
            {
                *error = Profile::tr("the plugin options end with a lone '\\'");
                return {};
            }
            parts.back() += text[i];
        }
        else if (c == separator)
            parts << QString();
        else
            parts.back() += c;
    }
    return parts;
}

// "key=value;flag;..." into --key value / --flag arguments. A first option "client" or
// "server" (as some plugin wrappers write) gives the role.
std::optional<Arguments> fromPluginOptions(const QString& options, QString* error)
{
    Arguments out;
    const QStringList items = splitEscaped(options, u';', error);
    if (!error->isEmpty())
        return std::nullopt;
    for (const QString& raw : items)
    {
        const QString item = raw.trimmed();
        if (item.isEmpty())
            continue;
        if (item == u"client" || item == u"server")
        {
            out.role = item == u"client" ? TunnelRole::Client : TunnelRole::Server;
            continue;
        }
        const qsizetype eq = item.indexOf(u'=');
        const QString key = (eq < 0 ? item : item.left(eq)).trimmed();
        if (key.isEmpty() || key.startsWith(u'-'))
        {
            *error = Profile::tr("“%1” is not a plugin option (expected name=value)").arg(item);
            return std::nullopt;
        }
        // The name and its value stay one argument, so a value starting with '-' is a value.
        out.flags << (eq < 0 ? QStringLiteral("--") + key
                             : QStringLiteral("--%1=%2").arg(key, item.mid(eq + 1)));
    }
    return out;
}

// ss://userinfo@host:port/?plugin=kcptun;opts#name (SIP002), the plugin part percent-encoded.
std::optional<Arguments> fromSip002(const QString& link, QString* error)
{
    const QUrl url(link, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || url.port() <= 0)
    {
        *error = Profile::tr("not a SIP002 ss:// link with a host and port: %1")
                     .arg(url.isValid() ? link : url.errorString());
        return std::nullopt;
    }
    const QString plugin =
        QUrlQuery(url).queryItemValue(QStringLiteral("plugin"), QUrl::FullyDecoded);
    const qsizetype semicolon = plugin.indexOf(u';');
    const QString pluginName = plugin.left(semicolon < 0 ? plugin.size() : semicolon);
    if (!pluginName.contains(QStringLiteral("kcptun"), Qt::CaseInsensitive))
    {
        *error = plugin.isEmpty()
                     ? Profile::tr("the ss:// link has no plugin: nothing of kcptun to import")
                     : Profile::tr("the ss:// link's plugin is “%1”, not kcptun").arg(pluginName);
        return std::nullopt;
    }
    auto out = fromPluginOptions(semicolon < 0 ? QString() : plugin.mid(semicolon + 1), error);
    if (!out)
        return std::nullopt;
    const QString host = url.host().contains(u':') ? u'[' + url.host() + u']' : url.host();
    out->flags.prepend(QStringLiteral("--remoteaddr=%1:%2").arg(host).arg(url.port()));
    out->role = TunnelRole::Client;
    out->name = url.fragment(QUrl::FullyDecoded);
    return out;
}

// Words as a POSIX shell splits them: blanks separate, '...' is literal, "..." keeps blanks and
// lets '\' escape $ ` " \ and a newline, a '\' outside quotes escapes the next character and
// joins lines. Expansions ($VAR, `cmd`) have no value outside the script: an error.
std::optional<QStringList> shellWords(const QString& text, QString* error)
{
    QStringList words;
    QString word;
    bool inWord = false;
    auto expansion = [&](QChar c)
    {
        *error = Profile::tr("the command line uses %1…, which only its script knows: replace "
                             "it with its value")
                     .arg(c);
    };
    for (qsizetype i = 0; i < text.size(); ++i)
    {
        const QChar c = text[i];
        if (c == u' ' || c == u'\t' || c == u'\n' || c == u'\r')
        {
            if (inWord)
                words << word;
            word.clear();
            inWord = false;
        }
        else if (c == u'\'')
        {
            const qsizetype end = text.indexOf(u'\'', i + 1);
            if (end < 0)
            {
                *error = Profile::tr("the command line has an unterminated ' quote");
                return std::nullopt;
            }
            word += text.mid(i + 1, end - i - 1);
            inWord = true;
            i = end;
        }
        else if (c == u'"')
        {
            inWord = true;
            for (++i;; ++i)
            {
                if (i >= text.size())
                {
                    *error = Profile::tr("the command line has an unterminated \" quote");
                    return std::nullopt;
                }
                const QChar d = text[i];
                if (d == u'"')
                    break;
                if (d == u'$' || d == u'`')
                {
                    expansion(d);
                    return std::nullopt;
                }
                if (d == u'\\' && i + 1 < text.size() &&
                    QStringView(u"$`\"\\\n").contains(text[i + 1]))
                {
                    if (text[++i] != u'\n')
                        word += text[i];
                }
                else
                    word += d;
            }
        }
        else if (c == u'\\')
        {
            if (i + 1 < text.size())
            {
                const QChar next = text[++i];
                if (next == u'\r' && i + 1 < text.size() && text[i + 1] == u'\n')
                    ++i; // a CRLF continuation
                else if (next != u'\n')
                {
                    word += next;
                    inWord = true;
                }
            }
        }
        else if (c == u'$' || c == u'`')
        {
            expansion(c);
            return std::nullopt;
        }
        else
        {
            word += c;
            inWord = true;
        }
    }
    if (inWord)
        words << word;
    return words;
}

std::optional<Arguments> fromCommandLine(const QString& text, QString* error)
{
    const std::optional<QStringList> split = shellWords(text, error);
    if (!split)
        return std::nullopt;
    QStringList words = *split;
    Arguments out;
    while (!words.isEmpty())
    {
        const QString& w = words.first();
        static const QRegularExpression assignment(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*="));
        if (assignment.match(w).hasMatch())
        {
            if (w.startsWith(QStringLiteral("KCPTUN_KEY=")))
                out.key = w.mid(int(sizeof("KCPTUN_KEY=") - 1));
        }
        else if (w != u"exec" && w != u"nohup" && w != u"sudo" && w != u"env")
            break;
        words.removeFirst();
    }
    if (!words.isEmpty() && !words.first().startsWith(u'-'))
    {
        out.program = words.takeFirst();
        const QString base = QFileInfo(out.program).fileName().toLower();
        if (base.contains(QStringLiteral("client")))
            out.role = TunnelRole::Client;
        else if (base.contains(QStringLiteral("server")))
            out.role = TunnelRole::Server;
    }
    if (words.isEmpty() && out.program.isEmpty())
    {
        *error = Profile::tr("nothing to import: paste a kcptun command line, its plugin options "
                             "or an ss:// link");
        return std::nullopt;
    }
    out.flags = words;
    return out;
}

// The flag's primary name as given (-r, --remoteaddr=x ...), without dashes and value.
QString flagName(const QString& argument)
{
    QString name = argument;
    while (name.startsWith(u'-'))
        name.remove(0, 1);
    return name.left(name.indexOf(u'=') < 0 ? name.size() : name.indexOf(u'='));
}

std::optional<TunnelRole> roleFromFlags(const QStringList& flags)
{
    for (const QString& f : flags)
    {
        if (!f.startsWith(u'-'))
            continue;
        const QString name = flagName(f);
        if (name == u"r" || name == u"remoteaddr")
            return TunnelRole::Client;
        if (name == u"t" || name == u"target")
            return TunnelRole::Server;
    }
    return std::nullopt;
}

} // namespace

std::optional<Profile> importKcptunText(const QString& input, std::optional<TunnelRole> role,
                                        QString* error, bool* needsRole)
{
    if (needsRole)
        *needsRole = false;
    error->clear();
    const QString text = input.trimmed();
    std::optional<Arguments> args;
    QString kind;
    if (text.startsWith(QStringLiteral("ss://"), Qt::CaseInsensitive))
    {
        args = fromSip002(text, error);
        kind = Profile::tr("ss:// link");
    }
    else if (static const QRegularExpression flag(QStringLiteral("(^|\\s)-"));
             text.contains(u'=') && !flag.match(text).hasMatch())
    {
        args = fromPluginOptions(text, error);
        kind = Profile::tr("plugin options");
    }
    else
    {
        args = fromCommandLine(text, error);
        kind = Profile::tr("command line");
    }
    if (!args)
        return std::nullopt;

    if (!role)
        role = args->role;
    if (!role)
        role = roleFromFlags(args->flags);
    if (!role)
    {
        if (needsRole)
            *needsRole = true;
        *error = Profile::tr("the %1 does not say whether it is a client or a server (no program "
                             "name, -r or -t); choose the role")
                     .arg(kind);
        return std::nullopt;
    }

    // Only what the text says: not this machine's KCPTUN_KEY.
    QProcessEnvironment environment;
    if (!args->key.isEmpty())
        environment.insert(QStringLiteral("KCPTUN_KEY"), args->key);
    const kcp::tunnel::KcptunCommandLine parsed =
        kcp::tunnel::parseKcptunCommandLine(*role, args->flags, environment);
    if (!parsed.error.isEmpty())
    {
        *error = Profile::tr("%1: %2").arg(kind, parsed.error);
        return std::nullopt;
    }
    if (parsed.help || parsed.version)
    {
        *error = Profile::tr("the %1 asks for kcptun's help or version, not a tunnel").arg(kind);
        return std::nullopt;
    }

    QString name = args->name;
    if (name.isEmpty())
    {
        const QString peer =
            *role == TunnelRole::Client ? parsed.config.remoteaddr : parsed.config.target;
        name = QStringLiteral("%1 %2").arg(roleName(*role), peer);
    }
    Profile profile = Profile::create(name, *role);
    profile.config = parsed.config;
    if (!parsed.configFile.isEmpty())
    {
        if (!QFileInfo::exists(parsed.configFile))
        {
            *error = Profile::tr("the %1 reads its settings from %2 (-c), which is not on this "
                                 "machine: import that JSON file too")
                         .arg(kind, parsed.configFile);
            return std::nullopt;
        }
        if (const QString problem =
                kcp::tunnel::loadKcptunJsonFile(profile.config, parsed.configFile);
            !problem.isEmpty())
        {
            *error = Profile::tr("%1: %2").arg(parsed.configFile, problem);
            return std::nullopt;
        }
    }
    return profile;
}

} // namespace app
