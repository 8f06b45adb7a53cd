#include "decode_table_cache.h"

namespace kcp::fec_detail
{

DecodeTableCache::DecodeTableCache(std::size_t capacity, std::size_t tableWords)
    : m_tableWords(tableWords)
    , m_keys(capacity)
    , m_lastUse(capacity, 0)
    , m_tables(new std::uint64_t[capacity * tableWords]) // default-initialised: untouched
{
}

std::uint64_t* DecodeTableCache::find(const ShardMask& key)
{
    // Linear scan: at most a few dozen 32-byte keys, far cheaper than one inversion.
    for (std::size_t i = 0; i < m_keys.size(); ++i)
    {
        // Word by word: std::array's operator== became a memcmp call here.
        const ShardMask& k = m_keys[i];
        if (m_lastUse[i] != 0 && k[0] == key[0] && k[1] == key[1] && k[2] == key[2] &&
            k[3] == key[3])
        {
            m_lastUse[i] = ++m_clock;
            return m_tables.get() + i * m_tableWords;
        }
    }
    return nullptr;
}

std::uint64_t* DecodeTableCache::insert(const ShardMask& key)
{
    std::size_t victim = 0;
    for (std::size_t i = 1; i < m_keys.size(); ++i)
    {
        if (m_lastUse[i] < m_lastUse[victim])
            victim = i;
    }
    m_keys[victim] = key;
    m_lastUse[victim] = ++m_clock;
    return m_tables.get() + victim * m_tableWords;
}

} // namespace kcp::fec_detail
