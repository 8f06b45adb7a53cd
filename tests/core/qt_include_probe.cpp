// Compiled with kcp_core's include path and nothing else: it must fail, because core code has
// no way to reach Qt. The core_rejects_qt_headers test expects this build to break.
#include "kcp/time.h"
#include <QtCore/QString>

int probe()
{
    return QString().size() + static_cast<int>(kcp::timeDiff(1, 0));
}
