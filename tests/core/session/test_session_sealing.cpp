// SessionCore seals the datagrams of one call as a batch (PacketCrypto::sealBatch). That must not
// be visible: every datagram carries the nonce it would have had sealed one by one, i.e. the
// RandomSource's draws in transmit order, drawn before the call that produced it returns (so that
// sessions sharing a source draw exactly as before), and the peer opens every one of them.

#include "kcp/packet_crypto.h"
#include "kcp/random_source.h"
#include "kcp/session_core.h"

#include <QtTest>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace
{

// A ChaCha source that remembers each 16-byte draw and which session was being driven then.
class RecordingRandom final : public kcp::RandomSource
{
public:
    RecordingRandom() : m_inner(std::array<std::uint8_t, 32>{9}) {}

    void fill(std::span<std::uint8_t> out) override
    {
        m_inner.fill(out);
        draws.push_back({std::vector<std::uint8_t>(out.begin(), out.end()), driving});
    }

    struct Draw
    {
        std::vector<std::uint8_t> bytes;
        int session;
    };
    std::vector<Draw> draws;
    int driving = -1; // set by the test around each call into a session

private:
    kcp::ChaChaRandom m_inner;
};

kcp::SessionConfig config(const char* crypt)
{
    kcp::SessionConfig c;
    c.crypt = crypt;
    for (std::size_t i = 0; i < c.key.size(); ++i)
        c.key[i] = static_cast<std::uint8_t>(i * 11 + 3);
    c.sndWnd = 256;
    c.rcvWnd = 256;
    return c;
}

} // namespace

class TestSessionSealing : public QObject
{
    Q_OBJECT

private slots:
    void noncesAreTheDrawsInTransmitOrder_data()
    {
        QTest::addColumn<QString>("crypt");
        for (const char* name : {"aes", "aes-128", "aes-192", "salsa20", "xor", "none"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void noncesAreTheDrawsInTransmitOrder()
    {
        QFETCH(QString, crypt);
        const std::string name = crypt.toStdString();
        RecordingRandom random;
        // Two sessions on one source, driven alternately: each call's datagrams must take the
        // draws made during that call.
        kcp::SessionCore a(1, config(name.c_str()), random);
        kcp::SessionCore b(2, config(name.c_str()), random);
        kcp::SessionCore* sessions[2] = {&a, &b};
        const auto opener = kcp::makePacketCrypto(name, config(name.c_str()).key);

        std::vector<std::uint8_t> payload(300 * 1000);
        for (std::size_t i = 0; i < payload.size(); ++i)
            payload[i] = static_cast<std::uint8_t>(i * 31 + 7);

        // Per session, the draws made while it was driven, in order; datagram k of a session
        // must carry its k-th.
        std::vector<std::vector<std::uint8_t>> ownDraws[2];
        std::size_t drawsSeen = 0;
        auto collectDraws = [&]
        {
            for (; drawsSeen < random.draws.size(); ++drawsSeen)
                ownDraws[random.draws[drawsSeen].session % 10].push_back(
                    random.draws[drawsSeen].bytes);
        };
        std::size_t sent[2] = {0, 0};
        std::size_t datagrams = 0;
        kcp::Millis now = 1000;
        std::size_t written[2] = {0, 0};
        for (int round = 0; round < 40; ++round, now += 10)
        {
            // Both sessions write before either is drained: a session that sealed lazily, when
            // its queue is read, would draw during the other's calls or its own drain.
            for (int s = 0; s < 2; ++s)
            {
                random.driving = s;
                const std::size_t drawsBefore = random.draws.size();
                const std::size_t queuedBefore = sessions[s]->pendingTransmits();
                // Uneven writes, so batches of every size occur (1 up to a window's worth).
                const std::size_t chunk = 1 + (round * 7919 + s * 104729) % 60000;
                const std::size_t take = std::min(chunk, payload.size() - written[s]);
                written[s] += sessions[s]->write(
                    now, std::span<const std::uint8_t>(payload.data() + written[s], take));
                QCOMPARE(random.draws.size() - drawsBefore,
                         sessions[s]->pendingTransmits() - queuedBefore);
                collectDraws();
            }
            for (int s = 0; s < 2; ++s)
            {
                random.driving = 10 + s; // the drain's own update may flush (and draw) more
                for (std::span<const std::uint8_t> d = sessions[s]->nextTransmit(now); !d.empty();
                     d = sessions[s]->nextTransmit(now))
                {
                    std::vector<std::uint8_t> copy(d.begin(), d.end());
                    sessions[s]->popTransmit();
                    collectDraws();
                    QVERIFY2(sent[s] < ownDraws[s].size(), "a datagram without a draw");
                    QVERIFY(opener->open(copy.data(), copy.size()).has_value());
                    QCOMPARE(std::vector<std::uint8_t>(copy.begin(), copy.begin() + 16),
                             ownDraws[s][sent[s]]);
                    ++sent[s];
                    ++datagrams;
                }
                collectDraws();
                QCOMPARE(sent[s], ownDraws[s].size());
            }
        }
        QVERIFY2(datagrams > 100, qPrintable(QString::number(datagrams)));
    }
};

QTEST_APPLESS_MAIN(TestSessionSealing)
#include "test_session_sealing.moc"
