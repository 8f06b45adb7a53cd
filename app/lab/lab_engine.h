#pragma once

#include "lab/lab_settings.h"
#include "stats/sample_deriver.h"

#include "kcp/lab/link_model.h"
#include "kcp/session_core.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QUdpSocket>

#include <memory>

namespace app
{

// The lab's moving parts: a client and a server KCP session on real UDP sockets on 127.0.0.1,
// with a relay between them that applies the emulated link. The client streams bulk data to
// the server; every sample interval the pair is read into a StatsSample.
//
//   client socket <-> relay A ==LinkModel up/down==> relay B <-> server socket
//
// Create, use and delete on one thread (LabSession gives it a worker thread of its own); one
// timer is armed at the earliest session deadline or link arrival.
class LabEngine : public QObject
{
    Q_OBJECT

public:
    LabEngine(const LabSettings& settings, int sampleIntervalMs, QObject* parent = nullptr);
    ~LabEngine() override;

    // Binds the four sockets and builds the sessions; false with errorString() otherwise.
    bool start();
    QString errorString() const { return m_error; }

    // Link changes act on the packets sent from now on; session changes (crypt, FEC, mode ...)
    // replace the session pair, and the new pair starts from an empty link.
    bool apply(const LabSettings& settings);

signals:
    void sampleReady(const app::StatsSample& sample);
    void failed(const QString& error);

private:
    bool buildSessions();
    void discardPending();
    void onSessionReadable(QUdpSocket& socket, kcp::SessionCore& session);
    void onRelayReadable(QUdpSocket& from, kcp::lab::LinkModel& link);
    void pump();
    void flushSession(kcp::SessionCore& session, QUdpSocket& socket, quint16 port);
    void arm();
    void takeSample();
    kcp::Millis now() const;

    LabSettings m_settings;
    int m_sampleIntervalMs;
    QString m_error;
    QElapsedTimer m_clock;
    std::unique_ptr<kcp::ChaChaRandom> m_random;
    std::unique_ptr<kcp::SessionCore> m_client;
    std::unique_ptr<kcp::SessionCore> m_server;
    std::unique_ptr<kcp::lab::LinkModel> m_up;   // client -> server, carries the bulk data
    std::unique_ptr<kcp::lab::LinkModel> m_down; // server -> client, carries the ACKs
    QUdpSocket m_clientSocket;
    QUdpSocket m_serverSocket;
    QUdpSocket m_relayA; // faces the client
    QUdpSocket m_relayB; // faces the server
    QTimer m_timer;
    QTimer m_sampleTimer;
    QByteArray m_sendChunk;
    QByteArray m_receiveBuffer;
    SampleDeriver m_deriver;
    // Counters of session pairs already replaced, so the series stays cumulative across them.
    kcp::SnmpCounters m_retiredClient;
    kcp::SnmpCounters m_retiredServer;
    kcp::lab::LinkCounters m_retiredUp;
};

} // namespace app
