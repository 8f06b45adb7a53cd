#include "support/vectors.h"

#include <QFile>
#include <QJsonDocument>
#include <QtTest>

namespace testsupport
{

QJsonObject loadVectors(const QString& fileName)
{
    QFile file(QStringLiteral(KCP_VECTORS_DIR "/") + fileName);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open vector file %s", qPrintable(file.fileName()));
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qFatal("vector file %s: %s", qPrintable(file.fileName()), qPrintable(error.errorString()));
    return document.object();
}

std::vector<std::uint8_t> fromHex(const QString& hex)
{
    const QByteArray bytes = QByteArray::fromHex(hex.toLatin1());
    return {bytes.begin(), bytes.end()};
}

QString toHex(std::span<const std::uint8_t> bytes)
{
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size())).toHex());
}

} // namespace testsupport
