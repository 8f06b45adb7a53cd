#pragma once

#include "lab/lab_settings.h"
#include "stats/stats_series.h"

#include <QObject>
#include <QThread>

namespace app
{

class LabEngine;

// The lab as the GUI drives it: a KCP session pair on 127.0.0.1 through an emulated lossy link
// (see LabEngine), so a new user sees real RTT, retransmission and FEC charts with no server.
// The pair runs on a worker thread of its own so bulk traffic never stalls the window; settings
// go to it as queued calls, samples come back as queued signals (values).
//
// Use from one thread with an event loop (the GUI thread).
class LabSession : public QObject
{
    Q_OBJECT

public:
    explicit LabSession(QObject* parent = nullptr);
    ~LabSession() override;

    // Starts the pair (restarting it if running) and clears the series. Blocks for the socket
    // binds and the key derivation (a few ms). False with errorString() when the settings are
    // invalid or loopback UDP is unavailable.
    bool start(const LabSettings& settings);
    void stop();
    bool isRunning() const { return m_engine != nullptr; }
    QString errorString() const { return m_error; }

    // Live: link changes act at once; session changes (crypt, FEC, mode ...) restart the pair
    // in place. Invalid settings are refused with failed() and the old ones stay.
    void setSettings(const LabSettings& settings);
    const LabSettings& settings() const { return m_settings; }

    // For runs started from now on (ms, default 1000).
    void setSampleInterval(int ms) { m_sampleIntervalMs = ms; }
    const StatsSeries& series() const { return m_series; }

signals:
    void started();
    void stopped();
    void sampleAdded(const app::StatsSample& sample);
    void failed(const QString& error);

private:
    void onSample(const StatsSample& sample);

    LabSettings m_settings = LabSettings::defaults();
    int m_sampleIntervalMs = 1000;
    QString m_error;
    QThread m_thread;
    QObject* m_threadAnchor = nullptr; // lives in m_thread: runs construction and deletion
    LabEngine* m_engine = nullptr;     // lives in m_thread
    StatsSeries m_series;
    quint64 m_run = 0;
};

} // namespace app
