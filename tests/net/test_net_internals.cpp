// The net layer's building blocks without sockets: the deadline heap that drives each worker's
// single timer, peer endpoints (IPv4-mapped normalisation), and the listener's conv peeker
// against datagrams produced by the real SessionCore for every crypt method.

#include "conv_peeker.h"
#include "datagram_io.h"
#include "deadline_heap.h"
#include "endpoint.h"
#include "epoll_dispatcher.h"
#include "mmsg_udp_io.h"
#include "qt_udp_io.h"

#include "kcp/key_derivation.h"
#include "kcp/packet_crypto.h"
#include "kcp/random_source.h"
#include "kcp/session_core.h"

#include <QEventLoop>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QUdpSocket>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <future>
#include <map>
#include <netinet/in.h>
#include <random>
#include <sys/socket.h>
#include <thread>
#include <time.h>
#include <unistd.h>

using namespace kcp::net::detail;

namespace
{

std::array<std::uint8_t, 32> seed(std::uint8_t v)
{
    std::array<std::uint8_t, 32> s{};
    s.fill(v);
    return s;
}

// First datagrams a fresh client session sends after one write (data, then parity if FEC).
std::vector<std::vector<std::uint8_t>> clientDatagrams(const kcp::SessionConfig& config,
                                                       std::uint32_t conv, int writes)
{
    kcp::ChaChaRandom random(seed(3));
    kcp::SessionCore core(conv, config, random);
    std::vector<std::vector<std::uint8_t>> out;
    std::vector<std::uint8_t> buffer(2048);
    kcp::Millis now = 1000;
    for (int i = 0; i < writes; ++i)
    {
        const std::vector<std::uint8_t> payload(100, static_cast<std::uint8_t>(i));
        core.write(now, payload);
        while (const std::size_t n = core.pollTransmit(now, buffer))
            out.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
        now += 20;
    }
    return out;
}

// The sequence number the sending tests put at the start of each datagram.
int sequenceOf(const RxDatagram& d)
{
    int seq = -1;
    std::memcpy(&seq, d.data, std::min(sizeof seq, d.length));
    return seq;
}

} // namespace

