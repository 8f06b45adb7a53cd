#!/usr/bin/env bash
# A PNG of the real KcpDesk window under Xvfb with the Lab running (FEC on, and the FEC-off
# comparison), after SCREENSHOT_SECONDS (default 30) of live charts and advice. Uses a throwaway profiles
# file, so the user's profiles are untouched.
#   scripts/screenshot.sh [out.png]     default docs/screenshots/kcpdesk-lab.png
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots/kcpdesk-lab.png}
seconds=${SCREENSHOT_SECONDS:-30}
bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target kcpdesk
mkdir -p "$(dirname "$out")"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
XDG_RUNTIME_DIR=$scratch xvfb-run -a -s "-screen 0 1440x900x24" \
    build/default/app/kcpdesk --profiles "$scratch/profiles.json" --lab --compare \
    --screenshot "$out" --screenshot-delay "$seconds"
echo "screenshot: $out"
