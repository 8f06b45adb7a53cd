// libFuzzer target: kcptun's configuration front end as kcpdesk-cli runs it: the command line
// (parseKcptunCommandLine), the -c JSON over it (loadKcptunJson), the mode preset and
// validate(), then what a valid config is turned into (KCP session, smux config, addresses,
// JSON written back).
//
// Input: one mode byte, then text.
//   mode bit 0  server role (else client)
//   text        arguments separated by '\n', up to the first 0x00 byte; after it, the JSON
//               document that -c would load (used whether or not the arguments name a file, so
//               no file is ever opened).
// Invariants checked: a config that validate() accepts works: SessionCore and SmuxConfig take
// it without throwing or complaining, its addresses parse for its role, and the JSON written
// from it loads back (onto fresh defaults) into a config that writes the same JSON and also
// validates. Errors are sentences, never empty.
#include "fuzz_support.h"

#include "kcp/session_core.h"
#include "kcp/tunnel/kcptun_command_line.h"
#include "kcp/tunnel/kcptun_json.h"

#include <QJsonDocument>

#include <cstring>
#include <stdexcept>

namespace
{

using namespace kcp;
using namespace kcp::tunnel;

void checkUsable(const KcptunConfig& config)
{
    FUZZ_CHECK(config.smuxConfig().validate().empty());
    fuzz::DeterministicRandom random;
    try
    {
        SessionCore core(1, config.sessionConfig(fuzz::testKey()), random);
    }
    catch (const std::exception& e)
    {
        std::fprintf(stderr, "validated config refused by SessionCore: %s\n", e.what());
        FUZZ_CHECK(!"validate() accepted a config SessionCore refuses");
    }
    if (config.role == TunnelRole::Client)
    {
        FUZZ_CHECK(config.localAddress().has_value());
        FUZZ_CHECK(config.remoteAddress().has_value());
    }
    else
    {
        FUZZ_CHECK(config.listenAddress().has_value());
        FUZZ_CHECK(config.targetIsUnixSocket() || config.targetAddress().has_value());
    }
}

// What kcpdesk-cli does after the flags: JSON over them, then the preset, then validation.
void resolveAndCheck(KcptunConfig config, const QByteArray& json, bool haveJson)
{
    if (haveJson)
    {
        const KcptunConfig before = config;
        const QString error = loadKcptunJson(config, json);
        if (!error.isEmpty())
        {
            // Left unchanged on error: compare through the JSON rendering.
            FUZZ_CHECK(toKcptunJson(config) == toKcptunJson(before));
            return;
        }
    }
    config.applyModePreset();
    const QStringList problems = config.validate();
    for (const QString& p : problems)
        FUZZ_CHECK(!p.isEmpty());
    if (!problems.isEmpty())
        return;
    checkUsable(config);
    config.warnings();

    // Written back and loaded again onto the role's defaults: the same settings.
    const QByteArray written = QJsonDocument(toKcptunJson(config)).toJson();
    KcptunConfig reloaded = KcptunConfig::defaults(config.role);
    FUZZ_CHECK(loadKcptunJson(reloaded, written).isEmpty());
    reloaded.applyModePreset();
    FUZZ_CHECK(toKcptunJson(reloaded) == toKcptunJson(config));
    FUZZ_CHECK(reloaded.validate().isEmpty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const TunnelRole role = (data[0] & 1) ? TunnelRole::Server : TunnelRole::Client;
    const char* text = reinterpret_cast<const char*>(data + 1);
    const std::size_t textSize = size - 1;
    const void* nul = std::memchr(text, 0, textSize);
    const std::size_t argvSize = nul ? std::size_t(static_cast<const char*>(nul) - text) : textSize;

    QStringList arguments;
    if (argvSize > 0)
        arguments = QString::fromUtf8(text, qsizetype(argvSize)).split(u'\n');
    const KcptunCommandLine commandLine =
        parseKcptunCommandLine(role, arguments, QProcessEnvironment());
    if (!commandLine.error.isEmpty())
        return 0;
    const QByteArray json =
        nul ? QByteArray(text + argvSize + 1, qsizetype(textSize - argvSize - 1)) : QByteArray();
    resolveAndCheck(commandLine.config, json, nul != nullptr);

    // Without JSON, the library's own resolve must agree with the steps above.
    if (commandLine.configFile.isEmpty())
    {
        KcptunConfig resolved;
        const QStringList problems = resolveKcptunConfig(commandLine, resolved);
        if (problems.isEmpty())
            checkUsable(resolved);
    }
    return 0;
}
