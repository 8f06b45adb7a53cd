#pragma once

#include "kcp/lab/link_model.h"
#include "kcp/session_core.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QUdpSocket>

#include <memory>

namespace app
{

// A client and a server KCP session on real UDP sockets on 127.0.0.1, with a relay between them
// that applies an emulated link (loss, delay, jitter). The client streams bulk data to the
// server; once a second a line of live session figures goes to the report callback.
//
//   client socket <-> relay A ==LinkModel up/down==> relay B <-> server socket
//
// Everything runs on the thread that owns the object; one timer is armed at the earliest
// session deadline or link arrival.
class LoopbackDemo : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        kcp::SessionConfig session;
        kcp::lab::LinkConfig link;
        int durationSeconds = 0;  // 0: until stopped
    };

    explicit LoopbackDemo(const Options& options, QObject* parent = nullptr);
    ~LoopbackDemo() override;

    // Binds the four sockets; false (with errorString()) if loopback UDP is unavailable.
    bool start();
    QString errorString() const { return m_error; }

    // The header and the one-second lines, e.g. for printing.
    static QString reportHeader();

signals:
    void report(const QString& line);
    void finished();

private:
    void onClientReadable();
    void onServerReadable();
    void onRelayReadable(QUdpSocket& from, kcp::lab::LinkModel& link);
    void pump();
    void flushSession(kcp::SessionCore& session, QUdpSocket& socket, quint16 port);
    void arm();
    void emitReport();
    kcp::Millis now() const;

    Options m_options;
    QString m_error;
    QElapsedTimer m_clock;
    kcp::ChaChaRandom m_random;
    std::unique_ptr<kcp::SessionCore> m_client;
    std::unique_ptr<kcp::SessionCore> m_server;
    kcp::lab::LinkModel m_up;
    kcp::lab::LinkModel m_down;
    QUdpSocket m_clientSocket;
    QUdpSocket m_serverSocket;
    QUdpSocket m_relayA;  // faces the client
    QUdpSocket m_relayB;  // faces the server
    QTimer m_timer;
    QTimer m_reportTimer;
    QByteArray m_sendChunk;
    QByteArray m_receiveBuffer;
    quint64 m_received = 0;
    quint64 m_receivedAtLastReport = 0;
    kcp::SnmpCounters m_lastClient;
    kcp::SnmpCounters m_lastServer;
    int m_seconds = 0;
};

} // namespace app
