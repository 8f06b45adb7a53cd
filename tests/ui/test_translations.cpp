// The shipped translations (translations/*.ts) against their sources: every message translated,
// and every translation keeps the placeholders (%1.., %n) of its source, so that an arg() never
// lands in the wrong place or disappears. The kcpdesk_translation_* ctests run the real binary
// under a Chinese locale and check that its compiled-in translation is the one it loads.

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QXmlStreamReader>
#include <QtTest>

namespace
{

QStringList placeholders(const QString& text)
{
    static const QRegularExpression pattern(QStringLiteral("%(\\d+|n)"));
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    found.sort();
    return found;
}

struct Message
{
    QString context;
    QString source;
    QStringList translations; // one, or one per numerus form
    bool unfinished = false;
};

QList<Message> readTs(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
    {
        *error = file.errorString();
        return {};
    }
    QList<Message> messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message current;
    while (!xml.atEnd())
    {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == u"name")
            context = xml.readElementText();
        else if (name == u"message")
            current = Message{context, {}, {}, false};
        else if (name == u"source")
            current.source = xml.readElementText();
        else if (name == u"translation")
        {
            const QString type = xml.attributes().value(QStringLiteral("type")).toString();
            // vanished/obsolete: no longer in the sources, kept by lupdate for reference only.
            if (type == QStringLiteral("vanished") || type == QStringLiteral("obsolete"))
                continue;
            current.unfinished = type == QStringLiteral("unfinished");
            // Plain text, or <numerusform> children.
            QString text;
            bool numerus = false;
            while (!(xml.isEndElement() && xml.name() == u"translation") && !xml.atEnd())
            {
                xml.readNext();
                if (xml.isCharacters() && !numerus)
                    text += xml.text();
                else if (xml.isStartElement() && xml.name() == u"numerusform")
                {
                    numerus = true;
                    current.translations << xml.readElementText();
                }
            }
            if (!numerus)
                current.translations << text;
            messages << current;
        }
    }
    if (xml.hasError())
        *error = xml.errorString();
    return messages;
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private slots:
    void translationsKeepTheirPlaceholders_data()
    {
        QTest::addColumn<QString>("path");
        const QDir dir(QStringLiteral(KCPDESK_TRANSLATIONS_DIR));
        const QStringList files = dir.entryList({QStringLiteral("*.ts")}, QDir::Files);
        QVERIFY(!files.isEmpty());
        for (const QString& file : files)
            QTest::newRow(qPrintable(file)) << dir.filePath(file);
    }

    void translationsKeepTheirPlaceholders()
    {
        QFETCH(QString, path);
        QString error;
        const QList<Message> messages = readTs(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(messages.size() > 100);
        for (const Message& m : messages)
        {
            const QString where = m.context + QStringLiteral(": ") + m.source;
            QVERIFY2(!m.unfinished, qPrintable(QStringLiteral("untranslated: ") + where));
            for (const QString& translation : m.translations)
            {
                QVERIFY2(!translation.trimmed().isEmpty(),
                         qPrintable(QStringLiteral("empty: ") + where));
                QVERIFY2(placeholders(translation) == placeholders(m.source),
                         qPrintable(where + QStringLiteral(" -> ") + translation));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "test_translations.moc"
