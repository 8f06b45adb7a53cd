// SmuxSession (sans-I/O xtaci/smux v1/v2) against the byte streams written by the real smux
// 1.5.16 (tests/vectors/smux_frames.json), plus flow control, keepalive, many streams and junk.

#include "support/vectors.h"

#include "kcp/smux_session.h"

#include <QtTest>

#include <map>

#include <random>

using namespace testsupport;
using kcp::SmuxEvent;
using kcp::SmuxSession;

namespace
{

std::span<const std::uint8_t> bytesOf(const char* text)
{
    return {reinterpret_cast<const std::uint8_t*>(text), std::strlen(text)};
}

// Moves everything from's output into to (if it accepts input), returning the bytes moved.
std::vector<std::uint8_t> pump(SmuxSession& from, SmuxSession& to)
{
    const auto out = from.output();
    std::vector<std::uint8_t> moved(out.begin(), out.end());
    from.consumeOutput(moved.size());
    to.feed(moved);
    return moved;
}

void append(std::vector<std::uint8_t>& to, const std::vector<std::uint8_t>& bytes)
{
    to.insert(to.end(), bytes.begin(), bytes.end());
}

bool hasEvent(const std::vector<SmuxEvent>& events, SmuxEvent::Type type, std::uint32_t id)
{
    return std::any_of(events.begin(), events.end(),
                       [&](const SmuxEvent& e) { return e.type == type && e.streamId == id; });
}

kcp::SmuxConfig kcptunConfig(int version)
{
    kcp::SmuxConfig c;
    c.version = version;
    c.maxStreamBuffer = 2097152;  // kcptun --streambuf default
    return c;
}

std::vector<std::uint8_t> readAll(SmuxSession& s, std::uint32_t id)
{
    std::vector<std::uint8_t> out(s.readable(id));
    out.resize(s.read(id, out));
    return out;
}

} // namespace

class TestSmuxSession : public QObject
{
    Q_OBJECT

private slots:
    void reproducesRealSmuxStreams_data();
    void reproducesRealSmuxStreams();
    void streamIds();
    void writesAreSplitIntoFrames();
    void v2WindowLimitsTheWriter();
    void v2UpdateCadence();
    void sessionBudgetStopsInput();
    void closeReturnsBudgetAndDropsLateData();
    void partialFramesAreDeliveredAsTheyArrive();
    void finDeliversDataThenEof();
    void outputBufferBackpressure();
    void writersTakeTurnsWhenOutputFrees();
    void keepaliveSendsNopAndTimesOut();
    void keepaliveSparesAStalledReader();
    void versionMismatchIsAClearError();
    void peerConsumingTooMuchResetsTheStream();
    void configValidation_data();
    void configValidation();
    void manyStreamsBothWays_data();
    void manyStreamsBothWays();
    void randomInputNeverCrashes();
};

void TestSmuxSession::reproducesRealSmuxStreams_data()
{
    QTest::addColumn<int>("version");
    QTest::addColumn<QString>("clientToServer");
    QTest::addColumn<QString>("serverToClient");
    for (const QJsonValue value : loadVectors("smux_frames.json")["sequences"].toArray())
    {
        const QJsonObject s = value.toObject();
        QTest::addRow("v%d", s["version"].toInt())
            << s["version"].toInt() << s["client_to_server_hex"].toString()
            << s["server_to_client_hex"].toString();
    }
}

