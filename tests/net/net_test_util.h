#pragma once

// Helpers shared by the net tests: options per backend, an echo server that honours write
// backpressure, and a deterministic byte pattern to verify long transfers without storing them.

#include "kcp/key_derivation.h"
#include "kcp/net/kcp_server.h"
#include "kcp/net/kcp_socket.h"
#include "kcp/net/net_options.h"
#include "kcp/random_source.h"
#include "kcp/session_core.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTest>

#include <QFile>

#include <cstdint>
#include <vector>

namespace nettest
{

// Loopback settings that move data fast: kcptun fast3, windows of 1024 segments, AES + FEC 10/3.
inline kcp::net::KcpOptions fastOptions(const QString& backend, const char* key = "net-test")
{
    kcp::net::KcpOptions o;
    o.backend = kcp::net::parseIoBackend(backend).value_or(kcp::net::IoBackend::Auto);
    o.session.crypt = "aes";
    o.session.key = kcp::deriveKcptunKey(key);
    o.session.dataShards = 10;
    o.session.parityShards = 3;
    o.session.sndWnd = 1024;
    o.session.rcvWnd = 1024;
    o.session.noDelay = kcp::NoDelayParams{1, 10, 2, 1};
    return o;
}

inline kcp::net::ServerOptions serverOptions(const kcp::net::KcpOptions& session)
{
    kcp::net::ServerOptions o;
    o.session = session;
    return o;
}

inline void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("qt") << QStringLiteral("qt");
    QTest::newRow("mmsg") << QStringLiteral("mmsg");
}

// The datagrams a real client session (SessionCore) sends for `writes` writes of 100 bytes, in
// order: data shards (first segment sn 0, 1, ...) and, with FEC, parity after every ds of them.
inline std::vector<QByteArray> craftDatagrams(const kcp::SessionConfig& config, std::uint32_t conv,
                                              int writes, std::uint8_t seedByte = 9)
{
    std::array<std::uint8_t, 32> seed{};
    seed.fill(seedByte);
    kcp::ChaChaRandom random(seed);
    // One datagram per write, datagram i carrying sn i: no thin-flow copies (a FEC session
    // starts with several of each).
    kcp::SessionConfig single = config;
    single.thinRedundancy = 0;
    kcp::SessionCore core(conv, single, random);
    std::vector<QByteArray> out;
    std::vector<std::uint8_t> buffer(2048);
    kcp::Millis now = 1000;
    for (int i = 0; i < writes; ++i)
    {
        const std::vector<std::uint8_t> payload(100, static_cast<std::uint8_t>(i));
        core.write(now, payload);
        while (const std::size_t n = core.pollTransmit(now, buffer))
            out.emplace_back(reinterpret_cast<const char*>(buffer.data()),
                             static_cast<qsizetype>(n));
        now += 1; // below the RTO: no retransmissions
    }
    return out;
}

// Reads from device (processing events) until at least `bytes` arrived or timeoutMs passed;
// returns what arrived, so a comparison with the expected bytes tells both stories.
inline QByteArray readAtLeast(QIODevice& device, qsizetype bytes, int timeoutMs)
{
    QByteArray got;
    if (!QTest::qWaitFor(
            [&]
            {
                got += device.readAll();
                return got.size() >= bytes;
            },
            timeoutMs))
        qWarning("read %lld of %lld bytes in %d ms", qlonglong(got.size()), qlonglong(bytes),
                 timeoutMs);
    return got;
}

