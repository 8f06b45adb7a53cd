#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <span>
#include <vector>

// Access to the byte-exact vectors produced by the real kcp-go (tests/vectors/*.json).
namespace testsupport
{

// Parses tests/vectors/<fileName>; fails the running test (QFAIL-like abort) if missing.
QJsonObject loadVectors(const QString& fileName);

// Lowercase or uppercase hex to bytes; empty string gives an empty vector.
std::vector<std::uint8_t> fromHex(const QString& hex);
QString toHex(std::span<const std::uint8_t> bytes);

inline std::vector<std::uint8_t> hexField(const QJsonObject& object, const char* key)
{
    return fromHex(object.value(QLatin1String(key)).toString());
}

} // namespace testsupport
