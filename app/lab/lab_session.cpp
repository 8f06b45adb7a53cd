#include "lab/lab_session.h"

#include "lab/lab_engine.h"

namespace app
{

LabSession::LabSession(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<app::StatsSample>();
    m_thread.setObjectName(QStringLiteral("kcpdesk-lab"));
}

LabSession::~LabSession()
{
    stop();
    m_thread.quit();
    m_thread.wait();
    delete m_threadAnchor;
}

bool LabSession::start(const LabSettings& settings)
{
    stop();
    m_error.clear();
    m_series.clear();
    m_settings = settings;
    if (!m_thread.isRunning())
    {
        m_thread.start();
        if (!m_threadAnchor)
        {
            m_threadAnchor = new QObject;
            m_threadAnchor->moveToThread(&m_thread);
        }
    }
    // The engine's sockets and timers must be created on the thread that uses them.
    LabEngine* engine = nullptr;
    QString error;
    const int interval = m_sampleIntervalMs;
    QMetaObject::invokeMethod(
        m_threadAnchor,
        [&]
        {
            engine = new LabEngine(settings, interval);
            if (!engine->start())
            {
                error = engine->errorString();
                delete engine;
                engine = nullptr;
            }
        },
        Qt::BlockingQueuedConnection);
    if (!engine)
    {
        m_error = error;
        emit failed(error);
        return false;
    }
    m_engine = engine;
    // Samples the previous engine queued before it was deleted belong to no run: drop them.
    const quint64 run = ++m_run;
    connect(
        m_engine, &LabEngine::sampleReady, this,
        [this, run](const StatsSample& sample)
        {
            if (run == m_run && m_engine)
                onSample(sample);
        },
        Qt::QueuedConnection);
    connect(m_engine, &LabEngine::failed, this, &LabSession::failed, Qt::QueuedConnection);
    emit started();
    return true;
}

void LabSession::stop()
{
    if (!m_engine)
        return;
    LabEngine* engine = m_engine;
    m_engine = nullptr;
    engine->disconnect(this);
    QMetaObject::invokeMethod(
        m_threadAnchor, [engine] { delete engine; }, Qt::BlockingQueuedConnection);
    emit stopped();
}

void LabSession::setSettings(const LabSettings& settings)
{
    if (const QStringList problems = settings.problems(); !problems.isEmpty())
    {
        emit failed(problems.join(QLatin1Char(' ')));
        return;
    }
    m_settings = settings;
    if (!m_engine)
        return;
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, settings] { engine->apply(settings); }, Qt::QueuedConnection);
}

void LabSession::onSample(const StatsSample& sample)
{
    m_series.append(sample);
    emit sampleAdded(sample);
}

} // namespace app