void TestSmuxSession::reproducesRealSmuxStreams()
{
    QFETCH(int, version);
    QFETCH(QString, clientToServer);
    QFETCH(QString, serverToClient);

    // The vector generator shortened KeepAliveInterval to 700 ms to catch one NOP each way.
    kcp::SmuxConfig config = kcptunConfig(version);
    config.keepAliveInterval = 700;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    SmuxSession server(kcp::SmuxRole::Server, config, 0);
    std::vector<std::uint8_t> c2s, s2c;

    // client OpenStream (sid 3) + write "hello"
    const auto id = client.openStream();
    QCOMPARE(id, std::optional<std::uint32_t>(3));
    QCOMPARE(client.write(3, bytesOf("hello")), std::size_t(5));
    append(c2s, pump(client, server));

    // server accepts and reads 5 bytes, then writes "world!"
    QVERIFY(hasEvent(server.takeEvents(), SmuxEvent::Type::IncomingStream, 3));
    QCOMPARE(server.acceptStream(), std::optional<std::uint32_t>(3));
    std::uint8_t buffer[64];
    QCOMPARE(server.read(3, buffer), std::size_t(5));
    QCOMPARE(QByteArray(reinterpret_cast<char*>(buffer), 5), QByteArray("hello"));
    QCOMPARE(server.write(3, bytesOf("world!")), std::size_t(6));
    append(s2c, pump(server, client));

    // client reads
    QVERIFY(hasEvent(client.takeEvents(), SmuxEvent::Type::Readable, 3));
    QCOMPARE(client.read(3, buffer), std::size_t(6));
    QCOMPARE(QByteArray(reinterpret_cast<char*>(buffer), 6), QByteArray("world!"));
    append(c2s, pump(client, server));

    // one keepalive NOP each way
    QCOMPARE(client.nextDeadline(), kcp::Millis(700));
    client.tick(700);
    server.tick(700);
    append(c2s, pump(client, server));
    append(s2c, pump(server, client));

    // client Close (FIN); server sees EOF and closes too
    client.closeStream(3);
    append(c2s, pump(client, server));
    QVERIFY(hasEvent(server.takeEvents(), SmuxEvent::Type::Finished, 3));
    QCOMPARE(server.streamState(3), kcp::SmuxStreamState::FinReceived);
    QCOMPARE(server.read(3, buffer), std::size_t(0));
    server.closeStream(3);
    append(s2c, pump(server, client));

    QCOMPARE(toHex(c2s), clientToServer);
    QCOMPARE(toHex(s2c), serverToClient);
    QVERIFY(!client.isClosed());
    QVERIFY(!server.isClosed());
    QCOMPARE(server.stats().streams, std::size_t(0));
}

void TestSmuxSession::streamIds()
{
    SmuxSession client(kcp::SmuxRole::Client, {}, 0);
    SmuxSession server(kcp::SmuxRole::Server, {}, 0);
    QCOMPARE(*client.openStream(), 3u);
    QCOMPARE(*client.openStream(), 5u);
    QCOMPARE(*client.openStream(), 7u);
    QCOMPARE(*server.openStream(), 2u);
    QCOMPARE(*server.openStream(), 4u);
    pump(client, server);
    pump(server, client);
    QCOMPARE(*server.acceptStream(), 3u);
    QCOMPARE(*server.acceptStream(), 5u);
    QCOMPARE(*server.acceptStream(), 7u);
    QVERIFY(!server.acceptStream());
    QCOMPARE(*client.acceptStream(), 2u);
    QCOMPARE(client.stats().streams, std::size_t(5));
}

void TestSmuxSession::writesAreSplitIntoFrames()
{
    kcp::SmuxConfig config;
    config.maxOutputBuffer = 1 << 20;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    const auto id = *client.openStream();
    client.consumeOutput(8);  // the SYN
    const std::vector<std::uint8_t> data(100000, 0x5a);
    QCOMPARE(client.write(id, data), data.size());
    std::span<const std::uint8_t> out = client.output();
    std::vector<std::size_t> lengths;
    while (!out.empty())
    {
        const auto r = kcp::parseSmuxFrame(out, 1);
        QCOMPARE(r.status, kcp::SmuxParseStatus::Frame);
        QCOMPARE(r.frame.command, kcp::SmuxCommand::Psh);
        lengths.push_back(r.frame.payload.size());
        out = out.subspan(r.consumed);
    }
    QCOMPARE(lengths, (std::vector<std::size_t>{32768, 32768, 32768, 1696}));
}

void TestSmuxSession::v2WindowLimitsTheWriter()
{
    kcp::SmuxConfig config = kcptunConfig(2);
    config.maxOutputBuffer = 8 << 20;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    SmuxSession server(kcp::SmuxRole::Server, config, 0);
    const auto id = *client.openStream();
    const std::vector<std::uint8_t> data(1 << 20, 1);

    // Before any UPD the writer assumes the peer's window is 262144.
    QCOMPARE(client.writable(id), std::size_t(262144));
    QCOMPARE(client.write(id, data), std::size_t(262144));
    QCOMPARE(client.write(id, data), std::size_t(0));
    QCOMPARE(client.peerWindow(id), std::int64_t(0));
    pump(client, server);
    server.acceptStream();

    // First read: UPD(consumed 1, window 2097152) opens the window to 2097152 - 262143.
    std::uint8_t one;
    QCOMPARE(server.read(id, std::span(&one, 1)), std::size_t(1));
    pump(server, client);
    const auto events = client.takeEvents();
    QVERIFY(hasEvent(events, SmuxEvent::Type::Writable, id));
    QCOMPARE(client.peerWindow(id), std::int64_t(2097152 - 262143));
    QCOMPARE(client.writable(id), std::size_t(2097152 - 262143));
}

