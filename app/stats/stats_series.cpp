#include "stats/stats_series.h"

#include <QtGlobal>

#include <algorithm>

namespace app
{

StatsSeries::StatsSeries(int capacity) : m_capacity(std::max(1, capacity))
{
    m_ring.reserve(m_capacity);
}

void StatsSeries::append(const StatsSample& sample)
{
    ++m_total;
    if (m_size < m_capacity)
    {
        m_ring.push_back(sample);
        ++m_size;
        return;
    }
    m_ring[m_head] = sample;
    m_head = (m_head + 1) % m_capacity;
}

void StatsSeries::clear()
{
    m_ring.clear();
    m_head = 0;
    m_size = 0;
}

const StatsSample& StatsSeries::at(int i) const
{
    Q_ASSERT(i >= 0 && i < m_size);
    return m_ring[(m_head + i) % m_capacity];
}

QVector<StatsSample> StatsSeries::toVector() const
{
    QVector<StatsSample> out;
    out.reserve(m_size);
    for (int i = 0; i < m_size; ++i)
        out.push_back(at(i));
    return out;
}

QVector<StatsSample> StatsSeries::since(qint64 appended) const
{
    const qint64 dropped = m_total - m_size;
    QVector<StatsSample> out;
    for (int i = int(std::clamp<qint64>(appended - dropped, 0, m_size)); i < m_size; ++i)
        out.push_back(at(i));
    return out;
}

} // namespace app
