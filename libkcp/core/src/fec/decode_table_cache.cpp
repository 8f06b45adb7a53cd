#include "decode_table_cache.h"

namespace kcp::fec_detail
{

DecodeTableCache::DecodeTableCache(std::size_t capacity, std::size_t tableBytes)
    : m_tableBytes(tableBytes)
    , m_keys(capacity)
    , m_lastUse(capacity, 0)
    , m_tables(capacity * tableBytes)
{
}

std::uint8_t* DecodeTableCache::find(const ShardMask& key)
{
    // Linear scan: at most a few dozen 32-byte keys, far cheaper than one inversion.
    for (std::size_t i = 0; i < m_keys.size(); ++i)
    {
        if (m_lastUse[i] != 0 && m_keys[i] == key)
        {
            m_lastUse[i] = ++m_clock;
            return m_tables.data() + i * m_tableBytes;
        }
    }
    return nullptr;
}

std::uint8_t* DecodeTableCache::insert(const ShardMask& key)
{
    std::size_t victim = 0;
    for (std::size_t i = 1; i < m_keys.size(); ++i)
    {
        if (m_lastUse[i] < m_lastUse[victim])
            victim = i;
    }
    m_keys[victim] = key;
    m_lastUse[victim] = ++m_clock;
    return m_tables.data() + victim * m_tableBytes;
}

} // namespace kcp::fec_detail