void TestSmuxSession::v2UpdateCadence()
{
    // UPD on the first read, then each time maxStreamBuffer/2 more bytes have been read.
    kcp::SmuxConfig config;
    config.version = 2;
    config.maxStreamBuffer = 1000;
    config.maxOutputBuffer = 1 << 20;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    SmuxSession server(kcp::SmuxRole::Server, config, 0);
    const auto id = *client.openStream();
    const std::vector<std::uint8_t> data(5000, 7);
    QCOMPARE(client.write(id, data), data.size());
    pump(client, server);
    server.acceptStream();
    std::vector<std::uint32_t> consumed;
    std::uint8_t buffer[300];
    while (server.read(id, buffer) > 0)
    {
        std::span<const std::uint8_t> out = server.output();
        while (!out.empty())
        {
            const auto r = kcp::parseSmuxFrame(out, 2);
            QCOMPARE(r.frame.command, kcp::SmuxCommand::Update);
            const auto* p = r.frame.payload.data();
            consumed.push_back(p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t(p[3]) << 24);
            QCOMPARE(p[4] | p[5] << 8, 1000);
            out = out.subspan(r.consumed);
        }
        server.consumeOutput(server.output().size());
    }
    // reads of 300: 300 (first), 600 (incr 300 < 500), 900 -> incr 600 >= 500, ...; the last
    // read of 200 brings incr to exactly 500.
    QCOMPARE(consumed,
             (std::vector<std::uint32_t>{300, 900, 1500, 2100, 2700, 3300, 3900, 4500, 5000}));
}

void TestSmuxSession::sessionBudgetStopsInput()
{
    kcp::SmuxConfig config;
    config.maxReceiveBuffer = 100000;
    config.maxStreamBuffer = 65536;
    config.maxOutputBuffer = 1 << 20;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    SmuxSession server(kcp::SmuxRole::Server, config, 0);
    const auto id = *client.openStream();
    const std::vector<std::uint8_t> data(300000, 3);
    QCOMPARE(client.write(id, data), data.size());

    // The transport reads 4 KiB at a time, only while the session asks for input.
    std::size_t fed = 0;
    auto drive = [&] {
        while (server.acceptsInput() && !client.output().empty())
        {
            const auto out = client.output();
            const std::size_t n = std::min<std::size_t>(4096, out.size());
            server.feed(out.first(n));
            client.consumeOutput(n);
            fed += n;
        }
    };
    drive();
    QVERIFY(!server.acceptsInput());
    QVERIFY(server.readable(id) >= 100000);
    // Like smux, a frame is taken whole once started: the overshoot is below one frame plus
    // one transport read.
    QVERIFY(server.readable(id) < 100000 + 32768 + 4096);
    QVERIFY(server.stats().receiveBudget <= 0);

    std::vector<std::uint8_t> got;
    while (got.size() < data.size())
    {
        append(got, readAll(server, id));
        QVERIFY(server.acceptsInput() || got.size() == data.size());
        drive();
    }
    QCOMPARE(got, data);
    QCOMPARE(server.stats().receiveBudget, std::int64_t(100000));
}

void TestSmuxSession::closeReturnsBudgetAndDropsLateData()
{
    kcp::SmuxConfig config;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    SmuxSession server(kcp::SmuxRole::Server, config, 0);
    const auto id = *client.openStream();
    client.write(id, bytesOf("some unread bytes"));
    pump(client, server);
    server.acceptStream();
    QCOMPARE(server.stats().receiveBudget, std::int64_t(config.maxReceiveBuffer - 17));
    server.closeStream(id);
    QCOMPARE(server.stats().receiveBudget, std::int64_t(config.maxReceiveBuffer));
    QCOMPARE(server.streamState(id), kcp::SmuxStreamState::Unknown);
    client.write(id, bytesOf("late"));
    pump(client, server);
    QCOMPARE(server.stats().droppedBytes, std::uint64_t(4));
    pump(server, client);
    QVERIFY(hasEvent(client.takeEvents(), SmuxEvent::Type::Finished, id));
}

