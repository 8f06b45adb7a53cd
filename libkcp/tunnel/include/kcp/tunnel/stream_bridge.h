#pragma once

#include <QAbstractSocket>
#include <QObject>
#include <QPointer>
#include <QString>

#include <cstdint>
#include <vector>

namespace kcp::tunnel
{

class SmuxConnection;

// Copies bytes both ways between one TCP connection and one smux stream (kcptun's handleClient
// pair of streamCopy goroutines), with backpressure in both directions:
//   TCP -> stream: read from TCP only as much as the stream's write() takes (v2 window, output
//                  room); resume on the stream's Writable event. The socket's own read buffer
//                  is bounded, so a fast sender is held back by TCP's window.
//   stream -> TCP: read from the stream only while the TCP write buffer is below a bound;
//                  resume on bytesWritten. Unread stream data holds the smux receive budget, so
//                  KCP's window closes on the peer.
// When either side ends, the other is finished too (kcptun closes both): the peer's FIN ends the
// TCP connection after the buffered data; TCP EOF sends FIN after the data read so far. A reset
// stream (session error) aborts the TCP connection.
//
// Threads: the tunnel's thread. Owned by its SmuxConnection; deletes itself when done.
class StreamBridge : public QObject
{
    Q_OBJECT

public:
    // socket: connected, or connecting (data from the stream waits until it connects). Takes
    // ownership of socket.
    StreamBridge(SmuxConnection* connection, std::uint32_t streamId, QAbstractSocket* socket,
                 bool quiet);
    ~StreamBridge() override;

    std::uint32_t streamId() const { return m_streamId; }

    // Routed by SmuxConnection.
    void onStreamReadable();
    void onStreamWritable();
    void onStreamFinished();
    void onStreamReset(const QString& reason);

signals:
    void finished();

private:
    void tcpToStream();
    void streamToTcp();
    qint64 writeTcp(const char* data, qint64 size);
    void maybeFinish();
    void finish(bool abortTcp, const QString& why);

    QPointer<SmuxConnection> m_connection;
    std::uint32_t m_streamId;
    QAbstractSocket* m_socket;
    QString m_description;
    bool m_quiet;
    bool m_tcpEof = false;     // TCP peer closed its side (or the connection dropped)
    bool m_streamEof = false;  // FIN arrived and every byte before it went to TCP
    bool m_done = false;
    std::vector<char> m_buffer;
};

} // namespace kcp::tunnel
