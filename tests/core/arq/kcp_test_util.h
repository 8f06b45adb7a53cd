#pragma once

// Helpers shared by the kcp_arq tests: segment builders and parsers, a capturing Kcp, and a
// two-ended virtual link driven in explicit virtual time (no clocks, no sockets).

#include "kcp/kcp.h"
#include "kcp/segment.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace kcptest
{

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint8_t Push = 81;
constexpr std::uint8_t Ack = 82;
constexpr std::uint8_t Wask = 83;
constexpr std::uint8_t Wins = 84;

struct Seg
{
    kcp::SegmentHeader h;
    Bytes data;
};

// Appends one segment (header + payload) to a datagram under construction.
inline void appendSegment(Bytes& out, std::uint32_t conv, std::uint8_t cmd, std::uint32_t sn,
                          std::uint32_t ts, std::uint32_t una, std::uint16_t wnd,
                          const Bytes& payload = {}, std::uint8_t frg = 0)
{
    kcp::SegmentHeader h;
    h.conv = conv;
    h.cmd = cmd;
    h.frg = frg;
    h.wnd = wnd;
    h.ts = ts;
    h.sn = sn;
    h.una = una;
    h.len = static_cast<std::uint32_t>(payload.size());
    const std::size_t at = out.size();
    out.resize(at + kcp::SegmentHeaderSize);
    kcp::encodeSegmentHeader(out.data() + at, h);
    out.insert(out.end(), payload.begin(), payload.end());
}

using Sns = std::vector<std::uint32_t>;

// The sequence numbers of the PUSH segments among segs, in order.
inline Sns pushSns(const std::vector<Seg>& segs)
{
    Sns sns;
    for (const Seg& s : segs)
        if (s.h.cmd == Push)
            sns.push_back(s.h.sn);
    return sns;
}

inline Bytes segment(std::uint32_t conv, std::uint8_t cmd, std::uint32_t sn, std::uint32_t ts,
                     std::uint32_t una, std::uint16_t wnd, const Bytes& payload = {},
                     std::uint8_t frg = 0)
{
    Bytes out;
    appendSegment(out, conv, cmd, sn, ts, una, wnd, payload, frg);
    return out;
}

// Splits a datagram body into segments; a malformed body fails the calling test via the
// returned flag.
inline std::vector<Seg> parse(const Bytes& body, bool* ok = nullptr)
{
    std::vector<Seg> result;
    std::size_t at = 0;
    bool good = true;
    while (at + kcp::SegmentHeaderSize <= body.size())
    {
        Seg s;
        kcp::decodeSegmentHeader(body.data() + at, s.h);
        at += kcp::SegmentHeaderSize;
        if (body.size() - at < s.h.len)
        {
            good = false;
            break;
        }
        s.data.assign(body.begin() + at, body.begin() + at + s.h.len);
        at += s.h.len;
        result.push_back(std::move(s));
    }
    if (at != body.size())
        good = false;
    if (ok)
        *ok = good;
    return result;
}

inline Bytes pattern(std::size_t size, std::uint64_t offset = 0)
{
    Bytes b(size);
    for (std::size_t i = 0; i < size; ++i)
    {
        const std::uint64_t o = offset + i;
        b[i] = static_cast<std::uint8_t>(o * 7 + o / 1000);
    }
    return b;
}

// A Kcp whose datagrams are recorded: `full` as emitted (reserved bytes included), `bodies`
// with the reserved bytes stripped.
struct CapturingKcp
{
    explicit CapturingKcp(std::uint32_t conv)
        : kcp(conv,
              [this](std::uint8_t* p, std::size_t n)
              {
                  full.emplace_back(p, p + n);
                  const std::size_t r = static_cast<std::size_t>(kcp.reservedBytes());
                  bodies.emplace_back(p + r, p + n);
              })
    {
    }

    std::vector<Seg> allSegments() const
    {
        std::vector<Seg> all;
        for (const Bytes& b : bodies)
            for (Seg& s : parse(b))
                all.push_back(std::move(s));
        return all;
    }
    std::vector<Seg> takeSegments()
    {
        std::vector<Seg> all = allSegments();
        clear();
        return all;
    }
    void clear()
    {
        full.clear();
        bodies.clear();
    }

    kcp::Kcp kcp;
    std::vector<Bytes> full;
    std::vector<Bytes> bodies;
};

inline int countCmd(const std::vector<Seg>& segs, std::uint8_t cmd)
{
    return static_cast<int>(
        std::count_if(segs.begin(), segs.end(), [cmd](const Seg& s) { return s.h.cmd == cmd; }));
}

// Two Kcp instances joined by a link with a fixed one-way delay, driven one step at a time.
// step(now) does what a session's event loop would at that instant: deliver the datagrams
// that have arrived (Kcp::input), run each side's update timer when due (flush(now, false),
// rescheduled by the returned wait, as kcp-go's UDPSession.update), and put what was emitted on
// the wire. `drop` decides per datagram (side 0 = a -> b).
class Link
{
public:
    struct Side
    {
        explicit Side(std::uint32_t conv)
            : kcp(conv, [this](std::uint8_t* p, std::size_t n)
                  { outbox.emplace_back(p + kcp.reservedBytes(), p + n); })
        {
        }
        kcp::Kcp kcp;
        std::vector<Bytes> outbox;
        kcp::Millis nextFlush = 0;
        bool timerArmed = false;
        std::uint64_t sentDatagrams = 0;
    };

    explicit Link(std::uint32_t conv = 0x5eed, std::uint32_t delay = 20) : m_delay(delay)
    {
        m_sides[0] = std::make_unique<Side>(conv);
        m_sides[1] = std::make_unique<Side>(conv);
    }

    kcp::Kcp& a() { return m_sides[0]->kcp; }
    kcp::Kcp& b() { return m_sides[1]->kcp; }
    Side& side(int i) { return *m_sides[i]; }

    // kcp-go WriteBuffers with write-delay off: mss-sized Send calls, then flush.
    void write(int from, const Bytes& data, kcp::Millis now)
    {
        kcp::Kcp& k = m_sides[from]->kcp;
        std::size_t at = 0;
        const std::size_t mss = static_cast<std::size_t>(k.mss());
        while (at < data.size())
        {
            const std::size_t n = std::min(mss, data.size() - at);
            k.send({data.data() + at, n});
            at += n;
        }
        k.flush(now, false);
    }

    // Whether the sender may queue more: kcp-go's Write test, or the selective window's when
    // that side has it on (Kcp::sendRoom, as SessionCore::writable).
    bool writable(int from) { return m_sides[from]->kcp.sendRoom() > 0; }

    void step(kcp::Millis now)
    {
        for (int to = 0; to < 2; ++to)
        {
            auto& q = m_wire[1 - to];
            while (!q.empty() && kcp::timeDiff(now, q.front().at) >= 0)
            {
                const int rc = m_sides[to]->kcp.input(q.front().bytes, true, ackNoDelay, now);
                if (rc != 0)
                    ++inputErrors;
                q.pop_front();
            }
        }
        for (auto& s : m_sides)
        {
            if (!s->timerArmed || kcp::timeDiff(now, s->nextFlush) >= 0)
            {
                s->nextFlush = now + s->kcp.flush(now, false);
                s->timerArmed = true;
            }
        }
        transmit(now);
    }

    // Puts everything emitted so far on the wire (also called by step()).
    void transmit(kcp::Millis now)
    {
        for (int from = 0; from < 2; ++from)
        {
            Side& s = *m_sides[from];
            for (Bytes& d : s.outbox)
            {
                ++s.sentDatagrams;
                if (onTransmit)
                    onTransmit(from, d, now);
                if (drop && drop(from, d))
                    continue;
                m_wire[from].push_back({now + m_delay, std::move(d)});
            }
            s.outbox.clear();
        }
    }

    bool idle() const { return m_wire[0].empty() && m_wire[1].empty(); }

    std::function<bool(int from, const Bytes& datagram)> drop;
    std::function<void(int from, const Bytes& datagram, kcp::Millis now)> onTransmit;
    bool ackNoDelay = false;
    int inputErrors = 0;

private:
    struct InFlight
    {
        kcp::Millis at;
        Bytes bytes;
    };
    std::uint32_t m_delay;
    std::unique_ptr<Side> m_sides[2];
    std::deque<InFlight> m_wire[2];
};

} // namespace kcptest