// A PSH payload reaches its stream piece by piece, before the frame is complete; a header or
// UPD split anywhere is stitched together; the rest of a frame for a stream closed meanwhile is
// dropped and counted; peek()/consume() read without copying, with read()'s accounting.
void TestSmuxSession::partialFramesAreDeliveredAsTheyArrive()
{
    kcp::SmuxConfig config;
    config.version = 2;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    SmuxSession server(kcp::SmuxRole::Server, config, 0);
    const auto id = *client.openStream();
    pump(client, server);
    QCOMPARE(server.acceptStream(), std::optional<std::uint32_t>(id));
    server.takeEvents();

    std::vector<std::uint8_t> payload(20000);
    for (std::size_t i = 0; i < payload.size(); ++i)
        payload[i] = std::uint8_t(i * 7 + i / 251);
    QCOMPARE(client.write(id, payload), payload.size());
    const std::vector<std::uint8_t> wire(client.output().begin(), client.output().end());
    client.consumeOutput(wire.size());
    QCOMPARE(wire.size(), payload.size() + kcp::SmuxHeaderSize);

    // The header in three pieces, then 100 payload bytes: those are readable at once.
    const std::span<const std::uint8_t> w(wire);
    QVERIFY(server.feed(w.subspan(0, 3)));
    QVERIFY(server.feed(w.subspan(3, 3)));
    QCOMPARE(server.readable(id), std::size_t(0));
    QVERIFY(server.feed(w.subspan(6, 102)));
    QCOMPARE(server.readable(id), std::size_t(100));
    QVERIFY(hasEvent(server.takeEvents(), SmuxEvent::Type::Readable, id));
    QCOMPARE(server.stats().framesIn, std::uint64_t(2));  // SYN, and this PSH once
    QCOMPARE(server.stats().receiveBudget, std::int64_t(config.maxReceiveBuffer - 100));

    const auto peeked = server.peek(id);
    QVERIFY(std::equal(peeked.begin(), peeked.end(), payload.begin(), payload.begin() + 100));
    server.consume(id, 40);
    QCOMPARE(server.readable(id), std::size_t(60));
    QCOMPARE(server.stats().receiveBudget, std::int64_t(config.maxReceiveBuffer - 60));
    // v2: the first read announces what was consumed, like read() does.
    pump(server, client);
    QCOMPARE(client.peerWindow(id), std::int64_t(config.maxStreamBuffer) - (20000 - 40));

    // The rest in odd pieces.
    std::size_t at = 108;
    for (std::size_t piece = 1; at < wire.size(); piece = piece * 3 + 1)
    {
        const std::size_t n = std::min(piece, wire.size() - at);
        QVERIFY(server.feed(w.subspan(at, n)));
        at += n;
    }
    std::vector<std::uint8_t> rest(server.readable(id));
    QCOMPARE(server.read(id, rest), payload.size() - 40);
    QVERIFY(std::equal(rest.begin(), rest.end(), payload.begin() + 40));
    QCOMPARE(server.stats().framesIn, std::uint64_t(2));
    QCOMPARE(server.stats().bytesIn, std::uint64_t(payload.size()));

    // A UPD split 5 | 11 with the header of the next PSH: applied once whole.
    QCOMPARE(server.write(id, bytesOf("x")), std::size_t(1));
    pump(server, client);
    std::vector<std::uint8_t> two(client.readable(id));
    client.read(id, two);  // first read: the client sends UPD(consumed 1, window)
    QCOMPARE(client.write(id, payload), payload.size());
    const std::vector<std::uint8_t> more(client.output().begin(), client.output().end());
    client.consumeOutput(more.size());
    QCOMPARE(more.size(), 16 + kcp::SmuxHeaderSize + payload.size());
    QCOMPARE(more[1], std::uint8_t(kcp::SmuxCommand::Update));
    const std::span<const std::uint8_t> m(more);
    QVERIFY(server.feed(m.subspan(0, 5)));
    QCOMPARE(server.peerWindow(id), std::int64_t(262144) - 1);  // before any UPD
    QVERIFY(server.feed(m.subspan(5, 11 + 4)));
    QCOMPARE(server.peerWindow(id), std::int64_t(config.maxStreamBuffer));

    // The stream is closed halfway through the next frame: the rest is dropped and counted.
    QVERIFY(server.feed(m.subspan(20, 1000)));
    QCOMPARE(server.readable(id), std::size_t(1000 - 4));
    server.closeStream(id);
    QVERIFY(server.feed(m.subspan(1020)));
    QCOMPARE(server.stats().droppedBytes, std::uint64_t(more.size() - 1020));
    QCOMPARE(server.stats().receiveBudget, std::int64_t(config.maxReceiveBuffer));

    // A bad frame after a partial one: the session fails, nothing after it is delivered.
    const auto other = *client.openStream();
    QCOMPARE(client.write(other, payload), payload.size());
    std::vector<std::uint8_t> bad(client.output().begin(), client.output().end());
    bad.push_back(9);  // version 9: not a frame
    bad.insert(bad.end(), 20, 0);
    QVERIFY(!server.feed(bad));
    QVERIFY(server.isClosed());
    QCOMPARE(server.error(), kcp::SmuxError::InvalidProtocol);
}

