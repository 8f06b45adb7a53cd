#!/usr/bin/env bash
# Builds KcpDesk and starts it. Installs its own Debian packages first. Arguments go to kcpdesk.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target kcpdesk
exec build/default/app/kcpdesk "$@"