// Resident set size of this process in KiB (Linux /proc), 0 if unknown.
inline qint64 residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
    {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

// xorshift64*: the byte at any offset is reproducible without keeping the data.
class Pattern
{
public:
    explicit Pattern(std::uint64_t seed) : m_state(seed ? seed : 1) {}
    void fill(char* out, qint64 n)
    {
        for (qint64 i = 0; i < n; ++i)
        {
            if (m_left == 0)
            {
                m_state ^= m_state >> 12;
                m_state ^= m_state << 25;
                m_state ^= m_state >> 27;
                m_word = m_state * 2685821657736338717ull;
                m_left = 8;
            }
            out[i] = static_cast<char>(m_word & 0xff);
            m_word >>= 8;
            --m_left;
        }
    }
    QByteArray next(qint64 n)
    {
        QByteArray b(static_cast<qsizetype>(n), Qt::Uninitialized);
        fill(b.data(), n);
        return b;
    }

private:
    std::uint64_t m_state;
    std::uint64_t m_word = 0;
    int m_left = 0;
};

// Echoes every byte back on each accepted session, buffering what write() refuses.
class EchoServer : public QObject
{
public:
    explicit EchoServer(const kcp::net::ServerOptions& options, QObject* parent = nullptr)
        : QObject(parent), server(new kcp::net::KcpServer(this))
    {
        server->setOptions(options);
        connect(server, &kcp::net::KcpServer::newConnection, this, [this] { accept(); });
    }

    bool listen(const QHostAddress& address = QHostAddress::LocalHost, quint16 port = 0)
    {
        return server->listen(address, port);
    }
    quint16 port() const { return server->serverPort(); }

    void accept()
    {
        while (kcp::net::KcpSocket* s = server->nextPendingConnection())
        {
            sockets.push_back(s);
            accepted++;
            connect(s, &kcp::net::KcpSocket::readyRead, this, [this, s] { pump(s); });
            connect(s, &kcp::net::KcpSocket::bytesWritten, this, [this, s] { pump(s); });
            connect(s, &kcp::net::KcpSocket::disconnected, this,
                    [this, s]
                    {
                        closed++;
                        backlog.remove(s);
                    });
            pump(s);
        }
    }

    void pump(kcp::net::KcpSocket* s)
    {
        QByteArray& pending = backlog[s];
        for (;;)
        {
            if (pending.isEmpty())
            {
                pending = s->readAll();
                if (pending.isEmpty())
                    return;
            }
            const qint64 n = s->write(pending);
            if (n <= 0)
                return;
            echoed += n;
            pending.remove(0, static_cast<qsizetype>(n));
        }
    }

    kcp::net::KcpSocket* last() const { return sockets.empty() ? nullptr : sockets.back().data(); }

    kcp::net::KcpServer* server;
    std::vector<QPointer<kcp::net::KcpSocket>> sockets;
    QHash<kcp::net::KcpSocket*, QByteArray> backlog;
    int accepted = 0;
    int closed = 0;
    qint64 echoed = 0;
};

// Sends total bytes of Pattern(seed) through an echo and checks every returned byte.
class EchoClient : public QObject
{
public:
    EchoClient(kcp::net::KcpSocket* socket, qint64 total, std::uint64_t seed)
        : m_socket(socket), m_total(total), m_out(seed), m_in(seed)
    {
        connect(socket, &kcp::net::KcpSocket::bytesWritten, this, [this] { send(); });
        connect(socket, &kcp::net::KcpSocket::connected, this, [this] { send(); });
        connect(socket, &kcp::net::KcpSocket::readyRead, this, [this] { receive(); });
    }

    void send()
    {
        while (sent < m_total)
        {
            if (m_chunk.isEmpty())
                m_chunk = m_out.next(std::min<qint64>(64 * 1024, m_total - sent));
            const qint64 n = m_socket->write(m_chunk);
            if (n <= 0)
                return;
            sent += n;
            m_chunk.remove(0, static_cast<qsizetype>(n));
        }
    }

    void receive()
    {
        const QByteArray got = m_socket->readAll();
        if (got.isEmpty())
            return;
        const QByteArray expected = m_in.next(got.size());
        if (got != expected && mismatchAt < 0)
        {
            for (qsizetype i = 0; i < got.size(); ++i)
            {
                if (got[i] != expected[i])
                {
                    mismatchAt = received + i;
                    break;
                }
            }
        }
        received += got.size();
    }

    bool done() const { return received >= m_total || mismatchAt >= 0; }

    qint64 sent = 0;
    qint64 received = 0;
    qint64 mismatchAt = -1;

private:
    kcp::net::KcpSocket* m_socket;
    qint64 m_total;
    Pattern m_out;
    Pattern m_in;
    QByteArray m_chunk;
};

} // namespace nettest
