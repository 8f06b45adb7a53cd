#!/bin/sh
# Scale comparison (issue 3, "must show" 4): SESSIONS concurrent sessions to one server, each
# echoing 64 bytes once a second for DURATION; the server is, in turn, a kcp-go server
# (kcpgo_peer) and our KcpServer (kcpnet_peer) with each I/O backend, all under the same load
# generator. Prints every server's CPU seconds and peak RSS side by side. Loopback only.
#
# The load comes from one process: CLIENT=kcpdesk (default: kcpnet_peer -mode scale-client, idle
# sessions parked, cheap) or CLIENT=kcpgo (kcpgo_peer -mode scale-client: every kcp-go session
# flushes every interval, so with thousands of sessions the generator itself saturates a core and
# answers time out on either server).
#
#   tests/interop/scale_vs_kcpgo.sh [build-dir]        (default build/default)
#   env: SESSIONS=5000 DURATION=60 DS=10 PS=3 CRYPT=aes SERVERS="kcpgo mmsg qt" CLIENT=kcpdesk
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$SRC/build/default}" && pwd)
SESSIONS=${SESSIONS:-5000}
DURATION=${DURATION:-60}
DURATION=${DURATION%s}
CLIENT=${CLIENT:-kcpdesk}
DS=${DS:-10}
PS=${PS:-3}
CRYPT=${CRYPT:-aes}
SERVERS=${SERVERS:-"kcpgo mmsg qt"}
GOPEER=$BUILD/tests/interop/kcpgo_peer
OURPEER=$BUILD/tests/net/kcpnet_peer
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -x "$OURPEER" ] || { echo "build kcpnet_peer first (ninja -C $BUILD kcpnet_peer)" >&2; exit 1; }
if [ ! -x "$GOPEER" ]; then
    mkdir -p "$(dirname "$GOPEER")"
    GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$WORK/gocache" GOPROXY=off GOFLAGS= \
        go build -o "$GOPEER" "$SRC/tests/interop/kcpgo_peer/main.go"
fi

# kcptun "fast" mode, its default windows for a server, aes, FEC as asked.
COMMON="-crypt $CRYPT -key scale-key -ds $DS -ps $PS -nodelay 0 -interval 30 -resend 2 -nc 1 -sndwnd 128 -rcvwnd 512 -mtu 1350"

echo "scale: $SESSIONS sessions x 64 B/s for ${DURATION}s, crypt $CRYPT, FEC $DS/$PS, mode fast (0/30/2/1), client $CLIENT"
printf '%-14s %8s %13s %8s %9s %7s %-28s\n' server cpu_s peak_rss_MiB sent answered failed "client latency / cpu"
if [ "$CLIENT" = kcpgo ]; then
    LOAD="$GOPEER -mode scale-client -duration ${DURATION}s"
else
    LOAD="$OURPEER -mode scale-client -duration $DURATION"
fi

for server in $SERVERS; do
    case $server in
        kcpgo) cmd="$GOPEER -mode echo-server -addr 127.0.0.1:0 $COMMON" ;;
        *) cmd="$OURPEER -addr 127.0.0.1:0 -backend $server $COMMON" ;;
    esac
    $cmd > "$WORK/server.out" 2>&1 &
    pid=$!
    port=""
    for _ in $(seq 100); do
        port=$(awk '/^LISTENING/ {print $2}' "$WORK/server.out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "$server did not start" >&2; cat "$WORK/server.out" >&2; kill "$pid"; exit 1; }
    $LOAD -addr "127.0.0.1:$port" -sessions "$SESSIONS" $COMMON > "$WORK/client.out" 2>&1 || true
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    usage=$(grep '^USAGE' "$WORK/server.out" | tail -1)
    scale=$(grep '^SCALE' "$WORK/client.out" | tail -1)
    cpu=$(echo "$usage" | sed -n 's/.*cpu=\([0-9.]*\).*/\1/p')
    rss=$(echo "$usage" | sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p')
    sent=$(echo "$scale" | sed -n 's/.*sent=\([0-9]*\).*/\1/p')
    answered=$(echo "$scale" | sed -n 's/.*answered=\([0-9]*\).*/\1/p')
    failed=$(echo "$scale" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
    p50=$(echo "$scale" | sed -n 's/.*p50_ms=\([0-9]*\).*/\1/p')
    p99=$(echo "$scale" | sed -n 's/.* p99_ms=\([0-9]*\).*/\1/p')
    sp99=$(echo "$scale" | sed -n 's/.*steady_p99_ms=\([0-9]*\).*/\1/p')
    ccpu=$(grep '^USAGE' "$WORK/client.out" | tail -1 | sed -n 's/.*cpu=\([0-9.]*\).*/\1/p')
    label=$server
    [ "$server" = kcpgo ] || label="kcpdesk-$server"
    printf '%-14s %8s %13s %8s %9s %7s p50 %sms p99 %sms (after 10 s: %sms), %ss\n' "$label" "$cpu" \
        "$(( ${rss:-0} / 1024 ))" "$sent" "$answered" "$failed" "${p50:--}" "${p99:--}" "${sp99:--}" "${ccpu:--}"
done
