#pragma once

#include "advisor/link_advisor.h"

#include <QFrame>

class QLabel;
class QPushButton;

namespace ui
{

// The link advisor's suggestions in words: a title, the reason with the measured numbers, and
// the kcptun flags that make the change. Where the owner can apply a suggestion itself (the
// lab, a tunnel's profile), an Apply button offers the first one that changes a setting.
class AdvicePanel : public QFrame
{
    Q_OBJECT

public:
    // applyText: the Apply button's label (empty: no button).
    explicit AdvicePanel(const QString& applyText, QWidget* parent = nullptr);

    // measuring: the source runs but the advisor has too little to judge yet.
    void showAdvice(const QList<app::Advice>& advice, bool measuring);
    void clear();
    QString text() const;
    const QList<app::Advice>& advice() const { return m_advice; }

signals:
    void applyRequested(const app::Advice& advice);

private:
    QLabel* m_text = nullptr;
    QPushButton* m_apply = nullptr;
    QList<app::Advice> m_advice;
};

} // namespace ui
