// LinkAdvisor: the FEC loss model against a simulation of the same groups, the rules on
// summaries of measured links, and on the real lab (a KCP pair through the emulated link): at
// 12 % loss it asks for more parity than 10/3, FEC leaves about as many data shards
// unrebuilt as the model says, and with the suggestion applied far fewer.

#include "advisor/fec_loss_model.h"
#include "advisor/link_advisor.h"
#include "lab/lab_session.h"

#include <QtTest>

#include <random>

using namespace app;

namespace
{

// Groups of data + parity datagrams, each lost independently; the data shards of a group that
// lost more than `parity` of its datagrams stay lost.
double simulatedResidual(double loss, int data, int parity, int groups, std::uint32_t seed)
{
    std::mt19937 random(seed);
    std::bernoulli_distribution dropped(loss);
    long long lostData = 0;
    for (int g = 0; g < groups; ++g)
    {
        int lostInGroup = 0, lostDataInGroup = 0;
        for (int i = 0; i < data + parity; ++i)
            if (dropped(random))
            {
                ++lostInGroup;
                lostDataInGroup += i < data;
            }
        if (lostInGroup > parity)
            lostData += lostDataInGroup;
    }
    return double(lostData) / (double(groups) * data);
}

LinkSummary linkWith(double seconds)
{
    LinkSummary link;
    link.seconds = seconds;
    link.samples = int(seconds);
    link.srttMs = 80;
    return link;
}

} // namespace

class TestLinkAdvisor : public QObject
{
    Q_OBJECT

private slots:
    void modelAgreesWithSimulation_data()
    {
        QTest::addColumn<double>("loss");
        QTest::addColumn<int>("data");
        QTest::addColumn<int>("parity");
        QTest::newRow("5% 10/3") << 0.05 << 10 << 3;
        QTest::newRow("10% 10/3") << 0.10 << 10 << 3;
        QTest::newRow("20% 10/5") << 0.20 << 10 << 5;
        QTest::newRow("2% 20/2") << 0.02 << 20 << 2;
        QTest::newRow("30% 4/4") << 0.30 << 4 << 4;
    }
    void modelAgreesWithSimulation()
    {
        QFETCH(double, loss);
        QFETCH(int, data);
        QFETCH(int, parity);
        const double model = fecResidualLoss(loss, data, parity);
        const double simulated = simulatedResidual(loss, data, parity, 400000, 7);
        QVERIFY2(model > 0 && model < loss, qPrintable(QString::number(model)));
        QVERIFY2(std::abs(model - simulated) <= 0.05 * simulated + 1e-4,
                 qPrintable(QStringLiteral("model %1 simulated %2").arg(model).arg(simulated)));
    }

    void modelEdges()
    {
        QCOMPARE(fecResidualLoss(0.07, 10, 0), 0.07); // no parity: every loss stays
        QCOMPARE(fecResidualLoss(0.07, 0, 0), 0.07);
        QCOMPARE(fecResidualLoss(0.0, 10, 3), 0.0);
        double previous = 1;
        for (int parity = 0; parity <= 10; ++parity)
        {
            const double r = fecResidualLoss(0.1, 10, parity);
            QVERIFY(r < previous);
            previous = r;
        }
        // The fewest parity shards that reach the target: one fewer would not.
        const int parity = parityShardsFor(0.1, 10, 0.005, 10);
        QVERIFY(parity > 0);
        QVERIFY(fecResidualLoss(0.1, 10, parity) <= 0.005);
        QVERIFY(fecResidualLoss(0.1, 10, parity - 1) > 0.005);
        QCOMPARE(parityShardsFor(0.0005, 10, 0.005, 10), 0);
        QCOMPARE(parityShardsFor(0.6, 10, 0.005, 10), -1); // no amount of parity helps
    }

