#include "ui/advice_panel.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace ui
{

namespace
{

bool changesASetting(const app::Advice& a)
{
    return a.datashard >= 0 || a.parityshard >= 0 || a.sndwnd > 0 || a.rcvwnd > 0;
}

} // namespace

AdvicePanel::AdvicePanel(const QString& applyText, QWidget* parent) : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(tr("<b>Advice</b>"));
    m_text = new QLabel;
    m_text->setObjectName(QStringLiteral("adviceText"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(title);
    layout->addWidget(m_text);
    if (!applyText.isEmpty())
    {
        m_apply = new QPushButton(applyText);
        m_apply->setObjectName(QStringLiteral("applyAdvice"));
        m_apply->setEnabled(false);
        layout->addWidget(m_apply, 0, Qt::AlignLeft);
        connect(m_apply, &QPushButton::clicked, this,
                [this]
                {
                    for (const app::Advice& a : m_advice)
                        if (changesASetting(a))
                        {
                            emit applyRequested(a);
                            return;
                        }
                });
    }
    clear();
}

void AdvicePanel::showAdvice(const QList<app::Advice>& advice, bool measuring)
{
    m_advice = advice;
    if (m_apply)
        m_apply->setEnabled(std::any_of(advice.begin(), advice.end(), changesASetting));
    if (advice.isEmpty())
    {
        m_text->setText(measuring ? tr("Measuring the link: suggestions need about 20 s of "
                                       "traffic.")
                                  : tr("Nothing to change: FEC and windows suit what the link "
                                       "does."));
        return;
    }
    QString html;
    for (const app::Advice& a : advice)
        html +=
            QStringLiteral("<p><b>%1</b><br>%2<br><code>%3</code></p>")
                .arg(a.title.toHtmlEscaped(), a.reason.toHtmlEscaped(), a.flags.toHtmlEscaped());
    m_text->setText(html);
}

void AdvicePanel::clear()
{
    m_advice.clear();
    if (m_apply)
        m_apply->setEnabled(false);
    m_text->setText(tr("Suggestions for FEC and windows appear here once a tunnel or the Lab "
                       "has carried traffic for a while."));
}

QString AdvicePanel::text() const
{
    return m_text->text();
}

} // namespace ui
