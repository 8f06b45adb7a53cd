// What one session costs in resident memory, the figure that decides how many sessions a server
// holds (issue 3: 5,000 sessions in less memory than a kcp-go server). A kcptun-default session
// (aes, FEC 10/3, mtu 1350) that has exchanged a few datagrams must stay small: the FEC codec's
// decode-table cache and the decoder's shard pool are sized for the worst case up front but
// stay untouched until a session needs them, so they must not show up in RSS. When they were
// zero-filled at construction a session cost 238 KB.

#include "kcp/key_derivation.h"
#include "kcp/random_source.h"
#include "kcp/session_core.h"

#include <QtTest>

#include <array>
#include <cstdio>
#include <memory>
#include <vector>

#include <unistd.h>

namespace
{

// Resident bytes of this process (/proc/self/statm's second field, in pages); 0 if unknown.
long long residentBytes()
{
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    long long size = 0;
    long long resident = 0;
    const int fields = std::fscanf(f, "%lld %lld", &size, &resident);
    std::fclose(f);
    return fields == 2 ? resident * ::sysconf(_SC_PAGESIZE) : 0;
}

kcp::SessionConfig kcptunDefaults()
{
    kcp::SessionConfig c;
    c.crypt = "aes";
    c.key = kcp::deriveKcptunKey("footprint");
    c.dataShards = 10;
    c.parityShards = 3;
    c.mtu = 1350;
    c.sndWnd = 128;
    c.rcvWnd = 512;
    c.streamMode = true;
    return c;
}

} // namespace

class TestSessionFootprint : public QObject
{
    Q_OBJECT

private slots:
    void fecSessionsStaySmall()
    {
#if defined(__SANITIZE_ADDRESS__)
        QSKIP("ASan's shadow memory and redzones are part of RSS there");
#endif
        if (residentBytes() == 0)
            QSKIP("no /proc/self/statm here");
        constexpr int Sessions = 400;
        // About 80 KB here (27 KB without FEC); 238 KB when the FEC buffers were zero-filled.
        constexpr long long BudgetPerSession = 128 * 1024;
        const kcp::SessionConfig config = kcptunDefaults();
        kcp::ChaChaRandom random(std::array<std::uint8_t, 32>{7});
        std::vector<std::unique_ptr<kcp::SessionCore>> clients;
        std::vector<std::unique_ptr<kcp::SessionCore>> servers;
        clients.reserve(Sessions);
        servers.reserve(Sessions);
        std::vector<std::uint8_t> datagram(1500);
        const std::vector<std::uint8_t> message(64, 'p');

        const long long before = residentBytes();
        kcp::Millis now = 1000;
        for (int i = 0; i < Sessions; ++i)
        {
            const auto conv = static_cast<std::uint32_t>(1000 + i);
            clients.push_back(std::make_unique<kcp::SessionCore>(conv, config, random));
            servers.push_back(std::make_unique<kcp::SessionCore>(conv, config, random));
            // A few echoes each way, as the scale test's sessions do once a second.
            for (int round = 0; round < 3; ++round, now += 1000)
            {
                for (auto* pair : {&clients, &servers})
                {
                    kcp::SessionCore& from = *pair->back();
                    kcp::SessionCore& to = pair == &clients ? *servers.back() : *clients.back();
                    from.write(now, message);
                    while (const std::size_t n = from.pollTransmit(now, datagram))
                        to.onDatagram(now, std::span(datagram.data(), n));
                }
            }
        }
        const long long perSession = (residentBytes() - before) / (2 * Sessions);
        qInfo("resident memory per FEC session: %lld bytes", perSession);
        QVERIFY2(perSession < BudgetPerSession,
                 qPrintable(QStringLiteral("%1 bytes per session").arg(perSession)));

        // They work: every server received the client's 3 x 64 bytes.
        for (const auto& server : servers)
        {
            std::array<std::uint8_t, 256> buffer{};
            QCOMPARE(server->read(buffer), std::size_t{192});
        }
    }
};

QTEST_APPLESS_MAIN(TestSessionFootprint)
#include "test_session_footprint.moc"
