#include "ui/lab_panel.h"

#include "kcp/packet_crypto.h"
#include "stats/sample_headline.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace ui
{

LabPanel::LabPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);

    auto* linkBox = new QGroupBox(tr("Emulated link (each direction)"), this);
    auto* link = new QFormLayout(linkBox);
    m_loss = new QDoubleSpinBox;
    m_loss->setObjectName(QStringLiteral("loss"));
    m_loss->setRange(0, 100);
    m_loss->setSingleStep(0.5);
    m_loss->setSuffix(QStringLiteral(" %"));
    m_loss->setToolTip(tr("Independent random loss per packet"));
    m_lossSlider = new QSlider(Qt::Horizontal);
    m_lossSlider->setObjectName(QStringLiteral("lossSlider"));
    m_lossSlider->setRange(0, 50);
    auto* lossRow = new QHBoxLayout;
    lossRow->addWidget(m_lossSlider, 1);
    lossRow->addWidget(m_loss);
    link->addRow(tr("Loss:"), lossRow);

    m_burstStart = new QDoubleSpinBox;
    m_burstStart->setObjectName(QStringLiteral("burstStart"));
    m_burstStart->setRange(0, 100);
    m_burstStart->setSingleStep(0.1);
    m_burstStart->setDecimals(2);
    m_burstStart->setSuffix(QStringLiteral(" %"));
    m_burstStart->setToolTip(tr("Chance per packet that a loss burst begins (Gilbert-Elliott)"));
    m_burstLength = new QSpinBox;
    m_burstLength->setObjectName(QStringLiteral("burstLength"));
    m_burstLength->setRange(1, 1000);
    m_burstLength->setSuffix(tr(" packets"));
    m_burstLength->setToolTip(tr("Mean length of a burst; every packet in it is lost"));
    auto* burstRow = new QHBoxLayout;
    burstRow->addWidget(m_burstStart);
    burstRow->addWidget(new QLabel(tr("mean length")));
    burstRow->addWidget(m_burstLength);
    link->addRow(tr("Burst loss:"), burstRow);

    m_delay = new QSpinBox;
    m_delay->setObjectName(QStringLiteral("delay"));
    m_delay->setRange(0, 2000);
    m_delay->setSuffix(QStringLiteral(" ms"));
    m_delaySlider = new QSlider(Qt::Horizontal);
    m_delaySlider->setObjectName(QStringLiteral("delaySlider"));
    m_delaySlider->setRange(0, 300);
    auto* delayRow = new QHBoxLayout;
    delayRow->addWidget(m_delaySlider, 1);
    delayRow->addWidget(m_delay);
    link->addRow(tr("Delay:"), delayRow);

    m_jitter = new QSpinBox;
    m_jitter->setObjectName(QStringLiteral("jitter"));
    m_jitter->setRange(0, 1000);
    m_jitter->setSuffix(QStringLiteral(" ms"));
    m_jitter->setToolTip(tr("Extra random delay 0..jitter per packet (reorders packets)"));
    link->addRow(tr("Jitter:"), m_jitter);
    m_reorder = new QDoubleSpinBox;
    m_reorder->setObjectName(QStringLiteral("reorder"));
    m_reorder->setRange(0, 100);
    m_reorder->setSuffix(QStringLiteral(" %"));
    m_reorder->setToolTip(tr("Chance a packet is held back by half the delay (at least 10 ms)"));
    link->addRow(tr("Reorder:"), m_reorder);
    m_rate = new QDoubleSpinBox;
    m_rate->setObjectName(QStringLiteral("rate"));
    m_rate->setRange(0, 1000);
    m_rate->setDecimals(1);
    m_rate->setSpecialValueText(tr("unlimited"));
    m_rate->setSuffix(QStringLiteral(" Mbit/s"));
    m_rate->setToolTip(tr("Bottleneck rate with a 100 ms drop-tail queue"));
    link->addRow(tr("Rate:"), m_rate);
    layout->addWidget(linkBox);

    auto* sessionBox = new QGroupBox(tr("KCP session"), this);
    auto* session = new QFormLayout(sessionBox);
    m_fec = new QCheckBox(tr("FEC"));
    m_fec->setObjectName(QStringLiteral("fec"));
    m_dataShards = new QSpinBox;
    m_dataShards->setObjectName(QStringLiteral("datashard"));
    m_dataShards->setRange(1, 128);
    m_parityShards = new QSpinBox;
    m_parityShards->setObjectName(QStringLiteral("parityshard"));
    m_parityShards->setRange(1, 128);
    auto* fecRow = new QHBoxLayout;
    fecRow->addWidget(m_fec);
    fecRow->addWidget(m_dataShards);
    fecRow->addWidget(new QLabel(tr("data /")));
    fecRow->addWidget(m_parityShards);
    fecRow->addWidget(new QLabel(tr("parity")));
    session->addRow(tr("Forward error correction:"), fecRow);
    m_crypt = new QComboBox;
    m_crypt->setObjectName(QStringLiteral("crypt"));
    for (const std::string& name : kcp::packetCryptNames())
        m_crypt->addItem(QString::fromStdString(name));
    session->addRow(tr("Crypt:"), m_crypt);
    m_mode = new QComboBox;
    m_mode->setObjectName(QStringLiteral("mode"));
    m_mode->addItems({"normal", "fast", "fast2", "fast3"});
    session->addRow(tr("Mode:"), m_mode);
    m_sndwnd = new QSpinBox;
    m_sndwnd->setObjectName(QStringLiteral("sndwnd"));
    m_rcvwnd = new QSpinBox;
    m_rcvwnd->setObjectName(QStringLiteral("rcvwnd"));
    for (QSpinBox* window : {m_sndwnd, m_rcvwnd})
    {
        window->setRange(1, 65535);
        window->setKeyboardTracking(false); // one restart per value, not per digit typed
    }
    auto* windowRow = new QHBoxLayout;
    windowRow->addWidget(new QLabel(tr("send")));
    windowRow->addWidget(m_sndwnd);
    windowRow->addWidget(new QLabel(tr("receive")));
    windowRow->addWidget(m_rcvwnd);
    session->addRow(tr("Windows (segments):"), windowRow);
    m_compare = new QCheckBox(tr("Compare with FEC off"));
    m_compare->setToolTip(tr("Runs a second pair with FEC off through the same link settings"));
    m_compare->setObjectName(QStringLiteral("compare"));
    session->addRow(m_compare);
    layout->addWidget(sessionBox);

    m_startStop = new QPushButton(tr("Start lab"), this);
    m_startStop->setObjectName(QStringLiteral("labStartStop"));
    layout->addWidget(m_startStop);
    m_figures =
        new QLabel(tr("Start the lab to see a KCP pair on 127.0.0.1 through this link."), this);
    m_figures->setObjectName(QStringLiteral("labFigures"));
    m_figures->setWordWrap(true);
    layout->addWidget(m_figures);
    layout->addStretch(1);

    connect(m_startStop, &QPushButton::clicked, this, &LabPanel::startStopClicked);
    connect(m_compare, &QCheckBox::toggled, this, &LabPanel::compareToggled);
    connect(m_lossSlider, &QSlider::valueChanged, m_loss,
            [this](int v)
            {
                if (!m_updating)
                    m_loss->setValue(v);
            });
    connect(m_delaySlider, &QSlider::valueChanged, m_delay,
            [this](int v)
            {
                if (!m_updating)
                    m_delay->setValue(v);
            });
    for (QDoubleSpinBox* spin : {m_loss, m_burstStart, m_reorder, m_rate})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &LabPanel::emitChanged);
    for (QSpinBox* spin :
         {m_burstLength, m_delay, m_jitter, m_dataShards, m_parityShards, m_sndwnd, m_rcvwnd})
        connect(spin, &QSpinBox::valueChanged, this, &LabPanel::emitChanged);
    for (QComboBox* combo : {m_crypt, m_mode})
        connect(combo, &QComboBox::currentTextChanged, this, &LabPanel::emitChanged);
    connect(m_fec, &QCheckBox::toggled, this, &LabPanel::emitChanged);

    setSettings(app::LabSettings::defaults());
}

