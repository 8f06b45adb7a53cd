// LabSession: a real KCP pair on 127.0.0.1 through the emulated link, on its worker thread.
// Samples arrive with what the link does (RTT above the emulated delay, the emulator's loss
// measured back through FEC, FEC rebuilding packets), link settings act live, session settings
// restart the pair in place, and bad settings are refused with the library's reason.

#include "lab/lab_engine.h"
#include "lab/lab_session.h"

#include <QSignalSpy>
#include <QtTest>

using namespace app;

class TestLabSession : public QObject
{
    Q_OBJECT

private slots:
    void lossyLinkShowsInTheSamples();
    void refusesBadSettings();
    void newPairHearsNothingOfTheOld();
};

void TestLabSession::lossyLinkShowsInTheSamples()
{
    LabSession lab;
    lab.setSampleInterval(250);
    LabSettings settings = LabSettings::defaults();
    settings.link.loss = 0.10;
    settings.link.delay = 15;
    settings.session.key = "lab test";
    QSignalSpy started(&lab, &LabSession::started);
    QVERIFY2(lab.start(settings), qPrintable(lab.errorString()));
    QVERIFY(lab.isRunning());
    QCOMPARE(started.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(lab.series().size() >= 6, 5000);

    double goodput = 0, recovered = 0, retrans = 0, measured = 0, emulated = 0;
    int lossSamples = 0;
    for (const StatsSample& s : lab.series().since(2)) // past slow start
    {
        goodput += s.goodputInBps;
        recovered += s.fecRecoveredPerS;
        retrans += s.retransPerS;
        QVERIFY2(s.srttMs >= 2 * 15, qPrintable(QString::number(s.srttMs)));
        QVERIFY(s.hasEmulatedLoss);
        if (s.hasLinkLoss)
        {
            measured += s.linkLossPercent;
            emulated += s.emulatedLossPercent;
            ++lossSamples;
        }
    }
    QVERIFY(goodput > 0);
    QVERIFY(recovered > 0); // FEC 10/3 at 10 % loss rebuilds packets
    QVERIFY(lossSamples >= 3);
    // FEC's sequence gaps measure about what the emulator dropped.
    QVERIFY2(std::abs(measured / lossSamples - emulated / lossSamples) < 4.0,
             qPrintable(QStringLiteral("measured %1 emulated %2")
                            .arg(measured / lossSamples)
                            .arg(emulated / lossSamples)));
    QVERIFY2(emulated / lossSamples > 5 && emulated / lossSamples < 15,
             qPrintable(QString::number(emulated / lossSamples)));
    Q_UNUSED(retrans);

    // A clean link, live: the emulator stops dropping at once.
    settings.link.loss = 0.0;
    lab.setSettings(settings);
    qint64 mark = lab.series().totalAppended() + 1; // the sample in progress may straddle
    QTRY_VERIFY_WITH_TIMEOUT(lab.series().totalAppended() >= mark + 3, 5000);
    for (const StatsSample& s : lab.series().since(mark))
        QCOMPARE(s.emulatedLossPercent, 0.0);

    // FEC off replaces the pair: no parity, no sequence numbers, so no loss measurement.
    settings.link.loss = 0.05;
    settings.session.datashard = 0;
    settings.session.parityshard = 0;
    lab.setSettings(settings);
    mark = lab.series().totalAppended() + 1;
    QTRY_VERIFY_WITH_TIMEOUT(lab.series().totalAppended() >= mark + 3, 5000);
    double afterGoodput = 0;
    for (const StatsSample& s : lab.series().since(mark))
    {
        QVERIFY(!s.hasLinkLoss);
        QCOMPARE(s.fecParityPerS, 0.0);
        afterGoodput += s.goodputInBps;
    }
    QVERIFY(afterGoodput > 0); // the new pair moves data

    QSignalSpy stopped(&lab, &LabSession::stopped);
    lab.stop();
    QVERIFY(!lab.isRunning());
    QCOMPARE(stopped.size(), 1);
    const qint64 total = lab.series().totalAppended();
    QTest::qWait(600);
    QCOMPARE(lab.series().totalAppended(), total);
}

void TestLabSession::refusesBadSettings()
{
    LabSession lab;
    LabSettings bad = LabSettings::defaults();
    bad.session.crypt = "rot13";
    QSignalSpy failed(&lab, &LabSession::failed);
    QVERIFY(!lab.start(bad));
    QVERIFY(!lab.isRunning());
    QVERIFY2(lab.errorString().contains("rot13"), qPrintable(lab.errorString()));
    QCOMPARE(failed.size(), 1);

    LabSettings good = LabSettings::defaults();
    lab.setSampleInterval(200);
    QVERIFY2(lab.start(good), qPrintable(lab.errorString()));
    LabSettings badLink = good;
    badLink.link.loss = 1.5;
    lab.setSettings(badLink);
    QCOMPARE(failed.size(), 2);
    QVERIFY2(failed.last()[0].toString().contains("Loss"), qPrintable(failed.last()[0].toString()));
    QCOMPARE(lab.settings().link.loss, good.link.loss); // the old settings stay
    QTRY_VERIFY_WITH_TIMEOUT(lab.series().size() >= 2, 3000);
}

// A session change replaces the pair but keeps the sockets, and datagrams of the old pair may
// still wait in them (here: the client's last sends, which relay A reads on the next event).
// Fed to the new pair, an old FEC seqid far ahead made the new decoder count every new shard as
// late, so FEC rebuilt nothing until the new seqids caught up. The new pair must start clean:
// at 12 % loss its FEC rebuilds most of what the link drops from the first seconds on.
void TestLabSession::newPairHearsNothingOfTheOld()
{
    LabSettings settings = LabSettings::defaults();
    settings.link.loss = 0.12;
    settings.link.delay = 10;
    settings.session.key = "lab test";
    LabEngine engine(settings, 250);
    QVector<StatsSample> samples;
    connect(&engine, &LabEngine::sampleReady, this, [&](const StatsSample& s) { samples << s; });
    QVERIFY2(engine.start(), qPrintable(engine.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(samples.size() >= 28, 15000); // tens of thousands of seqids in
    // Straight after an event (a pump just wrote the client's latest datagrams to relay A, still
    // unread): a new pair.
    settings.session.parityshard = 5;
    QVERIFY(engine.apply(settings));
    const int from = samples.size() + 1; // the sample in progress straddles the change
    QTRY_VERIFY_WITH_TIMEOUT(samples.size() >= from + 12, 10000);
    double lostData = 0, recovered = 0, fecSlots = 0;
    for (int i = from; i < samples.size(); ++i)
    {
        const double dt = samples[i].intervalS;
        lostData += samples[i].dataShardsLostPerS * dt;
        recovered += samples[i].fecRecoveredPerS * dt;
        fecSlots += samples[i].linkSlotsPerS * dt;
    }
    qInfo("new pair: %.0f FEC datagrams, %.0f data shards lost, %.0f rebuilt", fecSlots, lostData,
          recovered);
    QVERIFY2(fecSlots > 2000, qPrintable(QString::number(fecSlots)));
    QVERIFY2(recovered > 0.7 * lostData,
             qPrintable(QStringLiteral("%1 of %2").arg(recovered).arg(lostData)));
}

QTEST_GUILESS_MAIN(TestLabSession)
#include "test_lab_session.moc"
