// bench_udp_floor: what the kernel alone charges for the datagrams of one 4 KB echo of kcp-go's
// BenchmarkEchoSpeed4K, so that bench_kcp_net's echo figures can be read against a floor.
//
// The pattern is the one a wire-compatible session must produce at that benchmark's settings
// (MTU 1400, stream mode, salsa20 + FEC header): per direction one 52-byte ACK datagram and the
// 4,096 bytes as three 1,400-byte datagrams and one of 104 (kcp-go sends the same). Parity
// datagrams are left out, so the floor is, if anything, too low. No crypto, no KCP, no Qt: both
// sockets in one thread, each half of the round trip is one sendmmsg, one epoll_wait and one
// recvmmsg, the fewest calls any event-driven implementation can make.
//
//   bench_udp_floor [--seconds S] [--no-gso]
//
// --no-gso sends the four data datagrams as four messages and does not enable UDP_GRO.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

namespace
{

constexpr std::size_t AckBytes = 52;
constexpr std::size_t FullBytes = 1400;
constexpr std::size_t LastBytes = 104;
constexpr int FullDatagrams = 3;
constexpr std::size_t EchoBytes = 4096;

[[noreturn]] void fail(const char* what)
{
    std::fprintf(stderr, "bench_udp_floor: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

struct Endpoint
{
    int fd = -1;
    sockaddr_in address{};
};

Endpoint bindLoopback(bool gro)
{
    Endpoint e;
    e.fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (e.fd < 0)
        fail("socket");
    e.address.sin_family = AF_INET;
    e.address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(e.fd, reinterpret_cast<sockaddr*>(&e.address), sizeof e.address) != 0)
        fail("bind");
    socklen_t length = sizeof e.address;
    if (::getsockname(e.fd, reinterpret_cast<sockaddr*>(&e.address), &length) != 0)
        fail("getsockname");
    const int on = 1;
    if (gro && ::setsockopt(e.fd, SOL_UDP, UDP_GRO, &on, sizeof on) != 0)
        fail("UDP_GRO");
    return e;
}

// One half of a round trip, prepared once: the messages of one sendmmsg call.
class Burst
{
public:
    Burst(const sockaddr_in& to, bool gso)
        : m_to(to), m_payload(FullBytes * FullDatagrams + LastBytes)
    {
        addMessage(m_ack.data(), AckBytes, 0);
        if (gso)
        {
            addMessage(m_payload.data(), m_payload.size(), FullBytes);
        }
        else
        {
            for (int i = 0; i < FullDatagrams; ++i)
                addMessage(m_payload.data() + i * FullBytes, FullBytes, 0);
            addMessage(m_payload.data() + FullDatagrams * FullBytes, LastBytes, 0);
        }
    }

    void send(int fd)
    {
        std::size_t sent = 0;
        while (sent < m_count)
        {
            const int n =
                ::sendmmsg(fd, m_messages.data() + sent, static_cast<unsigned>(m_count - sent), 0);
            if (n < 0)
                fail("sendmmsg");
            sent += static_cast<std::size_t>(n);
        }
    }

private:
    void addMessage(std::uint8_t* data, std::size_t length, std::uint16_t segment)
    {
        const std::size_t i = m_count++;
        m_iov[i] = iovec{data, length};
        mmsghdr& m = m_messages[i];
        m = {};
        m.msg_hdr.msg_name = &m_to;
        m.msg_hdr.msg_namelen = sizeof m_to;
        m.msg_hdr.msg_iov = &m_iov[i];
        m.msg_hdr.msg_iovlen = 1;
        if (segment != 0)
        {
            m.msg_hdr.msg_control = m_control.data();
            m.msg_hdr.msg_controllen = CMSG_SPACE(sizeof(std::uint16_t));
            cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
            std::memcpy(CMSG_DATA(c), &segment, sizeof segment);
        }
    }

    sockaddr_in m_to;
    std::vector<std::uint8_t> m_payload;
    std::array<std::uint8_t, AckBytes> m_ack{};
    std::array<iovec, 8> m_iov{};
    std::array<mmsghdr, 8> m_messages{};
    alignas(cmsghdr) std::array<std::uint8_t, CMSG_SPACE(sizeof(std::uint16_t))> m_control{};
    std::size_t m_count = 0;
};

// Receives until the half's 4,096 payload bytes and its ACK are in (GRO may merge datagrams).
class Receiver
{
public:
    Receiver()
    {
        for (std::size_t i = 0; i < Slots; ++i)
        {
            m_iov[i] = iovec{m_buffers[i].data(), m_buffers[i].size()};
            m_messages[i].msg_hdr.msg_iov = &m_iov[i];
            m_messages[i].msg_hdr.msg_iovlen = 1;
        }
    }

    void receiveHalf(int epoll, int fd)
    {
        const std::size_t expected = FullBytes * FullDatagrams + LastBytes + AckBytes;
        std::size_t got = 0;
        while (got < expected)
        {
            epoll_event ready;
            if (::epoll_wait(epoll, &ready, 1, 1000) != 1)
                fail("epoll_wait");
            for (;;)
            {
                for (std::size_t i = 0; i < Slots; ++i)
                    m_messages[i].msg_hdr.msg_controllen = 0;
                const int n = ::recvmmsg(fd, m_messages.data(), Slots, MSG_DONTWAIT, nullptr);
                if (n < 0 && errno == EAGAIN)
                    break;
                if (n < 0)
                    fail("recvmmsg");
                for (int i = 0; i < n; ++i)
                    got += m_messages[static_cast<std::size_t>(i)].msg_len;
                if (static_cast<std::size_t>(n) < Slots)
                    break;
            }
        }
        if (got != expected)
        {
            std::fprintf(stderr, "bench_udp_floor: received %zu bytes, expected %zu\n", got,
                         expected);
            std::exit(1);
        }
    }

private:
    static constexpr std::size_t Slots = 16;
    std::array<std::array<std::uint8_t, 65536>, Slots> m_buffers{};
    std::array<iovec, Slots> m_iov{};
    std::array<mmsghdr, Slots> m_messages{};
};

double cpuSeconds()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    double seconds = 3;
    bool gso = true;
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        if (arg == "--seconds" && i + 1 < argc)
        {
            char* end = nullptr;
            seconds = std::strtod(argv[++i], &end);
            if (*end != '\0' || !(seconds > 0 && seconds <= 600))
            {
                std::fprintf(stderr, "bench_udp_floor: --seconds wants a number in (0, 600]\n");
                return 2;
            }
        }
        else if (arg == "--no-gso")
        {
            gso = false;
        }
        else
        {
            std::fprintf(stderr, "usage: bench_udp_floor [--seconds S] [--no-gso]\n");
            return 2;
        }
    }