app::LabSettings LabPanel::settings() const
{
    app::LabSettings s = m_base;
    s.link.loss = m_loss->value() / 100.0;
    s.link.burstEnter = m_burstStart->value() / 100.0;
    s.link.burstExit = 1.0 / m_burstLength->value();
    s.link.burstLoss = 1.0;
    s.link.delay = kcp::Millis(m_delay->value());
    s.link.jitter = kcp::Millis(m_jitter->value());
    s.link.reorder = m_reorder->value() / 100.0;
    s.link.reorderDelay = kcp::Millis(std::max(10, m_delay->value() / 2));
    s.setRateKbps(int(m_rate->value() * 1000));
    s.session.datashard = m_fec->isChecked() ? m_dataShards->value() : 0;
    s.session.parityshard = m_fec->isChecked() ? m_parityShards->value() : 0;
    s.session.crypt = m_crypt->currentText();
    s.session.mode = m_mode->currentText();
    s.session.sndwnd = m_sndwnd->value();
    s.session.rcvwnd = m_rcvwnd->value();
    return s;
}

void LabPanel::setSettings(const app::LabSettings& s)
{
    m_updating = true;
    m_base = s;
    m_loss->setValue(s.link.loss * 100.0);
    m_lossSlider->setValue(qRound(s.link.loss * 100.0));
    m_burstStart->setValue(s.link.burstEnter * 100.0);
    m_burstLength->setValue(s.link.burstExit > 0 ? qRound(1.0 / s.link.burstExit) : 1);
    m_delay->setValue(int(s.link.delay));
    m_delaySlider->setValue(int(s.link.delay));
    m_jitter->setValue(int(s.link.jitter));
    m_reorder->setValue(s.link.reorder * 100.0);
    m_rate->setValue(s.rateKbps() / 1000.0);
    m_fec->setChecked(s.fecEnabled());
    if (s.fecEnabled())
    {
        m_dataShards->setValue(s.session.datashard);
        m_parityShards->setValue(s.session.parityshard);
    }
    m_crypt->setCurrentText(s.session.crypt);
    m_mode->setCurrentText(s.session.mode);
    m_sndwnd->setValue(s.session.sndwnd);
    m_rcvwnd->setValue(s.session.rcvwnd);
    m_dataShards->setEnabled(s.fecEnabled());
    m_parityShards->setEnabled(s.fecEnabled());
    m_updating = false;
}

