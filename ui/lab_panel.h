#pragma once

#include "lab/lab_settings.h"
#include "stats/stats_sample.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace ui
{

// The lab's controls: the emulated link (loss, burst loss, delay, jitter, reordering, rate) and
// the session (FEC on/off and its shards, crypt, mode, windows), a Start/Stop button and the
// FEC-off comparison switch. Every change is emitted at once as a whole LabSettings; the owner
// decides what to do with it (LabSession applies it live).
class LabPanel : public QWidget
{
    Q_OBJECT

public:
    explicit LabPanel(QWidget* parent = nullptr);

    app::LabSettings settings() const;
    void setSettings(const app::LabSettings& settings);
    void setRunning(bool running);
    bool compareWithoutFec() const;
    void setCompareWithoutFec(bool on);
    // The latest figures in words, under the controls.
    void showSample(const app::StatsSample& sample, const app::StatsSample* comparison);

signals:
    void settingsChanged(const app::LabSettings& settings);
    void startStopClicked();
    void compareToggled(bool on);

private:
    void emitChanged();

    QDoubleSpinBox* m_loss = nullptr;
    QSlider* m_lossSlider = nullptr;
    QDoubleSpinBox* m_burstStart = nullptr;
    QSpinBox* m_burstLength = nullptr;
    QSpinBox* m_delay = nullptr;
    QSlider* m_delaySlider = nullptr;
    QSpinBox* m_jitter = nullptr;
    QDoubleSpinBox* m_reorder = nullptr;
    QDoubleSpinBox* m_rate = nullptr;
    QCheckBox* m_fec = nullptr;
    QSpinBox* m_dataShards = nullptr;
    QSpinBox* m_parityShards = nullptr;
    QComboBox* m_crypt = nullptr;
    QComboBox* m_mode = nullptr;
    QSpinBox* m_sndwnd = nullptr;
    QSpinBox* m_rcvwnd = nullptr;
    QCheckBox* m_compare = nullptr;
    QPushButton* m_startStop = nullptr;
    QLabel* m_figures = nullptr;
    bool m_updating = false;
    app::LabSettings m_base = app::LabSettings::defaults();
};

} // namespace ui