void TestSmuxSession::finDeliversDataThenEof()
{
    SmuxSession client(kcp::SmuxRole::Client, {}, 0);
    SmuxSession server(kcp::SmuxRole::Server, {}, 0);
    const auto id = *client.openStream();
    client.write(id, bytesOf("tail"));
    client.closeStream(id);
    pump(client, server);
    server.acceptStream();
    QCOMPARE(server.streamState(id), kcp::SmuxStreamState::FinReceived);
    QCOMPARE(server.readable(id), std::size_t(4));
    std::uint8_t buffer[8];
    QCOMPARE(server.read(id, buffer), std::size_t(4));
    QCOMPARE(server.read(id, buffer), std::size_t(0));  // EOF
    // Writing back after the peer's FIN is still allowed (smux v1/v2 both do).
    QCOMPARE(server.write(id, bytesOf("x")), std::size_t(1));
}

void TestSmuxSession::outputBufferBackpressure()
{
    kcp::SmuxConfig config;
    config.maxOutputBuffer = 50000;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    const auto a = *client.openStream();
    const auto b = *client.openStream();
    const std::vector<std::uint8_t> data(80000, 9);
    const std::size_t first = client.write(a, data);
    QCOMPARE(first, std::size_t(50000 - 16));  // two SYNs are queued already
    QCOMPARE(client.write(b, data), std::size_t(0));
    QVERIFY(client.takeEvents().empty());
    // A third stream that only asked writable() (and saw 0) is woken as well.
    const auto c = *client.openStream();
    QCOMPARE(client.writable(c), std::size_t(0));
    client.consumeOutput(client.output().size());
    const auto events = client.takeEvents();
    QVERIFY(hasEvent(events, SmuxEvent::Type::Writable, a));
    QVERIFY(hasEvent(events, SmuxEvent::Type::Writable, b));
    QVERIFY(hasEvent(events, SmuxEvent::Type::Writable, c));
    // Control frames are never refused.
    client.write(a, data);
    client.closeStream(b);
    QVERIFY(client.output().size() > 50000);
}

// Three streams that always have more to send (bulk uploads through one tunnel session). A
// bridge fills the output from the first Writable event it handles, so later events find no
// room: unless the first one told rotates, the lowest stream id takes every free byte.
void TestSmuxSession::writersTakeTurnsWhenOutputFrees()
{
    kcp::SmuxConfig config;
    config.maxOutputBuffer = 16 * 1024;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    const std::vector<std::uint32_t> ids{*client.openStream(), *client.openStream(),
                                         *client.openStream()};
    const std::vector<std::uint8_t> chunk(64 * 1024, 1);
    std::map<std::uint32_t, std::size_t> sent;
    for (const auto id : ids)
        sent[id] += client.write(id, chunk);
    for (int round = 0; round < 300; ++round)
    {
        client.consumeOutput(client.output().size());  // the KCP socket took it all
        for (const SmuxEvent& event : client.takeEvents())
            if (event.type == SmuxEvent::Type::Writable)
                sent[event.streamId] += client.write(event.streamId, chunk);
    }
    std::size_t total = 0;
    for (const auto id : ids)
        total += sent[id];
    for (const auto id : ids)
        QVERIFY2(sent[id] * 4 > total,  // about a third each
                 qPrintable(QStringLiteral("stream %1 sent %2 of %3").arg(id).arg(sent[id]).arg(total)));
}

