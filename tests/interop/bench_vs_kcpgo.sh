#!/bin/sh
# Benchmark comparison (issue 3, "must show" 3): kcp-go's own BenchmarkEchoSpeed* and
# BenchmarkSinkSpeed* (sess_test.go of Debian's golang-github-xtaci-kcp-dev, run with `go test`,
# offline, GOPATH mode) and their KcpSocket mirror (bench_kcp_net: same message sizes, same
# settings, same measurement) in one invocation, for both I/O backends, with one worker thread
# (the default) and inline (KCPDESK_WORKERS=0), with ratios.
#
#   tests/interop/bench_vs_kcpgo.sh [build-dir]      (default build/default)
#   env: SECONDS_PER_CASE=2 (our side), BENCHTIME=1s (go test -benchtime), COUNT=3 (go test
#        -count: kcp-go's best of COUNT runs is the baseline, since its sink benchmarks stall now
#        and then, which would inflate our ratios)
#
# Note: kcp-go's test binary also starts a pprof HTTP listener on :6060 (its init()).
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$SRC/build/default}" && pwd)
OURS=$BUILD/tests/net/bench_kcp_net
SECONDS_PER_CASE=${SECONDS_PER_CASE:-2}
BENCHTIME=${BENCHTIME:-1s}
COUNT=${COUNT:-3}
KCPGO=/usr/share/gocode/src/github.com/xtaci/kcp-go
[ -x "$OURS" ] || { echo "build bench_kcp_net first (ninja -C $BUILD bench_kcp_net)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# A GOPATH of symlinks: kcp-go's sources plus sess_test.go only (its other tests need testify,
# which Debian does not ship with it), everything else straight from /usr/share/gocode.
G=$WORK/gopath
mkdir -p "$G/src/github.com/xtaci/kcp-go"
for d in /usr/share/gocode/src/*; do
    [ "$(basename "$d")" = github.com ] || ln -s "$d" "$G/src/$(basename "$d")"
done
for d in /usr/share/gocode/src/github.com/*; do
    [ "$(basename "$d")" = xtaci ] || ln -s "$d" "$G/src/github.com/$(basename "$d")"
done
for f in "$KCPGO"/*.go; do
    case $f in *_test.go) ;; *) ln -s "$f" "$G/src/github.com/xtaci/kcp-go/" ;; esac
done
ln -s "$KCPGO/sess_test.go" "$G/src/github.com/xtaci/kcp-go/"

echo "kcp-go: go test -bench 'EchoSpeed|SinkSpeed' -benchtime $BENCHTIME -count $COUNT ..." >&2
GO111MODULE=off GOPATH=$G GOCACHE=$WORK/gocache GOPROXY=off GOFLAGS= \
    go test -run XXX -bench 'EchoSpeed|SinkSpeed' -benchtime "$BENCHTIME" -count "$COUNT" \
    github.com/xtaci/kcp-go \
    > "$WORK/go.txt" 2>&1 || { cat "$WORK/go.txt" >&2; exit 1; }
echo "kcpdesk: bench_kcp_net --seconds $SECONDS_PER_CASE (one worker thread, then inline) ..." >&2
KCPDESK_WORKERS=1 "$OURS" --seconds "$SECONDS_PER_CASE" > "$WORK/ours.txt"
KCPDESK_WORKERS=0 "$OURS" --seconds "$SECONDS_PER_CASE" | sed 's/ qt / qt-inline /; s/ mmsg / mmsg-inline /' >> "$WORK/ours.txt"
# For comparison only: kcp-go's ACK timing (ACKs at the interval flush instead of per batch).
KCPDESK_WORKERS=1 "$OURS" --seconds "$SECONDS_PER_CASE" --backend mmsg --kcpgo-acks | sed 's/ mmsg / mmsg-kcpgoack /' >> "$WORK/ours.txt"

go_mbps() {  # benchmark name -> MB/s, the best of kcp-go's COUNT runs
    awk -v n="Benchmark$1-" 'index($1, n) == 1 { for (i = 1; i < NF; i++) if ($(i + 1) == "MB/s" && $i + 0 > best + 0) best = $i + 0 }
        END { if (best > 0) print best }' "$WORK/go.txt"
}
our_mbps() {  # mode msglen backend -> MB/s
    awk -v m="$1" -v l="$2" -v b="$3" '$1 == "BENCH" && $2 == m && $3 == l && $4 == b { print $5 }' "$WORK/ours.txt"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "-" }'; }
printf '%-16s %8s %8s | %8s %6s | %8s %6s | %8s %6s | %8s %6s | %8s %6s\n' benchmark msglen \
    kcpgo qt ratio mmsg ratio qt-inl ratio mmsg-inl ratio kcpgoack ratio
for row in "EchoSpeed4K echo 4096" "EchoSpeed64K echo 65536" "EchoSpeed512K echo 524288" \
           "EchoSpeed1M echo 1048576" "SinkSpeed4K sink 4096" "SinkSpeed64K sink 65536" \
           "SinkSpeed256K sink 524288" "SinkSpeed1M sink 1048576"; do
    set -- $row
    g=$(go_mbps "$1")
    line=$(printf '%-16s %8s %8s' "$1" "$3" "${g:--}")
    for b in qt mmsg qt-inline mmsg-inline mmsg-kcpgoack; do
        v=$(our_mbps "$2" "$3" "$b")
        line="$line | $(printf '%8s %6s' "${v:--}" "$(ratio "$v" "$g")")"
    done
    echo "$line"
done
echo "(MB/s, MB = 1e6 bytes; kcp-go: best of $COUNT runs; qt/mmsg: sessions on one worker thread (default), -inl: KCPDESK_WORKERS=0,"
echo " sessions in the benchmark's own thread; kcpgoack: mmsg on one worker with kcp-go's ACK timing"
echo " (batchAcks off), for comparison; kcp-go's SinkSpeed256K really sends 524288-byte"
echo " messages; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
