#!/usr/bin/env bash
# Builds KcpDesk and starts it. Installs its own Debian packages first.
#   scripts/run.sh [kcpdesk options]        the GUI (kcpdesk --help); with no display (neither
#                                           DISPLAY nor WAYLAND_DISPLAY set) the console demo
#   scripts/run.sh --demo [demo options]    the console loopback demo (kcpdesk-demo --help)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset default >/dev/null

target=kcpdesk
if [ "${1:-}" = "--demo" ]; then
    shift
    target=kcpdesk-demo
elif [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run.sh: no display, so the console loopback demo runs instead of the GUI" \
         "(scripts/screenshot.sh shows the GUI under Xvfb)" >&2
    target=kcpdesk-demo
fi
cmake --build --preset default -j "$(nproc)" --target "$target"
exec "build/default/app/$target" "$@"
