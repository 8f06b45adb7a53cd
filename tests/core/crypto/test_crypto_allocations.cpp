#include "kcp/packet_crypto.h"
#include "kcp/random_source.h"

#include <QtTest>

#include <array>
#include <atomic>
#include <cstdlib>
#include <random>
#include <vector>

// The packet path must not touch the heap (DESIGN.md: no allocation per packet). This executable
// replaces glibc's malloc family with counting wrappers around glibc's own implementation, so
// allocations made anywhere — our code, libstdc++, Botan (whose secure_vector goes to calloc) —
// are seen.
//
// Under AddressSanitizer (the asan preset) malloc belongs to ASan: wrappers around glibc's malloc
// would hand ASan pointers it never allocated, and the process dies on the first free. There the
// wrappers are left out, the methods still run (ASan checks their memory accesses) and only the
// allocation counts are skipped; the release build checks those.
#if defined(__SANITIZE_ADDRESS__)
#define KCP_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KCP_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef KCP_COUNT_ALLOCATIONS
#define KCP_COUNT_ALLOCATIONS 1
#endif

#if KCP_COUNT_ALLOCATIONS
extern "C"
{
    void* __libc_malloc(std::size_t);
    void* __libc_calloc(std::size_t, std::size_t);
    void* __libc_realloc(void*, std::size_t);
    void* __libc_memalign(std::size_t, std::size_t);
    void __libc_free(void*);
}
#endif

namespace
{
std::atomic<long> g_allocations{0};
}

#if KCP_COUNT_ALLOCATIONS
extern "C"
{
    void* malloc(std::size_t n)
    {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
        return __libc_malloc(n);
    }
    void* calloc(std::size_t count, std::size_t n)
    {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
        return __libc_calloc(count, n);
    }
    void* realloc(void* p, std::size_t n)
    {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
        return __libc_realloc(p, n);
    }
    void* aligned_alloc(std::size_t alignment, std::size_t n)
    {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
        return __libc_memalign(alignment, n);
    }
    void* memalign(std::size_t alignment, std::size_t n)
    {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
        return __libc_memalign(alignment, n);
    }
    int posix_memalign(void** out, std::size_t alignment, std::size_t n)
    {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
        *out = __libc_memalign(alignment, n);
        return *out ? 0 : ENOMEM;
    }
    void free(void* p)
    {
        __libc_free(p);
    }
}
#endif

Q_DECLARE_METATYPE(kcp::CipherEngine)

