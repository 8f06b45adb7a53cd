// smux frame codec against byte streams written by the real xtaci/smux 1.5.16.

#include "support/vectors.h"

#include "kcp/smux_frame.h"

#include <QtTest>

using namespace testsupport;

namespace
{

const char* commandName(kcp::SmuxCommand command)
{
    switch (command)
    {
    case kcp::SmuxCommand::Syn:
        return "SYN";
    case kcp::SmuxCommand::Fin:
        return "FIN";
    case kcp::SmuxCommand::Psh:
        return "PSH";
    case kcp::SmuxCommand::Nop:
        return "NOP";
    case kcp::SmuxCommand::Update:
        return "UPD";
    }
    return "?";
}

} // namespace

class TestSmuxFrame : public QObject
{
    Q_OBJECT

private slots:
    void parsesRealStreams_data();
    void parsesRealStreams();
    void rejectsWhatSmuxRejects();
    void needsMoreOnEveryTruncation();
    void headerRoundTrip();
};

void TestSmuxFrame::parsesRealStreams_data()
{
    QTest::addColumn<int>("version");
    QTest::addColumn<QString>("streamHex");
    QTest::addColumn<QJsonArray>("frames");
    const QJsonObject vectors = loadVectors("smux_frames.json");
    for (const QJsonValue value : vectors["sequences"].toArray())
    {
        const QJsonObject s = value.toObject();
        const int version = s["version"].toInt();
        QTest::addRow("v%d client->server", version)
            << version << s["client_to_server_hex"].toString()
            << s["client_to_server_frames"].toArray();
        QTest::addRow("v%d server->client", version)
            << version << s["server_to_client_hex"].toString()
            << s["server_to_client_frames"].toArray();
    }
}

void TestSmuxFrame::parsesRealStreams()
{
    QFETCH(int, version);
    QFETCH(QString, streamHex);
    QFETCH(QJsonArray, frames);

    const std::vector<std::uint8_t> stream = fromHex(streamHex);
    std::span<const std::uint8_t> rest(stream);
    for (const QJsonValue value : frames)
    {
        const QJsonObject expected = value.toObject();
        const kcp::SmuxParseResult r = kcp::parseSmuxFrame(rest, std::uint8_t(version));
        QCOMPARE(r.status, kcp::SmuxParseStatus::Frame);
        QCOMPARE(QString::fromLatin1(commandName(r.frame.command)), expected["cmd"].toString());
        QCOMPARE(qint64(r.frame.streamId), qint64(expected["sid"].toDouble()));
        QCOMPARE(int(r.frame.payload.size()), expected["length"].toInt());
        QCOMPARE(toHex(r.frame.payload), expected["data_hex"].toString());
        rest = rest.subspan(r.consumed);
    }
    QVERIFY(rest.empty());
}

void TestSmuxFrame::rejectsWhatSmuxRejects()
{
    // SYN with a payload, UPD in v1, UPD with 4 bytes, unknown cmd 5, version mismatch.
    const std::vector<std::uint8_t> synWithPayload = fromHex("0100010003000000ff");
    QCOMPARE(kcp::parseSmuxFrame(synWithPayload, 1).status, kcp::SmuxParseStatus::BadCommand);
    const std::vector<std::uint8_t> updInV1 = fromHex("01040800030000000600000000002000");
    QCOMPARE(kcp::parseSmuxFrame(updInV1, 1).status, kcp::SmuxParseStatus::BadCommand);
    const std::vector<std::uint8_t> shortUpd = fromHex("020404000300000006000000");
    QCOMPARE(kcp::parseSmuxFrame(shortUpd, 2).status, kcp::SmuxParseStatus::BadCommand);
    const std::vector<std::uint8_t> unknown = fromHex("0105000003000000");
    QCOMPARE(kcp::parseSmuxFrame(unknown, 1).status, kcp::SmuxParseStatus::BadCommand);
    const std::vector<std::uint8_t> v2Frame = fromHex("0200000003000000");
    QCOMPARE(kcp::parseSmuxFrame(v2Frame, 1).status, kcp::SmuxParseStatus::BadVersion);
}

void TestSmuxFrame::needsMoreOnEveryTruncation()
{
    const std::vector<std::uint8_t> psh = fromHex("010205000300000068656c6c6f");
    for (std::size_t n = 0; n < psh.size(); ++n)
        QCOMPARE(kcp::parseSmuxFrame(std::span(psh).first(n), 1).status,
                 kcp::SmuxParseStatus::NeedMore);
    QCOMPARE(kcp::parseSmuxFrame(psh, 1).consumed, psh.size());
}

void TestSmuxFrame::headerRoundTrip()
{
    std::uint8_t header[kcp::SmuxHeaderSize];
    kcp::writeSmuxHeader(header, 2, kcp::SmuxCommand::Psh, 0xBEEF, 0x01020305);
    QCOMPARE(toHex(header), QStringLiteral("0202efbe05030201"));
}

QTEST_APPLESS_MAIN(TestSmuxFrame)
#include "test_smux_frame.moc"