void TestSmuxSession::keepaliveSendsNopAndTimesOut()
{
    SmuxSession client(kcp::SmuxRole::Client, {}, 1000);
    SmuxSession server(kcp::SmuxRole::Server, {}, 1000);
    QCOMPARE(client.nextDeadline(), kcp::Millis(11000));
    client.tick(5000);
    QVERIFY(client.output().empty());
    client.tick(11000);
    QCOMPARE(toHex(client.output()), QStringLiteral("0103000000000000"));
    client.consumeOutput(8);

    // The server hears the client's NOPs (at 11 s and 21 s); the server's NOPs are lost.
    auto runUntil = [&](kcp::Millis end) {
        for (kcp::Millis t = 1000; t <= end; t += 1000)
        {
            client.tick(t);
            server.tick(t);
            pump(client, server);
            server.consumeOutput(server.output().size());
        }
    };
    runUntil(30000);
    QVERIFY(!client.isClosed());
    QVERIFY(!server.isClosed());
    // The client heard nothing during its first 30 s period: closed at the check at 31 s.
    runUntil(31000);
    QVERIFY(client.isClosed());
    QVERIFY(!server.isClosed());
    QCOMPARE(client.error(), kcp::SmuxError::KeepAliveTimeout);
    QVERIFY(QString::fromStdString(client.errorString()).contains("keepalive"));
    const auto events = client.takeEvents();
    QVERIFY(hasEvent(events, SmuxEvent::Type::SessionClosed, 0));
    // The server heard its last NOP at 21 s: its check at 31 s passes, the one at 61 s fails.
    SmuxSession& s = server;
    for (kcp::Millis t = 32000; t <= 60000; t += 1000)
        s.tick(t);
    QVERIFY(!s.isClosed());
    s.tick(61000);
    QVERIFY(s.isClosed());
}

void TestSmuxSession::keepaliveSparesAStalledReader()
{
    kcp::SmuxConfig config;
    config.maxReceiveBuffer = 1000;
    config.maxStreamBuffer = 1000;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    SmuxSession server(kcp::SmuxRole::Server, config, 0);
    const auto id = *client.openStream();
    client.write(id, std::vector<std::uint8_t>(2000, 1));
    pump(client, server);
    QVERIFY(!server.acceptsInput());
    for (kcp::Millis t = 0; t <= 200000; t += 1000)
        server.tick(t);  // nothing arrives, but the server is the one not reading
    QVERIFY(!server.isClosed());
}

void TestSmuxSession::versionMismatchIsAClearError()
{
    SmuxSession client(kcp::SmuxRole::Client, kcptunConfig(1), 0);
    SmuxSession server(kcp::SmuxRole::Server, kcptunConfig(2), 0);
    const auto own = *server.openStream();
    const auto id = *client.openStream();
    client.write(id, bytesOf("must not arrive"));
    QVERIFY(!server.feed(client.output()));
    QVERIFY(server.isClosed());
    QCOMPARE(server.error(), kcp::SmuxError::InvalidProtocol);
    const QString message = QString::fromStdString(server.errorString());
    QVERIFY2(message.contains("invalid protocol") && message.contains("smuxver"),
             qPrintable(message));
    const auto events = server.takeEvents();
    QVERIFY(hasEvent(events, SmuxEvent::Type::StreamReset, own));
    QVERIFY(hasEvent(events, SmuxEvent::Type::SessionClosed, 0));
    QVERIFY(!server.acceptStream());
    QCOMPARE(server.readable(id), std::size_t(0));
    QVERIFY(server.output().empty());
    QCOMPARE(server.write(own, bytesOf("x")), std::size_t(0));
    QVERIFY(!server.openStream());
}

