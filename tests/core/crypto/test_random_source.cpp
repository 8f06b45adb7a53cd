#include "kcp/random_source.h"

#include "support/vectors.h"

#include <QtTest>

#include <array>
#include <vector>

using namespace testsupport;

// ChaChaRandom is the default nonce source: its output must be the ChaCha20 key stream of the
// seed (so a seeded session is reproducible) no matter how the caller slices its requests.
class TestRandomSource : public QObject
{
    Q_OBJECT

private slots:
    void zeroSeedIsChaCha20KeyStream()
    {
        // RFC 8439 A.1 test vector #1: key 0, nonce 0, block counter 0.
        const std::array<std::uint8_t, 32> seed{};
        kcp::ChaChaRandom random(seed);
        std::array<std::uint8_t, 64> out{};
        random.fill(out);
        QCOMPARE(
            toHex(out),
            QStringLiteral("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                           "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"));
    }

    void nextU32IsLittleEndian()
    {
        const std::array<std::uint8_t, 32> seed{};
        kcp::ChaChaRandom random(seed);
        QCOMPARE(random.nextU32(), 0xade0b876u); // bytes 76 b8 e0 ad
    }

    void slicingDoesNotChangeTheStream()
    {
        std::array<std::uint8_t, 32> seed{};
        seed[0] = 0x42;
        kcp::ChaChaRandom whole(seed);
        std::vector<std::uint8_t> expected(2000);
        whole.fill(expected);

        kcp::ChaChaRandom sliced(seed);
        std::vector<std::uint8_t> got;
        // Nonce-sized and odd pieces, some crossing the generator's internal block boundary.
        const std::size_t pieces[] = {16, 1, 12, 255, 16, 0, 300, 3, 16, 1381};
        for (std::size_t n : pieces)
        {
            std::vector<std::uint8_t> piece(n);
            sliced.fill(piece);
            got.insert(got.end(), piece.begin(), piece.end());
        }
        QCOMPARE(got.size(), expected.size());
        QVERIFY(got == expected);
    }

    void seedsGiveDifferentStreams()
    {
        std::array<std::uint8_t, 32> a{}, b{};
        b[31] = 1;
        kcp::ChaChaRandom ra(a), rb(b);
        std::array<std::uint8_t, 16> x{}, y{};
        ra.fill(x);
        rb.fill(y);
        QVERIFY(x != y);
    }
};

QTEST_APPLESS_MAIN(TestRandomSource)
#include "test_random_source.moc"
