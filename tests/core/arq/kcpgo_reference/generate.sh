#!/bin/sh
# Regenerates the expected lines of ../test_kcp_golden.cpp from the real kcp-go.
#
# kcp.go is taken unmodified from the Debian package (golang-github-xtaci-kcp-dev, kcp-go
# 5.6.1) except for three mechanical edits: package main, and currentMs() reading the scenario
# clock instead of time.Since(refTime). stubs.go replaces the process-global SNMP counters
# (swapped per endpoint by main.go) and the xmitBuf pool. main.go is the scenario driver that
# test_kcp_golden.cpp ports line by line; scenarios.txt lists name|flags.
#
# Usage: tests/core/arq/kcpgo_reference/generate.sh   (needs go >= 1.19, offline is fine)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${KCPGO_SRC:-/usr/share/gocode/src/github.com/xtaci/kcp-go}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$here/main.go" "$here/stubs.go" "$here/go.mod" "$work/"
sed -e 's/^package kcp$/package main/' \
    -e '/^\t"time"$/d' \
    -e '/^var refTime time.Time = time.Now()$/d' \
    -e 's/^func currentMs() uint32 { return uint32(time.Since(refTime) \/ time.Millisecond) }$/var nowMs uint32\n\nfunc currentMs() uint32 { return nowMs }/' \
    "$src/kcp.go" > "$work/kcp.go"
grep -q 'return nowMs' "$work/kcp.go" || { echo "kcp.go did not patch as expected" >&2; exit 1; }
(cd "$work" && GOFLAGS=-mod=mod GO111MODULE=on go build -o kcpgo_reference .)

rows="$work/rows.txt"
: > "$rows"
while IFS='|' read -r name flags; do
    [ -z "$name" ] && continue
    out=$("$work/kcpgo_reference" $flags | tail -n 3 | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g')
    printf '    QTest::newRow("%s")\n        << QStringLiteral("%s")\n        << QStringLiteral("%s");\n' \
        "$name" "$flags" "$out" >> "$rows"
done < "$here/scenarios.txt"

test="$here/../test_kcp_golden.cpp"
awk -v rows="$rows" '
    /GOLDEN-BEGIN/ { print; while ((getline line < rows) > 0) print line; skip = 1; next }
    /GOLDEN-END/ { skip = 0 }
    !skip { print }
' "$test" > "$work/test.cpp"
mv "$work/test.cpp" "$test"
echo "updated $test"
