// kcptun --mode presets (wire-compat.md 1.6) and how Kcp applies SetNoDelay.
#include "kcp/kcp.h"
#include "kcp/mode_preset.h"

#include <QtTest>

using namespace kcp;

class TestModePreset : public QObject
{
    Q_OBJECT

private slots:
    void presets_data();
    void presets();
    void manualAndUnknown();
    void noDelayAppliesToKcp();
};

void TestModePreset::presets_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("nodelay");
    QTest::addColumn<int>("interval");
    QTest::addColumn<int>("resend");
    QTest::addColumn<int>("nc");
    QTest::newRow("normal") << "normal" << 0 << 40 << 2 << 1;
    QTest::newRow("fast") << "fast" << 0 << 30 << 2 << 1;
    QTest::newRow("fast2") << "fast2" << 1 << 20 << 2 << 1;
    QTest::newRow("fast3") << "fast3" << 1 << 10 << 2 << 1;
}

void TestModePreset::presets()
{
    QFETCH(QString, mode);
    QFETCH(int, nodelay);
    QFETCH(int, interval);
    QFETCH(int, resend);
    QFETCH(int, nc);
    const QByteArray name = mode.toLatin1();
    const std::optional<NoDelayParams> p = modePreset(std::string_view(name.data(), name.size()));
    QVERIFY(p.has_value());
    QCOMPARE(p->nodelay, nodelay);
    QCOMPARE(p->interval, interval);
    QCOMPARE(p->resend, resend);
    QCOMPARE(p->nc, nc);
}

void TestModePreset::manualAndUnknown()
{
    QVERIFY(!modePreset("manual").has_value());
    QVERIFY(!modePreset("").has_value());
    QVERIFY(!modePreset("Fast").has_value()); // kcptun compares case-sensitively
    QVERIFY(!modePreset("fast4").has_value());
}

// kcp-go NoDelay: interval clamped to [10, 5000], negative values keep the old setting.
void TestModePreset::noDelayAppliesToKcp()
{
    Kcp kcp(1, [](std::uint8_t*, std::size_t) {});
    QCOMPARE(kcp.interval(), 100);
    kcp.setNoDelay(*modePreset("fast3"));
    QCOMPARE(kcp.interval(), 10);
    kcp.setNoDelay({-1, 3, -1, -1});
    QCOMPARE(kcp.interval(), 10);
    kcp.setNoDelay({-1, 99999, -1, -1});
    QCOMPARE(kcp.interval(), 5000);
    kcp.setNoDelay({-1, -1, -1, -1});
    QCOMPARE(kcp.interval(), 5000);
}

QTEST_APPLESS_MAIN(TestModePreset)
#include "test_mode_preset.moc"