    void rulesOnMeasuredSummaries()
    {
        const LinkAdvisor advisor;
        kcp::tunnel::KcptunConfig config; // kcptun client defaults: FEC 10/3, sndwnd 128

        LinkSummary lossy = linkWith(30);
        lossy.linkSlots = 50000;
        lossy.linkLossRate = 0.12;
        QVERIFY(advisor.advise(linkWith(5), config).isEmpty()); // too little to judge
        QList<Advice> advice = advisor.advise(lossy, config);
        QCOMPARE(advice.size(), 1);
        QCOMPARE(advice[0].kind, Advice::Kind::MoreParity);
        QCOMPARE(advice[0].datashard, 10);
        QVERIFY(advice[0].parityshard > 3);
        QVERIFY(fecResidualLoss(0.12, 10, advice[0].parityshard) <= 0.005);
        QVERIFY(advice[0].flags.contains(
            QStringLiteral("--parityshard %1").arg(advice[0].parityshard)));
        QVERIFY(advice[0].reason.contains(QStringLiteral("12.0%")));
        QVERIFY(!advice[0].reason.contains(QStringLiteral("bursts")));
        LinkSummary bursty = lossy; // 5 % of the data shards lost for good, the model says 2 %
        bursty.dataShardsLost = 0.12 * 50000 * 10 / 13;
        bursty.fecRecovered = bursty.dataShardsLost - 0.05 * 50000 * 10 / 13;
        QVERIFY(std::abs(bursty.unrebuiltRate(10, 3) - 0.05) < 1e-9);
        QVERIFY(advisor.advise(bursty, config)[0].reason.contains(QStringLiteral("bursts")));

        LinkSummary fewSlots = lossy;
        fewSlots.linkSlots = 100; // 8 losses in 100 datagrams: not a measurement yet
        QVERIFY(advisor.advise(fewSlots, config).isEmpty());

        LinkSummary clean = lossy;
        clean.linkLossRate = 0.0002;
        advice = advisor.advise(clean, config);
        QCOMPARE(advice.size(), 1);
        QCOMPARE(advice[0].kind, Advice::Kind::LessParity);
        QVERIFY(advice[0].parityshard < 3);

        LinkSummary middling = lossy; // 10/3 leaves about 0.5 % at 8 %: within the target
        middling.linkLossRate = 0.08;
        QVERIFY(fecResidualLoss(0.08, 10, 3) < 2 * 0.005);
        QVERIFY(advisor.advise(middling, config).isEmpty());

        kcp::tunnel::KcptunConfig noFec = config;
        noFec.datashard = 0;
        noFec.parityshard = 0;
        LinkSummary retransmitting = linkWith(30);
        retransmitting.segmentsOut = 100000;
        retransmitting.retransmitted = 6000;
        advice = advisor.advise(retransmitting, noFec);
        QCOMPARE(advice.size(), 1);
        QCOMPARE(advice[0].kind, Advice::Kind::EnableFec);
        QVERIFY(advice[0].parityshard > 0);
        retransmitting.retransmitted = 500; // 0.5 %: ARQ copes
        QVERIFY(advisor.advise(retransmitting, noFec).isEmpty());

        // Silence: a client that sent for 12 s and heard nothing is told, even before 20 s of
        // samples; a server never (it only answers); a client that sent almost nothing neither.
        LinkSummary silent = linkWith(12);
        silent.silentSeconds = 12;
        silent.datagramsSentWhileSilent = 300;
        advice = advisor.advise(silent, config);
        QCOMPARE(advice.size(), 1);
        QCOMPARE(advice[0].kind, Advice::Kind::NoAnswer);
        kcp::tunnel::KcptunConfig server =
            kcp::tunnel::KcptunConfig::defaults(kcp::tunnel::TunnelRole::Server);
        QVERIFY(advisor.advise(silent, server).isEmpty());
        silent.datagramsSentWhileSilent = 3;
        QVERIFY(advisor.advise(silent, config).isEmpty());

        LinkSummary windowBound = linkWith(30);
        windowBound.windowBoundShare = 0.9;
        windowBound.srttMs = 200;
        advice = advisor.advise(windowBound, config);
        QCOMPARE(advice.size(), 1);
        QCOMPARE(advice[0].kind, Advice::Kind::LargerWindow);
        QCOMPARE(advice[0].sndwnd, 256);
        QVERIFY(advice[0].rcvwnd >= 256);

        // Applied, the suggestion sets its values and nothing else; a second time, nothing.
        kcp::tunnel::KcptunConfig applied = config;
        QVERIFY(applyAdvice(advice[0], applied));
        QCOMPARE(applied.sndwnd, 256);
        QCOMPARE(applied.rcvwnd, std::max(config.rcvwnd, 256));
        QCOMPARE(applied.parityshard, config.parityshard);
        QVERIFY(!applyAdvice(advice[0], applied));
    }

    void summaryWeighsBySampleSize()
    {
        // Two seconds of samples: 10 % loss over 1000 datagrams, then 0 % over 9000. The
        // window's loss is 1 %, not the 5 % an average of the two percentages would say.
        QVector<StatsSample> samples(2);
        samples[0].elapsedS = 1;
        samples[0].intervalS = 1;
        samples[0].hasLinkLoss = true;
        samples[0].linkLossPercent = 10;
        samples[0].linkSlotsPerS = 1000;
        samples[0].inflight = 128;
        samples[0].srttMs = 50;
        samples[1].elapsedS = 2;
        samples[1].intervalS = 1;
        samples[1].hasLinkLoss = true;
        samples[1].linkLossPercent = 0;
        samples[1].linkSlotsPerS = 9000;
        samples[1].inflight = 10;
        samples[1].srttMs = 70;
        const LinkSummary link = LinkAdvisor::summarize(samples, 60, 128);
        QCOMPARE(link.samples, 2);
        QCOMPARE(link.linkSlots, 10000.0);
        QVERIFY(std::abs(link.linkLossRate - 0.01) < 1e-12);
        QCOMPARE(link.windowBoundShare, 0.5);
        // Two sessions (--conn 2) with 128 in flight between them: neither window is full.
        samples[0].sessions = 2;
        QCOMPARE(LinkAdvisor::summarize(samples, 60, 128).windowBoundShare, 0.0);
        samples[0].inflight = 240;
        QCOMPARE(LinkAdvisor::summarize(samples, 60, 128).windowBoundShare, 0.5);
        // Only the newest second when the window is one second long.
        QCOMPARE(LinkAdvisor::summarize(samples, 1, 128).samples, 1);
    }