class TestNetInternals : public QObject
{
    Q_OBJECT

private slots:
    // Two worker-like threads hand a call back and forth: the replies come within the spin
    // budget, so their waits start spinning and find the reply. Once the traffic stops, at most
    // one more spin runs dry per thread before they block, and a thread that only wakes for a
    // 10 ms timer never spins at all.
    void dispatcherSpinsOnlyWhileRepliesComeQuickly()
    {
        QThread threadA, threadB, timerThread;
        auto* a = new EpollDispatcher;
        auto* b = new EpollDispatcher;
        auto* t = new EpollDispatcher;
        QVERIFY(a->isValid() && b->isValid() && t->isValid());
        for (EpollDispatcher* d : {a, b, t})
            d->setSpinMicroseconds(200); // generous: this test may share the CPU with others
        threadA.setEventDispatcher(a);
        threadB.setEventDispatcher(b);
        timerThread.setEventDispatcher(t);
        auto* inA = new QObject;
        auto* inB = new QObject;
        inA->moveToThread(&threadA);
        inB->moveToThread(&threadB);
        auto* timer = new QTimer;
        timer->setInterval(10);
        timer->moveToThread(&timerThread);
        QObject::connect(&timerThread, &QThread::started, timer, qOverload<>(&QTimer::start));
        threadA.start();
        threadB.start();
        timerThread.start();

        std::atomic<int> left{3000};
        std::promise<void> finished;
        std::function<void()> ping;
        const std::function<void()> pong = [&] { QMetaObject::invokeMethod(inA, ping); };
        ping = [&]
        {
            if (--left == 0)
                finished.set_value();
            else
                QMetaObject::invokeMethod(inB, pong);
        };
        QMetaObject::invokeMethod(inA, ping);
        QVERIFY(finished.get_future().wait_for(std::chrono::seconds(60)) ==
                std::future_status::ready);

        const auto statsIn = [](QObject* context, EpollDispatcher* d)
        {
            EpollDispatcher::SpinStats stats;
            QMetaObject::invokeMethod(
                context, [&] { stats = d->spinStats(); }, Qt::BlockingQueuedConnection);
            return stats;
        };
        const EpollDispatcher::SpinStats busyA = statsIn(inA, a);
        const EpollDispatcher::SpinStats busyB = statsIn(inB, b);
        QVERIFY2(busyA.hits + busyB.hits > 0, qPrintable(QStringLiteral("spins %1/%2, hits %3/%4")
                                                             .arg(busyA.spins)
                                                             .arg(busyB.spins)
                                                             .arg(busyA.hits)
                                                             .arg(busyB.hits)));
        QThread::msleep(200);
        const EpollDispatcher::SpinStats idleA = statsIn(inA, a);
        const EpollDispatcher::SpinStats idleB = statsIn(inB, b);
        const EpollDispatcher::SpinStats timed = statsIn(timer, t);
        // The stats call itself wakes each thread once after 200 ms: that wait was long, so it
        // began without spinning, or with the one spin that ran dry.
        QVERIFY((idleA.spins - idleA.hits) - (busyA.spins - busyA.hits) <= 2);
        QVERIFY((idleB.spins - idleB.hits) - (busyB.spins - busyB.hits) <= 2);
        QCOMPARE(timed.spins, std::uint64_t{0});
        qInfo("ping-pong: thread A %llu spins, %llu found work; thread B %llu, %llu",
              static_cast<unsigned long long>(busyA.spins),
              static_cast<unsigned long long>(busyA.hits),
              static_cast<unsigned long long>(busyB.spins),
              static_cast<unsigned long long>(busyB.hits));
        QMetaObject::invokeMethod(timer, &QTimer::stop, Qt::BlockingQueuedConnection);

        for (QThread* thread : {&threadA, &threadB, &timerThread})
        {
            thread->quit();
            thread->wait();
        }
        delete inA;
        delete inB;
        delete timer;
    }

    void heapOrdersLikeASortedList()
    {
        std::mt19937 rng(42);
        std::vector<HeapNode> nodes(500);
        DeadlineHeap heap;
        std::map<HeapNode*, std::int64_t> reference;
        for (int step = 0; step < 20000; ++step)
        {
            HeapNode* n = &nodes[rng() % nodes.size()];
            switch (rng() % 4)
            {
            case 0:
            case 1:
            {
                const std::int64_t d = rng() % 100000;
                heap.schedule(n, d);
                reference[n] = d;
                break;
            }
            case 2:
                heap.remove(n);
                reference.erase(n);
                break;
            case 3:
                if (HeapNode* top = heap.top())
                {
                    const auto best = std::min_element(reference.begin(), reference.end(),
                                                       [](const auto& a, const auto& b)
                                                       { return a.second < b.second; });
                    QCOMPARE(top->deadline, best->second);
                    heap.remove(top);
                    reference.erase(top);
                }
                break;
            }
            QCOMPARE(heap.size(), reference.size());
        }
        std::int64_t last = -1;
        while (HeapNode* top = heap.top())
        {
            QVERIFY(top->deadline >= last);
            last = top->deadline;
            heap.remove(top);
            QCOMPARE(top->index, std::ptrdiff_t(-1));
        }
    }

