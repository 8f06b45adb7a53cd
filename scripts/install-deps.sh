#!/usr/bin/env bash
# Installs every Debian 12 package KcpDesk needs to build, test, run its GUI and talk to its
# interop peers. Idempotent: packages already present are skipped by apt, and apt-get update runs
# only when a package is missing, so a warm machine pays nothing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # llvm-symbolizer: readable stacks from libFuzzer/ASan (not pulled in without recommends)
  llvm
  # Qt 6 (Charts needs libqt6opengl6-dev named explicitly)
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev qt6-tools-dev
  qt6-tools-dev-tools qt6-l10n-tools libgl-dev
  # protocol parts
  libbotan-2-dev libisal-dev libsnappy-dev
  # benchmarks
  libbenchmark-dev
  # interop peers and their build
  kcptun golang-go golang-github-xtaci-kcp-dev
  # GUI under test and screenshots (a font, so the window has readable text under Xvfb)
  xvfb xauth fonts-dejavu-core
  # tools the tests and benches call
  iperf3 iproute2 python3 procps
  # the Debian package and its checks (dpkg-shlibdeps, AppStream validation)
  dpkg-dev appstream
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