    // The real lab: a bulk KCP stream through 12 % loss with FEC 10/3. The advisor measures the
    // loss through FEC's sequence gaps and asks for more parity; on the same link with its
    // advice FEC leaves far fewer data shards to the ARQ. (Retransmissions are no measure of
    // that: at 12 % loss each way, lost ACK datagrams alone make KCP resend about as much.)
    void labAdviceRebuildsMore()
    {
        LabSession lab;
        lab.setSampleInterval(250);
        LabSettings settings = LabSettings::defaults();
        settings.link.loss = 0.12;
        settings.link.delay = 10;
        settings.session.key = "advisor test";
        QVERIFY2(lab.start(settings), qPrintable(lab.errorString()));
        LinkAdvisor::Limits limits;
        limits.minSeconds = 1; // the phases below last as long as 8,000 datagrams take
        limits.minLinkSlots = 1500;
        const LinkAdvisor advisor(limits);

        // After the first second's slow start, until FEC has counted 8,000 datagrams (about
        // 2.5 s here; longer on a busy machine or under ASan, where a fixed time would measure
        // too few). At 12 % loss that is some 100 data shards FEC leaves to the ARQ at 10/3.
        auto measure = [&](qint64 from)
        {
            const QVector<StatsSample> samples = lab.series().since(from);
            return LinkAdvisor::summarize(samples, 600, lab.settings().session.sndwnd);
        };
        QTRY_VERIFY_WITH_TIMEOUT(measure(4).linkSlots >= 8000, 100000);
        const LinkSummary before = measure(4);
        const QList<Advice> advice = advisor.advise(before, lab.settings().session);
        const double unrebuiltBefore = before.unrebuiltRate(10, 3);
        const double predictedBefore = fecResidualLoss(before.linkLossRate, 10, 3);
        qInfo("10/3: loss %.2f%% over %.0f datagrams; not rebuilt %.2f%% of the data shards, "
              "model %.2f%%",
              100 * before.linkLossRate, before.linkSlots, 100 * unrebuiltBefore,
              100 * predictedBefore);
        QVERIFY2(before.linkLossRate > 0.08 && before.linkLossRate < 0.16,
                 qPrintable(QString::number(before.linkLossRate)));
        QVERIFY(!advice.isEmpty());
        QCOMPARE(advice[0].kind, Advice::Kind::MoreParity);
        QVERIFY(advice[0].parityshard > 3);
        qInfo("advice: %s: %s", qPrintable(advice[0].title), qPrintable(advice[0].reason));

        settings = lab.settings();
        settings.session.parityshard = advice[0].parityshard;
        lab.setSettings(settings); // a new pair on the same link
        const qint64 from = lab.series().totalAppended() + 4;
        QTRY_VERIFY_WITH_TIMEOUT(measure(from).linkSlots >= 8000, 100000);
        const LinkSummary after = measure(from);
        const int parity = advice[0].parityshard;
        const double unrebuiltAfter = after.unrebuiltRate(10, parity);
        const double predictedAfter = fecResidualLoss(after.linkLossRate, 10, parity);
        qInfo("10/%d: loss %.2f%% over %.0f datagrams; not rebuilt %.2f%% of the data shards, "
              "model %.2f%%",
              parity, 100 * after.linkLossRate, after.linkSlots, 100 * unrebuiltAfter,
              100 * predictedAfter);
        // The emulator drops independently, so the model should hold (a factor of two covers
        // 8,000 datagrams' worth of chance at 10/3)... The new 10/5 pair, measured from its
        // second second on, has run above the model (0.16-0.46 % against 0.17-0.30 % in runs
        // here; a handful of shards either way), so it gets a looser bound.
        QVERIFY2(unrebuiltBefore > predictedBefore / 2 && unrebuiltBefore < 2 * predictedBefore,
                 qPrintable(QString::number(unrebuiltBefore)));
        QVERIFY2(unrebuiltAfter < 3 * predictedAfter + 0.003,
                 qPrintable(QString::number(unrebuiltAfter)));
        // ... and the advice pays: far fewer shards are left to the ARQ.
        QVERIFY2(unrebuiltAfter < unrebuiltBefore / 2,
                 qPrintable(QStringLiteral("%1 -> %2").arg(unrebuiltBefore).arg(unrebuiltAfter)));
    }
};

QTEST_GUILESS_MAIN(TestLinkAdvisor)
#include "test_link_advisor.moc"