    const Endpoint client = bindLoopback(gso);
    const Endpoint server = bindLoopback(gso);
    const int epoll = ::epoll_create1(0);
    if (epoll < 0)
        fail("epoll_create1");
    for (const Endpoint* e : {&client, &server})
    {
        epoll_event interest{};
        interest.events = EPOLLIN;
        interest.data.fd = e->fd;
        if (::epoll_ctl(epoll, EPOLL_CTL_ADD, e->fd, &interest) != 0)
            fail("epoll_ctl");
    }
    // One epoll set holds both sockets, as one worker thread's does; each wait finds one ready.
    Burst toServer(server.address, gso);
    Burst toClient(client.address, gso);
    Receiver receiver;

    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const double cpuStart = cpuSeconds();
    const auto until = start + std::chrono::duration<double>(seconds);
    long echoes = 0;
    while (Clock::now() < until)
    {
        for (int i = 0; i < 64; ++i, ++echoes)
        {
            toServer.send(client.fd);
            receiver.receiveHalf(epoll, server.fd);
            toClient.send(server.fd);
            receiver.receiveHalf(epoll, client.fd);
        }
    }
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = cpuSeconds() - cpuStart;
    std::printf(
        "FLOOR echo 4096 %s %.2f MB/s %.1f us/echo %.1f cpu_us/echo (%ld echoes in %.2f s)\n",
        gso ? "gso+gro" : "plain", static_cast<double>(echoes) * EchoBytes / wall / 1e6,
        wall / static_cast<double>(echoes) * 1e6, cpu / static_cast<double>(echoes) * 1e6, echoes,
        wall);
    return 0;
}
