#pragma once

#include "kcp/lab/link_model.h"
#include "kcp/tunnel/kcptun_config.h"

#include <QCoreApplication>
#include <QMetaType>
#include <QStringList>

namespace app
{

// What the lab runs: the emulated path (the same in both directions) and the KCP session
// settings under kcptun's names (crypt, key, mode, datashard, parityshard, mtu, windows), so the
// lab validates them with the library exactly as a tunnel would. A value type.
struct LabSettings
{
    Q_DECLARE_TR_FUNCTIONS(LabSettings)

public:
    kcp::lab::LinkConfig link;
    kcp::tunnel::KcptunConfig session;

    // 5 % loss and 25 ms each way, AES, fast, FEC 10/3: the console demo's defaults.
    static LabSettings defaults();

    // The same link and session with FEC off, for the side-by-side comparison.
    LabSettings withoutFec() const;
    bool fecEnabled() const { return session.datashard > 0 && session.parityshard > 0; }

    // Link rate in kbit/s (0 = unlimited). Setting it also sizes the bottleneck queue to
    // 100 ms of that rate (at least 16 KiB), a common router buffer: an unbounded queue would
    // only ever add delay.
    void setRateKbps(int kbps);
    int rateKbps() const;

    // Problems, one sentence each (the library's for the session, ranges for the link).
    QStringList problems() const;
    // Whether going from this to other needs new sessions (crypt, key, FEC, mode ... changed);
    // link changes apply to running sessions.
    bool sameSession(const LabSettings& other) const;
};

} // namespace app

Q_DECLARE_METATYPE(app::LabSettings)
