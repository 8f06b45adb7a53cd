#include "kcp/key_derivation.h"

#include "support/vectors.h"

#include <QtTest>

using namespace testsupport;

// kcptun's PBKDF2-HMAC-SHA1(passphrase, "kcp-go", 4096, 32) against keys produced by the Go code
// kcptun itself calls (tests/vectors/kcptun_kdf.json).
class TestKeyDerivation : public QObject
{
    Q_OBJECT

private slots:
    void parametersAreKcptuns()
    {
        const QJsonObject v = loadVectors(QStringLiteral("kcptun_kdf.json"));
        QCOMPARE(v.value(QLatin1String("salt")).toString(), QStringLiteral("kcp-go"));
        QCOMPARE(v.value(QLatin1String("iterations")).toInt(), 4096);
        QCOMPARE(v.value(QLatin1String("dklen")).toInt(), 32);
        QCOMPARE(v.value(QLatin1String("prf")).toString(), QStringLiteral("HMAC-SHA1"));
    }

    void vectors_data()
    {
        QTest::addColumn<QByteArray>("passphrase");
        QTest::addColumn<QString>("keyHex");
        const QJsonArray vectors = loadVectors(QStringLiteral("kcptun_kdf.json"))
                                       .value(QLatin1String("vectors"))
                                       .toArray();
        QVERIFY(vectors.size() >= 5);
        for (const QJsonValue& value : vectors)
        {
            const QJsonObject o = value.toObject();
            const std::vector<std::uint8_t> bytes = hexField(o, "passphrase_hex");
            const QByteArray passphrase(reinterpret_cast<const char*>(bytes.data()),
                                        qsizetype(bytes.size()));
            // The hex and the text must agree, so the non-ASCII case really is UTF-8.
            QCOMPARE(QString::fromUtf8(passphrase),
                     o.value(QLatin1String("passphrase")).toString());
            QTest::addRow("%s", o.value(QLatin1String("passphrase_hex")).toString().isEmpty()
                                    ? "<empty>"
                                    : qPrintable(o.value(QLatin1String("passphrase")).toString()))
                << passphrase << o.value(QLatin1String("key_hex")).toString();
        }
    }

    void vectors()
    {
        QFETCH(QByteArray, passphrase);
        QFETCH(QString, keyHex);
        const kcp::SessionKey key =
            kcp::deriveKcptunKey(std::string_view(passphrase.constData(), passphrase.size()));
        QCOMPARE(toHex(key), keyHex);
    }

    void defaultKeyFromSpec()
    {
        // wire-compat.md 3.4: kcptun's default --key "it's a secrect" (sic).
        QCOMPARE(
            toHex(kcp::deriveKcptunKey("it's a secrect")),
            QStringLiteral("25d7d7bd51050742d8d791f2b653c6c8b2366b7e25a124cf7a2e12eaf4ffa444"));
    }

    void passphraseIsNotTruncatedAtNul()
    {
        // string_view carries the length: an embedded NUL is part of the passphrase.
        const std::string_view withNul("ab\0cd", 5);
        QVERIFY(kcp::deriveKcptunKey(withNul) != kcp::deriveKcptunKey("ab"));
    }
};

QTEST_APPLESS_MAIN(TestKeyDerivation)
#include "test_key_derivation.moc"
