#pragma once

#include "kcp/smux_session.h"
#include "kcp/snappy_stream.h"
#include "kcp/tunnel/tunnel_snapshot.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace kcp::net
{
class KcpSocket;
}

namespace kcp::tunnel
{

class StreamBridge;

// One KCP session carrying one smux session, optionally through snappy framing (kcptun's
// layering, wire-compat.md 5.1/5.2): KcpSocket bytes <-> [snappy] <-> SmuxSession.
//
// Backpressure: the KCP socket is read only while the smux receive budget allows (so KCP's
// window closes on the peer when streams are not drained), and smux output is handed to the
// socket only as fast as its write() accepts (so stream writers are refused when KCP is full).
//
// Threads: lives on the thread that created it (the tunnel's), like its KcpSocket; never
// blocks. Owns the socket (reparented) and the bridges of its streams.
class SmuxConnection : public QObject
{
    Q_OBJECT

public:
    // socket: connected or connecting; taken over. compression: kcptun without --nocomp.
    SmuxConnection(net::KcpSocket* socket, SmuxRole role, const SmuxConfig& config,
                   bool compression, QObject* parent = nullptr);
    ~SmuxConnection() override;

    net::KcpSocket* socket() const { return m_socket; }
    SmuxSession& session() { return m_session; }
    const SmuxSession& session() const { return m_session; }
    bool isClosed() const { return m_closed; }
    // Why it closed (empty while open).
    QString closeReason() const { return m_closeReason; }
    // ms since creation (for autoexpire decisions).
    qint64 ageMs() const { return m_age.elapsed(); }
    // Value snapshot: KCP stats as the worker last published them (about once a second) and the
    // smux counters now.
    TunnelSessionSnapshot snapshot() const;

    // Opens a stream (client side). nullopt when the session cannot.
    std::optional<std::uint32_t> openStream();
    // Attaches the bridge that serves streamId; the connection routes that stream's events to
    // it and deletes it with itself.
    void attach(std::uint32_t streamId, StreamBridge* bridge);
    void detach(std::uint32_t streamId);
    int bridgeCount() const { return int(m_bridges.size()); }

    // Moves whatever can move: socket -> session (budget allowing), session -> socket, and
    // dispatches the resulting events. Bridges call it after touching the session.
    void pump();

    // Ends the session now (streams reset, socket aborted). Emits closed().
    void close(const QString& reason);

    // A client session that has sent datagrams but received no authentic one (crc/decryption
    // passed) this long after it started is closed with a reason naming the likely causes
    // (wrong --key/--crypt, server down or filtered) instead of waiting for smux's 30 s timeout.
    static constexpr int NoAnswerTimeoutMs = 10000;

signals:
    // The peer opened streamId (server side): accept it with session().acceptStream().
    void incomingStream(std::uint32_t streamId);
    // The session is over (smux error, keepalive timeout, KCP failure or close()).
    void closed(const QString& reason);

private:
    void readSocket();
    void writeSocket();
    void dispatchEvents();
    void scheduleTick();
    void onTick();
    void onKcpStats(const SessionStats& stats);

    net::KcpSocket* m_socket;
    SmuxSession m_session;
    bool m_compression;
    SnappyStreamWriter m_snappyWriter;
    SnappyStreamReader m_snappyReader;
    std::vector<std::uint8_t> m_decoded;  // snappy output waiting for the session: [head, size)
    std::size_t m_decodedHead = 0;
    std::vector<std::uint8_t> m_wire;     // compressed bytes the socket has not taken yet
    std::size_t m_wireHead = 0;
    std::map<std::uint32_t, QPointer<StreamBridge>> m_bridges;
    QTimer m_tickTimer;
    Millis m_armedDeadline = 0;
    QElapsedTimer m_clock;
    QElapsedTimer m_age;
    bool m_closed = false;
    bool m_pumping = false;
    bool m_pumpAgain = false;
    QString m_closeReason;
    SessionStats m_kcpStats;
    bool m_warnedFecMismatch = false;
    QTimer m_answerTimer;  // client: fails the session if the server never answers
};

} // namespace kcp::tunnel