void LabPanel::emitChanged()
{
    if (m_updating)
        return;
    m_updating = true;
    m_lossSlider->setValue(qRound(m_loss->value()));
    m_delaySlider->setValue(m_delay->value());
    m_updating = false;
    m_dataShards->setEnabled(m_fec->isChecked());
    m_parityShards->setEnabled(m_fec->isChecked());
    emit settingsChanged(settings());
}

void LabPanel::setRunning(bool running)
{
    m_startStop->setText(running ? tr("Stop lab") : tr("Start lab"));
}

bool LabPanel::compareWithoutFec() const
{
    return m_compare->isChecked();
}

void LabPanel::setCompareWithoutFec(bool on)
{
    m_compare->setChecked(on);
}

void LabPanel::showSample(const app::StatsSample& s, const app::StatsSample* comparison)
{
    QString text = tr("Goodput %1, SRTT %2 ms, RTO %3 ms, %4 retransmissions/s.")
                       .arg(app::bitRateText(s.goodputInBps))
                       .arg(s.srttMs, 0, 'f', 0)
                       .arg(s.rtoMs, 0, 'f', 0)
                       .arg(s.retransPerS, 0, 'f', 0);
    if (s.hasLinkLoss)
        text += QLatin1Char(' ') + tr("Measured path loss %1 % (emulator dropped %2 %), FEC "
                                      "rebuilt %3 packets/s.")
                                       .arg(s.linkLossPercent, 0, 'f', 1)
                                       .arg(s.emulatedLossPercent, 0, 'f', 1)
                                       .arg(s.fecRecoveredPerS, 0, 'f', 0);
    else
        text += QLatin1Char(' ') + tr("Emulator dropped %1 % (path loss is measured from FEC "
                                      "sequence numbers: turn FEC on to see it).")
                                       .arg(s.emulatedLossPercent, 0, 'f', 1);
    if (comparison)
        text += QStringLiteral("\n") + tr("FEC off: goodput %1, %2 retransmissions/s.")
                                           .arg(app::bitRateText(comparison->goodputInBps))
                                           .arg(comparison->retransPerS, 0, 'f', 0);
    m_figures->setText(text);
}

} // namespace ui