void TestSmuxSession::peerConsumingTooMuchResetsTheStream()
{
    SmuxSession client(kcp::SmuxRole::Client, kcptunConfig(2), 0);
    const auto id = *client.openStream();
    client.write(id, bytesOf("abc"));
    // UPD claiming 10 bytes consumed of the 3 sent.
    const auto upd = fromHex("0204080003000000" "0a000000" "00002000");
    QVERIFY(client.feed(upd));
    QVERIFY(hasEvent(client.takeEvents(), SmuxEvent::Type::StreamReset, id));
    QCOMPARE(client.streamState(id), kcp::SmuxStreamState::Reset);
    QCOMPARE(client.write(id, bytesOf("x")), std::size_t(0));
    QVERIFY(!client.isClosed());
}

void TestSmuxSession::configValidation_data()
{
    QTest::addColumn<int>("version");
    QTest::addColumn<int>("interval");
    QTest::addColumn<int>("timeout");
    QTest::addColumn<int>("frame");
    QTest::addColumn<int>("receive");
    QTest::addColumn<int>("stream");
    QTest::addColumn<QString>("error");
    QTest::newRow("kcptun defaults") << 1 << 10000 << 30000 << 32768 << 4194304 << 2097152 << "";
    QTest::newRow("v2") << 2 << 10000 << 30000 << 32768 << 4194304 << 2097152 << "";
    QTest::newRow("v3") << 3 << 10000 << 30000 << 32768 << 4194304 << 2097152 << "version";
    QTest::newRow("v0") << 0 << 10000 << 30000 << 32768 << 4194304 << 2097152 << "version";
    QTest::newRow("keepalive 0") << 1 << 0 << 30000 << 32768 << 4194304 << 2097152 << "interval";
    QTest::newRow("keepalive 31") << 1 << 31000 << 30000 << 32768 << 4194304 << 2097152
                                  << "timeout";
    QTest::newRow("keepalive 30") << 1 << 30000 << 30000 << 32768 << 4194304 << 2097152 << "";
    QTest::newRow("frame 0") << 1 << 10000 << 30000 << 0 << 4194304 << 2097152 << "frame";
    QTest::newRow("frame 65536") << 1 << 10000 << 30000 << 65536 << 4194304 << 2097152
                                 << "frame";
    QTest::newRow("frame 65535") << 1 << 10000 << 30000 << 65535 << 4194304 << 2097152 << "";
    QTest::newRow("smuxbuf 0") << 1 << 10000 << 30000 << 32768 << 0 << 2097152 << "receive";
    QTest::newRow("streambuf 0") << 1 << 10000 << 30000 << 32768 << 4194304 << 0 << "stream";
    QTest::newRow("streambuf > smuxbuf (v1 too)")
        << 1 << 10000 << 30000 << 32768 << 1048576 << 2097152 << "larger than max receive";
}

void TestSmuxSession::configValidation()
{
    QFETCH(int, version);
    QFETCH(int, interval);
    QFETCH(int, timeout);
    QFETCH(int, frame);
    QFETCH(int, receive);
    QFETCH(int, stream);
    QFETCH(QString, error);
    kcp::SmuxConfig c;
    c.version = version;
    c.keepAliveInterval = kcp::Millis(interval);
    c.keepAliveTimeout = kcp::Millis(timeout);
    c.maxFrameSize = frame;
    c.maxReceiveBuffer = receive;
    c.maxStreamBuffer = stream;
    const QString problem = QString::fromStdString(c.validate());
    if (error.isEmpty())
    {
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        SmuxSession ok(kcp::SmuxRole::Client, c, 0);
    }
    else
    {
        QVERIFY2(problem.contains(error), qPrintable(problem));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SmuxSession(kcp::SmuxRole::Client, c, 0));
    }
}

void TestSmuxSession::manyStreamsBothWays_data()
{
    QTest::addColumn<int>("version");
    QTest::newRow("v1") << 1;
    QTest::newRow("v2") << 2;
}