    void endpointNormalisesMappedIpv4()
    {
        const Endpoint plain = Endpoint::fromHost(QHostAddress("127.0.0.1"), 4000);
        const Endpoint mapped = Endpoint::fromHost(QHostAddress("::ffff:127.0.0.1"), 4000);
        QVERIFY(plain == mapped);
        QCOMPARE(EndpointHash{}(plain), EndpointHash{}(mapped));
        QVERIFY(plain.isV4());
        QCOMPARE(mapped.host().protocol(), QAbstractSocket::IPv4Protocol);
        QCOMPARE(mapped.host(), QHostAddress("127.0.0.1"));

        const Endpoint v6 = Endpoint::fromHost(QHostAddress("::1"), 4000);
        QVERIFY(!v6.isV4());
        QCOMPARE(v6.host(), QHostAddress("::1"));
        const Endpoint any6 = Endpoint::fromHost(QHostAddress("::"), 1);
        QVERIFY(!any6.isV4()); // QHostAddress::toIPv4Address() would call "::" IPv4
        QVERIFY(!(plain == Endpoint::fromHost(QHostAddress("127.0.0.1"), 4001)));

        // Round trip through sockaddr, for both socket families.
        sockaddr_storage ss{};
        QCOMPARE(plain.toSockaddr(AF_INET, ss), std::uint32_t(sizeof(sockaddr_in)));
        Endpoint back;
        QVERIFY(Endpoint::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), back));
        QVERIFY(back == plain);
        QCOMPARE(plain.toSockaddr(AF_INET6, ss), std::uint32_t(sizeof(sockaddr_in6)));
        QVERIFY(Endpoint::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), back));
        QVERIFY(back == plain); // v4-mapped on a dual-stack socket is the same peer
        QCOMPARE(v6.toSockaddr(AF_INET, ss), std::uint32_t(0));
    }

    void peekerReadsConvForEveryCrypt_data()
    {
        QTest::addColumn<QString>("crypt");
        QTest::addColumn<int>("ds");
        for (const std::string& name : kcp::packetCryptNames())
        {
            QTest::addRow("%s-fec", name.c_str()) << QString::fromStdString(name) << 10;
            QTest::addRow("%s-nofec", name.c_str()) << QString::fromStdString(name) << 0;
        }
    }

    void peekerReadsConvForEveryCrypt()
    {
        QFETCH(QString, crypt);
        QFETCH(int, ds);
        kcp::SessionConfig config;
        config.crypt = crypt.toStdString();
        config.key = kcp::deriveKcptunKey("peek");
        config.dataShards = ds;
        config.parityShards = ds ? 3 : 0;
        config.noDelay = kcp::NoDelayParams{1, 10, 2, 1};
        const std::uint32_t conv = 0xdeadbeef;
        // 10 writes: with FEC the group completes and parity datagrams follow.
        auto datagrams = clientDatagrams(config, conv, 10);
        QVERIFY(datagrams.size() >= 10);

        ConvPeeker peeker(config);
        int segments = 0;
        int parity = 0;
        for (std::size_t i = 0; i < datagrams.size(); ++i)
        {
            auto& d = datagrams[i];
            const auto peeked = peeker.peek(d.data(), d.size());
            const auto checked = peeker.authenticate(d.data(), d.size());
            QCOMPARE(int(peeked.kind), int(checked.kind));
            if (checked.kind == ConvPeeker::Kind::Parity)
            {
                ++parity;
                continue;
            }
            QCOMPARE(int(checked.kind), int(ConvPeeker::Kind::Segment));
            QCOMPARE(peeked.conv, conv);
            QCOMPARE(checked.conv, conv);
            QCOMPARE(checked.sn, peeked.sn);
            if (segments == 0)
            {
                QCOMPARE(checked.sn, 0u);
                QCOMPARE(int(checked.cmd), 81);  // a fresh session opens with PUSH sn 0
            }
            ++segments;
        }
        QCOMPARE(parity > 0, ds > 0);

        // The peeker never modifies the datagram: the session still decrypts it.
        auto& first = datagrams.front();
        const auto copy = first;
        peeker.peek(first.data(), first.size());
        peeker.authenticate(first.data(), first.size());
        QVERIFY(first == copy);

        if (crypt == QLatin1String("null"))
            return; // no integrity check to fail
        // One flipped bit in the crc or body fails authentication (nonce bytes are only covered
        // by CFB's chaining; stream ciphers leave them free, as in kcp-go); too short is Short.
        const std::size_t header = kcp::makePacketCrypto(config.crypt, config.key)->headerSize();
        const std::size_t from = crypt == QLatin1String("aes-128-gcm") ? 0 : header - 4;
        std::mt19937 rng(7);
        for (int i = 0; i < 50; ++i)
        {
            auto bad = first;
            bad[from + rng() % (bad.size() - from)] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            QCOMPARE(int(peeker.authenticate(bad.data(), bad.size()).kind),
                     int(ConvPeeker::Kind::BadChecksum));
        }
        QCOMPARE(int(peeker.authenticate(first.data(), 5).kind), int(ConvPeeker::Kind::Short));
        if (crypt == QLatin1String("none"))
            return; // keyless: any key reads it
        // A wrong key fails too.
        kcp::SessionConfig other = config;
        other.key = kcp::deriveKcptunKey("other");
        ConvPeeker wrong(other);
        QCOMPARE(int(wrong.authenticate(first.data(), first.size()).kind),
                 int(ConvPeeker::Kind::BadChecksum));
    }

    // The send path of both backends under a burst far beyond a tiny socket send buffer: the
    // mmsg backend keeps what the kernel refuses in its backlog and sends it when the socket is
    // writable again (every datagram arrives, in order); the Qt one drops and counts. Receive
    // batches never exceed 64 and carry the sender's address.
    void sendBurstThroughTinyBuffer_data()
    {
        QTest::addColumn<bool>("mmsg");
        QTest::newRow("qt") << false;
        QTest::newRow("mmsg") << true;
    }
    void sendBurstThroughTinyBuffer()
    {
        QFETCH(bool, mmsg);
        std::unique_ptr<DatagramIo> receiver = std::make_unique<MmsgUdpIo>();
        QString error;
        QVERIFY2(receiver->bind(QHostAddress::LocalHost, 0, 16 << 20, error), qPrintable(error));
        std::vector<int> order;
        std::size_t largestBatch = 0;
        Endpoint from;
        receiver->setReceiveHandler(
            [&](std::span<RxDatagram> batch)
            {
                largestBatch = std::max(largestBatch, batch.size());
                for (const RxDatagram& d : batch)
                {
                    const int seq = sequenceOf(d);
                    order.push_back(seq);
                    from = d.from;
                }
            });

        std::unique_ptr<DatagramIo> sender;
        if (mmsg)
            sender = std::make_unique<MmsgUdpIo>();
        else
            sender = std::make_unique<QtUdpIo>();
        QVERIFY2(sender->bind(QHostAddress::LocalHost, 0, 4096, error), qPrintable(error));
        const Peer to =
            Peer::from(Endpoint::fromHost(QHostAddress::LocalHost, receiver->localPort()));
        constexpr int Count = 3000;
        std::vector<std::uint8_t> datagram(1400, 0xab);
        for (int i = 0; i < Count; ++i)
        {
            std::memcpy(datagram.data(), &i, sizeof i);
            sender->send(to, datagram);
        }
        sender->flush();
        const IoCounters& c = sender->counters();
        QVERIFY(QTest::qWaitFor(
            [&] { return order.size() + c.txDropped >= static_cast<std::size_t>(Count); }, 10000));
        QTest::qWait(50);
        qInfo("%s: sent %llu in %llu calls, blocked %llu times, dropped %llu; received %zu, "
              "largest batch %zu",
              mmsg ? "mmsg" : "qt", (unsigned long long)c.txDatagrams,
              (unsigned long long)c.txSyscalls, (unsigned long long)c.txBlocked,
              (unsigned long long)c.txDropped, order.size(), largestBatch);
        QCOMPARE(c.txDatagrams + c.txDropped, quint64(Count));
        QVERIFY(largestBatch <= 64);
        QCOMPARE(from.port, sender->localPort());
        if (mmsg)
        {
            QCOMPARE(c.txDropped, quint64(0)); // the backlog holds what the kernel refused
            QCOMPARE(order.size(), std::size_t(Count));
            QVERIFY(std::is_sorted(order.begin(), order.end()));
            QVERIFY(c.txSyscalls < Count); // batched
        }
    }

    // UDP GSO and GRO in the mmsg backend: runs of equal-size datagrams to one peer leave as one
    // message (and may arrive as one buffer). Whatever the mix (runs with a short last datagram, tiny ACK-size ones, two peers
    // interleaved), every datagram arrives whole, with its own length, in order per peer, and
    // with GSO on in fewer messages than datagrams.
    void mmsgSegmentationKeepsDatagrams_data()
    {
        QTest::addColumn<bool>("gso");
        QTest::newRow("gso") << true;
        QTest::newRow("plain") << false;
    }
    void mmsgSegmentationKeepsDatagrams()
    {
        QFETCH(bool, gso);
        struct Sent
        {
            int seq;
            std::size_t length;
        };
        MmsgUdpIo receivers[2];
        std::vector<Sent> got[2];
        QString error;
        std::size_t largestBatch = 0;
        for (int r = 0; r < 2; ++r)
        {
            receivers[r].setSegmentationOffload(gso); // decides UDP GRO at bind()
            QVERIFY(receivers[r].bind(QHostAddress::LocalHost, 0, 16 << 20, error));
            QCOMPARE(receivers[r].receiveOffload(), gso);
            receivers[r].setReceiveHandler(
                [&got, &largestBatch, r](std::span<RxDatagram> batch)
                {
                    largestBatch = std::max(largestBatch, batch.size());
                    for (const RxDatagram& d : batch)
                    {
                        int seq = sequenceOf(d);
                        // The body is the sequence number's low byte throughout.
                        for (std::size_t i = sizeof seq; i < d.length; ++i)
                            if (d.data[i] != static_cast<std::uint8_t>(seq))
                                seq = -1;
                        got[r].push_back(Sent{seq, d.length});
                    }
                });
        }
        MmsgUdpIo sender;
        QVERIFY(sender.bind(QHostAddress::LocalHost, 0, 16 << 20, error));
        sender.setSegmentationOffload(gso);
        const Peer to[2] = {
            Peer::from(Endpoint::fromHost(QHostAddress::LocalHost, receivers[0].localPort())),
            Peer::from(Endpoint::fromHost(QHostAddress::LocalHost, receivers[1].localPort()))};
        std::vector<Sent> sent[2];
        // Lengths cycle through: 7 full, 1 short, 3 tiny, 5 full, 2 mid, 1 full; peers switch
        // every 11 datagrams.
        const std::size_t pattern[] = {1400, 1400, 1400, 1400, 1400, 1400, 1400, 900, 60, 60, 60,
                                       1400, 1400, 1400, 1400, 1400, 700, 700, 1400};
        std::vector<std::uint8_t> datagram(1500);
        for (int seq = 0; seq < 3000; ++seq)
        {
            const std::size_t length = pattern[seq % std::size(pattern)];
            const int peer = (seq / 11) % 2;
            std::memset(datagram.data(), static_cast<std::uint8_t>(seq), length);
            std::memcpy(datagram.data(), &seq, sizeof seq);
            sender.send(to[peer], std::span<const std::uint8_t>(datagram.data(), length));
            sent[peer].push_back(Sent{seq, length});
            if (seq % 500 == 499)
                sender.flush();
        }
        sender.flush();
        QVERIFY(QTest::qWaitFor(
            [&] { return got[0].size() == sent[0].size() && got[1].size() == sent[1].size(); },
            10000));
        for (int r = 0; r < 2; ++r)
            for (std::size_t i = 0; i < sent[r].size(); ++i)
            {
                QCOMPARE(got[r][i].seq, sent[r][i].seq);
                QCOMPARE(got[r][i].length, sent[r][i].length);
            }
        QVERIFY(largestBatch <= 64);
        QCOMPARE(receivers[0].counters().rxDatagrams + receivers[1].counters().rxDatagrams,
                 quint64(3000));
        const IoCounters& c = sender.counters();
        QCOMPARE(c.txDatagrams, quint64(3000));
        QCOMPARE(c.txDropped, quint64(0));
        qInfo("%s: 3000 datagrams in %llu messages, %llu sendmmsg calls", gso ? "gso" : "plain",
              (unsigned long long)c.txMessages, (unsigned long long)c.txSyscalls);
        QVERIFY(c.txSyscalls < 3000 / 32); // batched either way (64 messages per call at most)
        if (gso)
        {
            QVERIFY(sender.segmentationOffload()); // the kernel took it (loopback has UDP GSO)
            QVERIFY(c.txMessages < 3000 / 3);
        }
        else
        {
            QCOMPARE(c.txMessages, quint64(3000));
        }
    }

    // Receive coalescing (KcpOptions::receiveCoalesceMs): a steady one-way stream spaced out as
    // a bottleneck spaces it (one datagram per 250 us) is read on the 1 ms timer instead of one
    // wake-up per datagram, with nothing lost or reordered, and reading goes back to the notifier
    // once the stream stops. A receiver that answers every datagram (echo, request/response) is
    // never coalesced.
    void mmsgCoalescesSteadyOneWayStream_data()
    {
        QTest::addColumn<bool>("answers");
        QTest::newRow("one-way") << false;
        QTest::newRow("echo") << true;
    }
    void mmsgCoalescesSteadyOneWayStream()
    {
        QFETCH(bool, answers);
        MmsgUdpIo receiver;
        kcp::net::KcpOptions options;
        options.receiveCoalesceMs = 1;
        QString error;
        QVERIFY2(receiver.bind(QHostAddress::LocalHost, 0, options, error), qPrintable(error));
        // A real event loop, waiting in the dispatcher as a worker does (QTest::qWaitFor would
        // sleep between passes and batch the reads by itself), left when `expected` arrived.
        std::vector<int> order;
        std::size_t expected = 0;
        QEventLoop loop;
        const auto runUntilReceived = [&](std::size_t n)
        {
            expected = n;
            QTimer::singleShot(20000, &loop, &QEventLoop::quit);
            if (order.size() < expected)
                loop.exec();
        };
        receiver.setReceiveHandler(
            [&](std::span<RxDatagram> batch)
            {
                for (const RxDatagram& d : batch)
                {
                    const int seq = sequenceOf(d);
                    order.push_back(seq);
                    if (answers)
                        receiver.send(Peer::from(d.from), {d.data, d.length});
                }
                receiver.flush();
                if (order.size() >= expected)
                    loop.quit();
            });

        const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        QVERIFY(fd >= 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(receiver.localPort());
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
        const int bigBuffer = 4 << 20;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bigBuffer, sizeof bigBuffer);
        constexpr int Count = 1600;
        const auto pace = [fd](int first, int count)
        {
            std::vector<std::uint8_t> datagram(1200, 0x5a);
            timespec next{};
            ::clock_gettime(CLOCK_MONOTONIC, &next);
            for (int i = first; i < first + count; ++i)
            {
                std::memcpy(datagram.data(), &i, sizeof i);
                (void)!::send(fd, datagram.data(), datagram.size(), 0);
                next.tv_nsec += 250'000;
                if (next.tv_nsec >= 1'000'000'000)
                {
                    next.tv_nsec -= 1'000'000'000;
                    ++next.tv_sec;
                }
                ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
            }
        };
        std::thread sender(pace, 0, Count);
        runUntilReceived(Count);
        sender.join();
        const IoCounters& c = receiver.counters();
        qInfo("%s: %zu datagrams in %llu wake-ups, %llu recvmmsg; %llu switches to timed reads",
              answers ? "echo" : "one-way", order.size(), (unsigned long long)c.rxWakeups,
              (unsigned long long)c.rxSyscalls, (unsigned long long)c.rxCoalesced);
        QCOMPARE(order.size(), std::size_t(Count));
        QVERIFY(std::is_sorted(order.begin(), order.end()));
        if (answers)
        {
            QCOMPARE(c.rxCoalesced, quint64(0));
            QVERIFY(!receiver.receiveCoalescing());
        }
        else
        {
            QVERIFY(c.rxCoalesced >= 1);
            QVERIFY2(c.rxWakeups < quint64(Count / 2), "timed reads should take several each");
            // The stream stopped: the next timed read finds nothing and hands back to the
            // notifier, so a datagram after the pause is read as soon as it arrives.
            QTRY_VERIFY_WITH_TIMEOUT(!receiver.receiveCoalescing(), 1000);
            const quint64 wakeups = c.rxWakeups;
            pace(Count, 1);
            runUntilReceived(Count + 1);
            QCOMPARE(order.size(), std::size_t(Count + 1));
            QCOMPARE(c.rxWakeups, wakeups + 1);
        }
        ::close(fd);
    }

    // The mmsg backend when the kernel pushes back: partial batches and EAGAIN leave the rest in
    // the backlog, a write notifier (only then) resumes it, nothing is lost or reordered, and the
    // notifier is off again once the backlog is empty.
    void mmsgBacklogSurvivesEagain()
    {
        static int calls = 0;
        calls = 0;
        const MmsgUdpIo::SendBatch real = MmsgUdpIo::s_sendBatch;
        // Every 3rd call: EAGAIN; every other: at most 5 datagrams (a partial batch).
        MmsgUdpIo::s_sendBatch = [](int fd, mmsghdr* m, unsigned n, int flags)
        {
            if (++calls % 3 == 0)
            {
                errno = EAGAIN;
                return -1;
            }
            return ::sendmmsg(fd, m, std::min(n, 5u), flags);
        };
        struct Restore
        {
            MmsgUdpIo::SendBatch f;
            ~Restore() { MmsgUdpIo::s_sendBatch = f; }
        } restore{real};

        MmsgUdpIo receiver;
        QString error;
        QVERIFY(receiver.bind(QHostAddress::LocalHost, 0, 16 << 20, error));
        std::vector<int> order;
        receiver.setReceiveHandler(
            [&](std::span<RxDatagram> batch)
            {
                for (const RxDatagram& d : batch)
                {
                    const int seq = sequenceOf(d);
                    order.push_back(seq);
                }
            });
        MmsgUdpIo sender;
        QVERIFY(sender.bind(QHostAddress::LocalHost, 0, 0, error));
        const Peer to =
            Peer::from(Endpoint::fromHost(QHostAddress::LocalHost, receiver.localPort()));
        std::vector<std::uint8_t> datagram(200, 0);
        int next = 0;
        for (int round = 0; round < 20; ++round) // bursts interleaved with event-loop passes
        {
            for (int i = 0; i < 100; ++i, ++next)
            {
                std::memcpy(datagram.data(), &next, sizeof next);
                sender.send(to, datagram);
            }
            sender.flush();
            QTest::qWait(1);
        }
        QVERIFY(QTest::qWaitFor([&] { return order.size() == 2000u; }, 10000));
        QVERIFY(std::is_sorted(order.begin(), order.end()));
        QCOMPARE(order.back(), 1999);
        const IoCounters& c = sender.counters();
        QVERIFY(c.txBlocked > 0);
        QCOMPARE(c.txDropped, quint64(0));
        QCOMPARE(c.txDatagrams, quint64(2000));
        QVERIFY(!sender.writeWaiting());
        const int callsWhenIdle = calls;
        QTest::qWait(50);
        QCOMPARE(calls, callsWhenIdle); // no write notifier left spinning
    }
};

QTEST_GUILESS_MAIN(TestNetInternals)
#include "test_net_internals.moc"
