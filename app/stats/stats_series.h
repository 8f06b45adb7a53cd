#pragma once

#include "stats/stats_sample.h"

#include <QVector>

namespace app
{

// The last `capacity` samples of one source, oldest first: a ring buffer, so a tunnel that runs
// for days holds a fixed amount of memory (3600 one-second samples = the last hour by default).
// A value type owned by one thread.
class StatsSeries
{
public:
    static constexpr int DefaultCapacity = 3600;

    explicit StatsSeries(int capacity = DefaultCapacity);

    void append(const StatsSample& sample);
    void clear();

    int capacity() const { return m_capacity; }
    int size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    // i = 0 is the oldest sample kept, size() - 1 the newest.
    const StatsSample& at(int i) const;
    const StatsSample& latest() const { return at(m_size - 1); }
    // Samples ever appended, including those the ring has dropped.
    qint64 totalAppended() const { return m_total; }
    QVector<StatsSample> toVector() const;
    // The samples from the one appended as number `appended` on (counting as totalAppended()
    // does, from 0), oldest first: what a source measured since a change. Those the ring has
    // dropped are gone.
    QVector<StatsSample> since(qint64 appended) const;

private:
    int m_capacity;
    int m_head = 0; // index of the oldest sample
    int m_size = 0;
    qint64 m_total = 0;
    QVector<StatsSample> m_ring;
};

} // namespace app