class TestCryptoAllocations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // Botan serves secure_vector from its own mlock'ed pool when it can, which calloc never
        // sees. Turned off (read on first use, which is after this), every Botan allocation
        // shows up here.
        qputenv("BOTAN_MLOCK_POOL_SIZE", "0");
    }

    void counterWorks()
    {
        // Guards the test itself: if the wrappers did not catch allocations made inside shared
        // libraries (Botan is one), every check below would pass vacuously. Qt allocates the
        // byte array inside libQt6Core.
        if (!KCP_COUNT_ALLOCATIONS)
            QSKIP("ASan owns malloc here; the release build counts allocations");
        const long before = g_allocations.load();
        const QByteArray bytes(1000, 'x');
        QCOMPARE(bytes.size(), 1000);
        QVERIFY(g_allocations.load() > before);
    }

    void sealAndOpenDoNotAllocate_data()
    {
        QTest::addColumn<QString>("crypt");
        QTest::addColumn<kcp::CipherEngine>("engine");
        for (const std::string& name : kcp::packetCryptNames())
        {
            QTest::addRow("%s/best", name.c_str())
                << QString::fromStdString(name) << kcp::CipherEngine::Best;
            QTest::addRow("%s/avx2", name.c_str())
                << QString::fromStdString(name) << kcp::CipherEngine::Avx2;
            QTest::addRow("%s/portable", name.c_str())
                << QString::fromStdString(name) << kcp::CipherEngine::Portable;
        }
    }

    void sealAndOpenDoNotAllocate()
    {
        QFETCH(QString, crypt);
        QFETCH(kcp::CipherEngine, engine);
        kcp::SessionKey key{};
        for (std::size_t i = 0; i < key.size(); ++i)
            key[i] = std::uint8_t(i * 7 + 1);
        auto sender = kcp::makePacketCrypto(crypt.toStdString(), key, engine);
        auto receiver = kcp::makePacketCrypto(crypt.toStdString(), key, engine);
        const std::array<std::uint8_t, 32> seed = {1};
        kcp::ChaChaRandom random(seed);
        std::array<std::uint8_t, 1500> datagram{};
        std::mt19937 rng(5);
        std::array<std::size_t, 64> bodyLengths{};
        for (auto& n : bodyLengths)
            n = rng() % (datagram.size() - sender->overhead() + 1);
        bodyLengths[0] = 0;
        bodyLengths[1] = datagram.size() - sender->overhead();

        // Warm-up: lazily built state (Botan's CPUID probe, pools) is allowed once.
        sender->seal(datagram.data(), 100, random);
        receiver->open(datagram.data(), 100 + sender->overhead());

        const long before = g_allocations.load();
        int opened = 0;
        for (std::size_t n : bodyLengths)
        {
            const std::size_t length = sender->seal(datagram.data(), n, random);
            opened += receiver->open(datagram.data(), length).has_value();
            // A corrupted datagram is rejected without allocating too (crc path).
            if (crypt != QLatin1String("aes-128-gcm") && crypt != QLatin1String("null"))
            {
                datagram[length - 1] ^= 1;
                opened += receiver->open(datagram.data(), length).has_value();
            }
        }
        const long allocations = g_allocations.load() - before;
        if (KCP_COUNT_ALLOCATIONS)
            QCOMPARE(allocations, 0L);
        QCOMPARE(opened, int(bodyLengths.size())); // every clean one, no corrupted one
    }

    void sealBatchDoesNotAllocate_data() { sealAndOpenDoNotAllocate_data(); }
    void sealBatchDoesNotAllocate()
    {
        QFETCH(QString, crypt);
        QFETCH(kcp::CipherEngine, engine);
        const kcp::SessionKey key{};
        auto sender = kcp::makePacketCrypto(crypt.toStdString(), key, engine);
        const std::array<std::uint8_t, 32> seed = {2};
        kcp::ChaChaRandom random(seed);
        // More datagrams than the kernel has lanes and than one internal chunk.
        constexpr std::size_t count = 20;
        std::vector<std::uint8_t> store(count * 1500);
        std::array<kcp::SealJob, count> jobs{};
        for (std::size_t i = 0; i < count; ++i)
            jobs[i] = kcp::SealJob{store.data() + i * 1500, (i * 97) % (1500 - sender->overhead())};
        sender->sealBatch(jobs, random); // warm-up, as above

        const long before = g_allocations.load();
        sender->sealBatch(jobs, random);
        if (KCP_COUNT_ALLOCATIONS)
            QCOMPARE(g_allocations.load() - before, 0L);
        QCOMPARE(jobs[1].length, 97 + sender->overhead());
    }

    void blockCryptDoesNotAllocate_data()
    {
        QTest::addColumn<QString>("crypt");
        QTest::addColumn<kcp::CipherEngine>("engine");
        for (const std::string& name : kcp::kcptunCryptNames())
        {
            QTest::addRow("%s/best", name.c_str())
                << QString::fromStdString(name) << kcp::CipherEngine::Best;
            QTest::addRow("%s/portable", name.c_str())
                << QString::fromStdString(name) << kcp::CipherEngine::Portable;
        }
    }

    void blockCryptDoesNotAllocate()
    {
        QFETCH(QString, crypt);
        QFETCH(kcp::CipherEngine, engine);
        const kcp::SessionKey key{};
        auto cipher = kcp::makeBlockCrypt(crypt.toStdString(), key, engine);
        std::array<std::uint8_t, 4096> buffer{}; // longer than the scratch chunk of CFB decrypt
        cipher->encrypt(buffer.data(), 100);
        cipher->decrypt(buffer.data(), 100);
        const long before = g_allocations.load();
        for (std::size_t n : {0, 1, 7, 8, 20, 1500, 4096})
        {
            cipher->encrypt(buffer.data(), n);
            cipher->decrypt(buffer.data(), n);
        }
        if (KCP_COUNT_ALLOCATIONS)
            QCOMPARE(g_allocations.load() - before, 0L);
    }
};

QTEST_APPLESS_MAIN(TestCryptoAllocations)
#include "test_crypto_allocations.moc"
