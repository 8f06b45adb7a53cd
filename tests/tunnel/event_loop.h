#pragma once

#include <QEventLoop>
#include <QTimer>

namespace tunneltest
{

// Event-loop waits for tests that move bulk data through sockets of their own thread.
// QTest::qWait and QTRY_* sleep up to 10 ms between passes, and nothing of this thread (echo
// servers, transfer ends) is served while they sleep: that would make the test the bottleneck.

// Runs the event loop for ms.
inline void runEventLoopFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Runs the event loop until done() or the timeout; returns done().
template <class Done> bool runEventLoopUntil(Done done, int timeoutMs)
{
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    poll.start(1);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!done())
        loop.exec();
    return done();
}

} // namespace tunneltest
