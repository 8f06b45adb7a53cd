// The packet path must not touch the heap once a connection has reached its working set: this
// executable replaces the global operator new to count allocations while the ARQ runs.
#include "kcp_test_util.h"

#include <QtTest>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>

namespace
{
std::atomic<bool> g_counting{false};
std::atomic<std::uint64_t> g_allocations{0};
} // namespace

// A place for a debugger breakpoint: `break countedAllocationHook` shows who allocated.
extern "C" __attribute__((noinline)) void countedAllocationHook(std::size_t size)
{
    asm volatile("" : : "r"(size) : "memory");
}

void* operator new(std::size_t size)
{
    if (g_counting.load(std::memory_order_relaxed))
    {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
        countedAllocationHook(size);
    }
    if (void* p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}

void* operator new[](std::size_t size)
{
    return operator new(size);
}

void operator delete(void* p) noexcept
{
    std::free(p);
}

void operator delete[](void* p) noexcept
{
    std::free(p);
}

void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

void operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}

using namespace kcp;
using namespace kcptest;

class TestKcpAlloc : public QObject
{
    Q_OBJECT

private slots:
    void counterWorks();
    void steadyStateTransferDoesNotAllocate();
    void flushOfFullSendBufferDoesNotAllocate();
};

namespace
{

struct CountScope
{
    CountScope()
    {
        g_allocations = 0;
        g_counting = true;
    }
    ~CountScope() { g_counting = false; }
    std::uint64_t count() const { return g_allocations.load(); }
};

// A link with preallocated datagram slots, so the harness itself never allocates.
class StaticLink
{
public:
    static constexpr std::size_t Slots = 8192;
    static constexpr std::size_t SlotSize = 1500;

    struct Wire
    {
        std::array<Millis, Slots> at{};
        std::array<std::uint16_t, Slots> length{};
        std::vector<std::uint8_t> bytes = std::vector<std::uint8_t>(Slots * SlotSize);
        std::size_t head = 0;
        std::size_t size = 0;
    };

    StaticLink()
        : a(0xA110C, [this](std::uint8_t* p, std::size_t n) { put(0, p, n, a.reservedBytes()); })
        , b(0xA110C, [this](std::uint8_t* p, std::size_t n) { put(1, p, n, b.reservedBytes()); })
    {
    }

    // The reserved front bytes belong to the layers below KCP (FEC, crypto): skip them.
    void put(int from, const std::uint8_t* p, std::size_t n, int reserved)
    {
        p += reserved;
        n -= static_cast<std::size_t>(reserved);
        m_rng = m_rng * 1103515245u + 12345u;
        if ((m_rng >> 16) % 100 < lossPercent)
            return;
        Wire& w = m_wire[from];
        QVERIFY(w.size < Slots && n <= SlotSize);
        const std::size_t slot = (w.head + w.size) % Slots;
        std::memcpy(w.bytes.data() + slot * SlotSize, p, n);
        w.length[slot] = static_cast<std::uint16_t>(n);
        w.at[slot] = m_now + delay;
        ++w.size;
    }

    void step(Millis now)
    {
        m_now = now;
        Kcp* to[2] = {&b, &a};
        for (int from = 0; from < 2; ++from)
        {
            Wire& w = m_wire[from];
            while (w.size > 0 && timeDiff(now, w.at[w.head]) >= 0)
            {
                to[from]->input({w.bytes.data() + w.head * SlotSize, w.length[w.head]}, true, false,
                                now);
                w.head = (w.head + 1) % Slots;
                --w.size;
            }
        }
        Kcp* sides[2] = {&a, &b};
        for (int i = 0; i < 2; ++i)
            if (timeDiff(now, m_next[i]) >= 0)
                m_next[i] = now + sides[i]->flush(now, false);
    }

    Kcp a;
    Kcp b;
    Millis delay = 20;
    std::uint32_t lossPercent = 5;

private:
    Wire m_wire[2];
    Millis m_now = 0;
    Millis m_next[2] = {0, 0};
    std::uint32_t m_rng = 77;
};

} // namespace

void TestKcpAlloc::counterWorks()
{
    std::uint64_t n = 0;
    {
        CountScope scope;
        auto* p = new std::vector<int>(100);
        delete p;
        n = scope.count();
    }
    QVERIFY(n >= 2); // the test can see allocations at all
}