void TestSmuxSession::manyStreamsBothWays()
{
    QFETCH(int, version);
    kcp::SmuxConfig config;
    config.version = version;
    config.maxReceiveBuffer = 1 << 20;
    config.maxStreamBuffer = 65536;
    config.maxOutputBuffer = 64 * 1024;
    SmuxSession client(kcp::SmuxRole::Client, config, 0);
    SmuxSession server(kcp::SmuxRole::Server, config, 0);
    std::mt19937 rng(version);

    constexpr int Streams = 100;
    struct Flow
    {
        std::vector<std::uint8_t> toSend;
        std::size_t sent = 0;
        std::vector<std::uint8_t> received;
    };
    std::map<std::uint32_t, Flow> up, down;  // by stream id
    for (int i = 0; i < Streams; ++i)
    {
        const auto id = *client.openStream();
        for (auto* flows : {&up, &down})
        {
            Flow& f = (*flows)[id];
            f.toSend.resize(rng() % 200000);
            for (auto& b : f.toSend)
                b = std::uint8_t(rng());
        }
    }

    auto transfer = [&](SmuxSession& from, SmuxSession& to) {
        // A transport that moves random amounts, only while the receiver wants input.
        while (to.acceptsInput() && !from.output().empty())
        {
            const auto out = from.output();
            const std::size_t n = std::min<std::size_t>(rng() % 9000 + 1, out.size());
            QVERIFY(to.feed(out.first(n)));
            from.consumeOutput(n);
        }
    };
    for (int round = 0; round < 100000; ++round)
    {
        while (server.acceptStream())
        {
        }
        bool done = true;
        for (auto& [id, f] : up)
        {
            f.sent += client.write(id, std::span(f.toSend).subspan(f.sent));
            append(f.received, readAll(server, id));
            done = done && f.received.size() == f.toSend.size();
        }
        for (auto& [id, f] : down)
        {
            f.sent += server.write(id, std::span(f.toSend).subspan(f.sent));
            append(f.received, readAll(client, id));
            done = done && f.received.size() == f.toSend.size();
        }
        if (done)
            break;
        transfer(client, server);
        transfer(server, client);
        client.takeEvents();
        server.takeEvents();
    }
    for (auto* flows : {&up, &down})
        for (auto& [id, f] : *flows)
            QVERIFY2(f.received == f.toSend, qPrintable(QString("stream %1").arg(id)));
    QVERIFY(!client.isClosed() && !server.isClosed());
    QCOMPARE(server.stats().streamsAccepted, std::uint64_t(Streams));
}

void TestSmuxSession::randomInputNeverCrashes()
{
    std::mt19937 rng(1234);
    for (int round = 0; round < 3000; ++round)
    {
        const int version = 1 + int(rng() % 2);
        kcp::SmuxConfig config;
        config.version = version;
        SmuxSession s(rng() % 2 ? kcp::SmuxRole::Client : kcp::SmuxRole::Server, config, 0);
        for (int step = 0; step < 20 && !s.isClosed(); ++step)
        {
            std::vector<std::uint8_t> junk;
            const int frames = int(rng() % 4);
            for (int f = 0; f < frames; ++f)
            {
                // Mostly well-formed frames for a few stream ids, some garbage.
                const std::uint8_t cmd = std::uint8_t(rng() % 6);
                const std::uint16_t len = cmd == 2 ? std::uint16_t(rng() % 100)
                                        : cmd == 4 ? 8
                                                   : std::uint16_t(rng() % 8 == 0 ? 1 : 0);
                std::uint8_t header[8];
                kcp::writeSmuxHeader(header, std::uint8_t(rng() % 10 ? version : 3),
                                     kcp::SmuxCommand(cmd), len, std::uint32_t(rng() % 8));
                junk.insert(junk.end(), header, header + 8);
                for (int i = 0; i < len; ++i)
                    junk.push_back(std::uint8_t(rng()));
            }
            for (int i = int(rng() % 3); i > 0; --i)
                junk.push_back(std::uint8_t(rng()));
            s.feed(junk);
            std::uint8_t buffer[64];
            const std::uint32_t id = rng() % 8;
            switch (rng() % 6)
            {
            case 0:
                s.read(id, buffer);
                break;
            case 1:
                s.write(id, std::span(buffer, rng() % 64));
                break;
            case 2:
                s.closeStream(id);
                break;
            case 3:
                s.acceptStream();
                break;
            case 4:
                s.openStream();
                break;
            default:
                s.tick(std::uint32_t(step) * 20000);
            }
            s.consumeOutput(rng() % 100);
            s.takeEvents();
        }
    }
}

QTEST_APPLESS_MAIN(TestSmuxSession)
#include "test_smux_session.moc"