// Both directions busy (echo), 5 % loss, kcptun-like windows and stream mode. After a warm-up
// that fills the windows, ten more virtual seconds must not allocate at all: rings, the slab
// pool, the ACK list and the output buffer are all reused.
void TestKcpAlloc::steadyStateTransferDoesNotAllocate()
{
    auto link = std::make_unique<StaticLink>();
    for (Kcp* k : {&link->a, &link->b})
    {
        k->setStreamMode(true);
        k->setNoDelay({0, 30, 2, 1});
        k->setWindowSize(128, 512);
        QVERIFY(k->setMtu(1350, 28));
    }
    std::vector<std::uint8_t> chunk(3000, 0x5A);
    std::vector<std::uint8_t> readBuf(1 << 16);
    std::uint64_t received[2] = {0, 0};
    auto run = [&](Millis from, Millis to)
    {
        for (Millis t = from; t < to; ++t)
        {
            link->step(t);
            Kcp* sides[2] = {&link->a, &link->b};
            for (int i = 0; i < 2; ++i)
            {
                Kcp& k = *sides[i];
                for (int n; (n = k.recv(readBuf)) > 0;)
                    received[i] += std::uint64_t(n);
                bool wrote = false;
                while (k.waitSnd() < k.sndWnd() && k.waitSnd() < k.remoteWnd())
                {
                    for (std::size_t at = 0; at < chunk.size(); at += std::size_t(k.mss()))
                        k.send(
                            {chunk.data() + at, std::min(chunk.size() - at, std::size_t(k.mss()))});
                    wrote = true;
                }
                if (wrote)
                    k.flush(t, false);
            }
        }
    };
    run(0, 10000);
    const std::uint64_t warmA = received[0];
    const std::uint64_t warmB = received[1];
    qInfo("warm-up: a read %llu, b read %llu, a sent %llu segs, b %llu", (unsigned long long)warmA,
          (unsigned long long)warmB, (unsigned long long)link->a.counters().outSegs,
          (unsigned long long)link->b.counters().outSegs);
    QVERIFY(warmB > 1000000);
    std::uint64_t allocations = 0;
    {
        CountScope scope;
        run(10000, 20000);
        allocations = scope.count();
    }
    QVERIFY(received[1] - warmB > 1000000); // it really moved data while counting
    QVERIFY(received[0] - warmA > 1000000);
    QVERIFY(link->a.counters().retransSegs > 0);
    QCOMPARE(allocations, std::uint64_t(0));
}

// kcp-go BenchmarkFlush: 1024 segments in flight, none due, flushed again and again. Reached
// through the public API: a 1024-segment window on both sides, a long RTT sample so that the
// resend times lie far ahead, then one flush that sends everything.
void TestKcpAlloc::flushOfFullSendBufferDoesNotAllocate()
{
    Kcp k(1, [](std::uint8_t*, std::size_t) {});
    k.setNoDelay({0, 10, 0, 1});
    k.setWindowSize(1024, 1024);
    QCOMPARE(k.input(segment(1, Wins, 0, 0, 0, 1024), true, false, 0), 0);
    QCOMPARE(k.input(segment(1, Ack, 0, 0, 0, 1024), true, false, 5000), 0); // rtt 5000
    QCOMPARE(k.rto(), 15000);                                                // 5000 + 4 * 2500
    for (int i = 0; i < 1024; ++i)
        QCOMPARE(k.send(pattern(1)), 0);
    k.flush(5000, false);
    QCOMPARE(k.sndBufSize(), 1024);
    QCOMPARE(k.inflight(), 1024u);

    constexpr int Rounds = 20000;
    std::uint64_t allocations = 0;
    std::uint64_t outSegs = k.counters().outSegs;
    const auto start = std::chrono::steady_clock::now();
    int unexpectedWaits = 0;
    {
        CountScope scope;
        for (int i = 0; i < Rounds; ++i)
            unexpectedWaits += k.flush(5001 + Millis(i % 1000), false) != 10u;
        allocations = scope.count();
    }
    QCOMPARE(unexpectedWaits, 0);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    QCOMPARE(allocations, std::uint64_t(0));
    QCOMPARE(k.counters().outSegs, outSegs); // nothing was due
    qInfo("flush of 1024 in-flight segments: %.0f ns",
          std::chrono::duration<double, std::nano>(elapsed).count() / Rounds);
}

QTEST_APPLESS_MAIN(TestKcpAlloc)
#include "test_kcp_alloc.moc"
