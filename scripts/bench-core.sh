#!/usr/bin/env bash
# Times the core (tests/bench/kcp_core_bench, Google Benchmark) and kcp-go's own Go benchmarks on
# this machine in one invocation, and prints one table row per benchmark with the speed-up
# (kcp-go ns/op / ours ns/op), the target it is held to, PASS or MISS, and heap allocations per
# op on both sides (any of ours above 0 is flagged ALLOC!). It is a report: the exit status is 0
# even when targets are missed, non-zero only when something could not be built or run.
#
# kcp-go side, offline: the sources come from Debian's golang-github-xtaci-kcp-dev (5.6.1) and
# its dependencies under /usr/share/gocode/src, built in GOPATH mode (GO111MODULE=off,
# GOPROXY=off, so nothing is ever fetched). The package is copied into a temporary GOPATH with
# only these test files, because the others cannot run here:
#   crypt_test.go, fec_test.go, kcp_test.go   copied unchanged (every benchmark we mirror)
#   sess_test.go      left out: its init() starts an HTTP server on :6060 and its tests and
#                     Echo/Sink benchmarks open UDP sockets. It defines the `key` and `pass`
#                     the crypt benchmarks use, so zz_kcpdesk_bench_test.go (written below)
#                     defines the same two values.
#   autotune_test.go  left out: imports github.com/stretchr/testify, which Debian's kcp-go
#                     package does not pull in.
# zz_kcpdesk_bench_test.go adds, and nothing else:
#   BenchmarkAES128Encrypt/Decrypt  kcp-go's benchCrypt cut in two (its BenchmarkAES128 times
#                     encrypt + decrypt together; our targets differ per direction);
#   BenchmarkKcpDesk  runs each kcp-go benchmark function unchanged as a sub-benchmark
#                     (BenchmarkKcpDesk/AES128 calls BenchmarkAES128) on a locked OS thread and
#                     adds that thread's CPU time per op (cpu-ns/op) to Go's own ns/op, b.N and
#                     timer handling. This is the only way kcp-go's benchmarks are run.
#
# Two clocks. Go's ns/op is wall time, so by default both sides are compared on wall time. On a
# shared machine other processes inflate wall time unevenly (an AVX-512 loop sharing a core
# loses more than an AVX2 one), so every row also shows the speed-up in CPU time of the
# benchmark thread (Google Benchmark's cpu_time; cpu-ns/op on the Go side), which load barely
# moves. BENCH_CLOCK=cpu makes the CPU-time ratio the one held to the target.
#
# The sides are interleaved: each round runs all of ours once, then all of kcp-go's once (its
# test binary is built once with go test -c, which is what go test -bench runs). Each row reports
# the median of the rounds (BENCH_STAT=min: the fastest round). Nothing is pinned.
#
# Environment: BENCH_CLOCK (wall | cpu, default wall), BENCH_STAT (median | min, default median),
# BENCH_ROUNDS (default 3), BENCH_TIME seconds per benchmark per round (default 0.3; Go's own
# default is 1), BENCH_BUILD_DIR (default build/bench), BENCH_FILTER (regex of row names, default
# all). Raw results stay in $BENCH_BUILD_DIR/bench-core/.
set -euo pipefail
cd "$(dirname "$0")/.."

clock=${BENCH_CLOCK:-wall}
stat=${BENCH_STAT:-median}
rounds=${BENCH_ROUNDS:-3}
bench_time=${BENCH_TIME:-0.3}
build_dir=$(realpath -m "${BENCH_BUILD_DIR:-build/bench}")
filter=${BENCH_FILTER:-.}
kcpgo_src=/usr/share/gocode/src/github.com/xtaci/kcp-go

case "$clock/$stat" in
    wall/median | wall/min | cpu/median | cpu/min) ;;
    *)
        echo "bench-core: BENCH_CLOCK must be wall or cpu, BENCH_STAT median or min" >&2
        exit 2
        ;;
esac

bash scripts/install-deps.sh >/dev/null

# -- build ours --------------------------------------------------------------------------------
# Its own build directory, so that a build in build/default running at the same time is not
# disturbed; RelWithDebInfo like the default preset (core components add -O3 themselves).
out_dir="$build_dir/bench-core"
rm -rf "$out_dir"
mkdir -p "$out_dir"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DKCPDESK_BUILD_TESTS=ON -DKCPDESK_BUILD_BENCH=ON >"$out_dir/build.log" 2>&1 ||
        { tail -n 40 "$out_dir/build.log" >&2; exit 1; }
fi
cmake --build "$build_dir" --target kcp_core_bench >>"$out_dir/build.log" 2>&1 ||
    { tail -n 40 "$out_dir/build.log" >&2; exit 1; }
ours_bin="$build_dir/tests/bench/kcp_core_bench"

# -- build kcp-go's benchmarks -----------------------------------------------------------------
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
pkg="$gopath/src/github.com/xtaci/kcp-go"
mkdir -p "$pkg"
for f in "$kcpgo_src"/*.go; do
    case "$f" in
        *_test.go) ;;
        *) cp "$f" "$pkg/" ;;
    esac
done
cp "$kcpgo_src"/crypt_test.go "$kcpgo_src"/fec_test.go "$kcpgo_src"/kcp_test.go "$pkg/"
cat >"$pkg/zz_kcpdesk_bench_test.go" <<'EOF'
package kcp

// Written by KcpDesk's scripts/bench-core.sh; not part of kcp-go.

import (
	"crypto/rand"
	"crypto/sha1"
	"io"
	"runtime"
	"syscall"
	"testing"

	"golang.org/x/crypto/pbkdf2"
)

// From sess_test.go, which is left out (its init starts an HTTP server).
var key = []byte("testkey")
var pass = pbkdf2.Key(key, []byte("testsalt"), 4096, 32, sha1.New)

// benchCrypt's encrypt half.
func BenchmarkAES128Encrypt(b *testing.B) {
	bc, err := NewAESBlockCrypt(pass[:16])
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, mtuLimit)
	io.ReadFull(rand.Reader, data)
	enc := make([]byte, mtuLimit)

	b.ReportAllocs()
	b.SetBytes(int64(len(enc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bc.Encrypt(enc, data)
	}
}

// benchCrypt's decrypt half.
func BenchmarkAES128Decrypt(b *testing.B) {
	bc, err := NewAESBlockCrypt(pass[:16])
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, mtuLimit)
	io.ReadFull(rand.Reader, data)
	dec := make([]byte, mtuLimit)
	enc := make([]byte, mtuLimit)
	bc.Encrypt(enc, data)

	b.ReportAllocs()
	b.SetBytes(int64(len(enc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bc.Decrypt(dec, enc)
	}
}

// CPU time of the calling OS thread (RUSAGE_THREAD = 1 on Linux).
func threadCPUNanos() int64 {
	var usage syscall.Rusage
	syscall.Getrusage(1, &usage)
	return usage.Utime.Nano() + usage.Stime.Nano()
}

// Runs bench unchanged and reports the benchmark thread's CPU time per op next to Go's wall-clock
// ns/op. The count includes bench's setup before its ResetTimer, which is negligible over the
// final run's b.N.
func cpuTimed(bench func(*testing.B)) func(*testing.B) {
	return func(b *testing.B) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		start := threadCPUNanos()
		bench(b)
		b.ReportMetric(float64(threadCPUNanos()-start)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkKcpDesk(b *testing.B) {
	benches := []struct {
		name  string
		bench func(*testing.B)
	}{
		{"SM4", BenchmarkSM4}, {"AES128", BenchmarkAES128}, {"AES192", BenchmarkAES192},
		{"AES256", BenchmarkAES256}, {"TEA", BenchmarkTEA}, {"XOR", BenchmarkXOR},
		{"Blowfish", BenchmarkBlowfish}, {"None", BenchmarkNone}, {"Cast5", BenchmarkCast5},
		{"3DES", Benchmark3DES}, {"Twofish", BenchmarkTwofish}, {"XTEA", BenchmarkXTEA},
		{"Salsa20", BenchmarkSalsa20}, {"AES128Encrypt", BenchmarkAES128Encrypt},
		{"AES128Decrypt", BenchmarkAES128Decrypt}, {"CRC32", BenchmarkCRC32},
		{"FECDecode", BenchmarkFECDecode}, {"FECEncode", BenchmarkFECEncode},
		{"Flush", BenchmarkFlush},
	}
	for _, c := range benches {
		b.Run(c.name, cpuTimed(c.bench))
	}
}
EOF

go_env=(env GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH="$gopath:/usr/share/gocode"
    GOCACHE="$build_dir/go-cache")
go_bin="$out_dir/kcp-go.test"
go_ok=1
if ! (cd "$pkg" && "${go_env[@]}" go test -c -o "$go_bin" .) >"$out_dir/go-build.log" 2>&1; then
    go_ok=0
    echo "bench-core: could not build kcp-go's benchmarks (see $out_dir/go-build.log):" >&2
    tail -n 20 "$out_dir/go-build.log" >&2
fi

# -- header ------------------------------------------------------------------------------------
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
echo "== bench-core: kcp_core_bench vs kcp-go's go test -bench, same machine, interleaved =="
echo "cpu:       $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
    "($(nproc) cpus; $(grep -m1 -o -w -E 'aes|vaes|vpclmulqdq|gfni|avx2|avx512f' /proc/cpuinfo |
        sort -u | tr '\n' ' ' | sed 's/ $//'))"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "ours:      $("${cxx:-c++}" --version | head -n 1), RelWithDebInfo (core -O3)," \
    "google-benchmark $(dpkg-query -W -f='${Version}' libbenchmark-dev 2>/dev/null)"
echo "kcp-go:    $(go version | sed 's/^go version //'), golang-github-xtaci-kcp-dev" \
    "$(dpkg-query -W -f='${Version}' golang-github-xtaci-kcp-dev 2>/dev/null)," \
    "reedsolomon $(dpkg-query -W -f='${Version}' golang-github-klauspost-reedsolomon-dev 2>/dev/null)"
echo "method:    $rounds rounds x ${bench_time}s per benchmark per side, $stat of rounds," \
    "verdicts on $clock time"
if awk -v cpus="$(nproc)" '{ exit !($1 > cpus / 2) }' /proc/loadavg; then
    echo "WARNING:   the machine is busy (load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cpus):" \
        "wall-time ratios are noisy; trust the cpu column, or rerun when idle"
fi
echo

# -- run ---------------------------------------------------------------------------------------
for round in $(seq 1 "$rounds"); do
    echo "round $round/$rounds: ours ..." >&2
    "$ours_bin" --benchmark_format=json --benchmark_min_time="$bench_time" \
        --benchmark_filter="$filter" >"$out_dir/ours-$round.json" 2>"$out_dir/ours-$round.err"
    if [ "$go_ok" = 1 ]; then
        echo "round $round/$rounds: kcp-go ..." >&2
        (cd "$out_dir" && ./kcp-go.test -test.run '^$' -test.bench '^BenchmarkKcpDesk$' \
            -test.benchmem -test.benchtime "${bench_time}s") >"$out_dir/kcp-go-$round.txt" 2>&1 ||
            echo "bench-core: kcp-go's benchmarks failed in round $round" \
                "(see $out_dir/kcp-go-$round.txt)" >&2
    fi
done

# -- table -------------------------------------------------------------------------------------
python3 - "$out_dir" "$clock" "$stat" "$filter" <<'EOF'
import glob, json, os, re, statistics, sys

out_dir, clock, stat, row_filter = sys.argv[1], sys.argv[2], sys.argv[3], re.compile(sys.argv[4])
other_clock = "cpu" if clock == "wall" else "wall"

# name: (target speed-up kcp-go/ours or None, what the target says). Flush's target "ours ns/op
# <= kcp-go's" is a speed-up of at least 1.
targets = {
    "BenchmarkAES128Decrypt": (5.0, ">= 5x"),
    "BenchmarkAES128Encrypt": (0.95, ">= 0.95x"),
    "BenchmarkAES128": (None, "(split)"),
    "BenchmarkFECEncode": (4.0, ">= 4x"),
    "BenchmarkFECDecode": (4.0, ">= 4x"),
    "BenchmarkFlush": (1.0, ">= 1x"),
    "BenchmarkCRC32": (None, "-"),
}
for cipher in ["SM4", "AES192", "AES256", "TEA", "XOR", "Blowfish", "None", "Cast5", "3DES",
               "Twofish", "XTEA", "Salsa20"]:
    targets["Benchmark" + cipher] = (1.0, ">= 1x")
order = ["BenchmarkAES128Encrypt", "BenchmarkAES128Decrypt", "BenchmarkAES128", "BenchmarkAES192",
         "BenchmarkAES256", "BenchmarkSalsa20", "BenchmarkXOR", "BenchmarkNone", "BenchmarkSM4",
         "BenchmarkTEA", "BenchmarkXTEA", "BenchmarkBlowfish", "BenchmarkCast5", "BenchmarkTwofish",
         "Benchmark3DES", "BenchmarkCRC32", "BenchmarkFECEncode", "BenchmarkFECDecode",
         "BenchmarkFlush"]

# Per side and name, one sample per round: wall and cpu ns/op, bytes per op, allocs per op.
def new_row():
    return {"wall": [], "cpu": [], "bytes": None, "allocs": []}

to_ns = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
ours, labels, errors = {}, {}, {}
for path in sorted(glob.glob(os.path.join(out_dir, "ours-*.json"))):
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        print(f"bench-core: unreadable {path}: {e}", file=sys.stderr)
        continue
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration":
            continue
        name = b["name"]
        if b.get("error_occurred"):
            errors[name] = b.get("error_message", "error")
            continue
        row = ours.setdefault(name, new_row())
        unit = to_ns[b.get("time_unit", "ns")]
        row["wall"].append(b["real_time"] * unit)
        row["cpu"].append(b["cpu_time"] * unit)
        if "bytes_per_second" in b:
            # The library divides bytes by CPU time: bytes per op = rate x CPU seconds per op.
            row["bytes"] = round(b["bytes_per_second"] * b["cpu_time"] * unit / 1e9)
        row["allocs"].append(b.get("allocs_per_op", float("nan")))
        if b.get("label"):
            labels[name] = b["label"]

go_line = re.compile(r"^BenchmarkKcpDesk/(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)$")
go = {}
for path in sorted(glob.glob(os.path.join(out_dir, "kcp-go-*.txt"))):
    with open(path) as f:
        for line in f:
            m = go_line.match(line.strip())
            if not m:
                continue
            row = go.setdefault("Benchmark" + m.group(1), new_row())
            wall, rest = float(m.group(2)), m.group(3)
            row["wall"].append(wall)
            if (cpu := re.search(r"([\d.]+) cpu-ns/op", rest)):
                row["cpu"].append(float(cpu.group(1)))
            if (mb := re.search(r"([\d.]+) MB/s", rest)):
                row["bytes"] = round(float(mb.group(1)) * wall / 1e3)
            if (al := re.search(r"(\d+) allocs/op", rest)):
                row["allocs"].append(int(al.group(1)))

def pick(row, which):
    values = row[which] if row else None
    if not values:
        return None
    return min(values) if stat == "min" else statistics.median(values)

def fmt_ns(v):
    if v is None:
        return "-"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"

def fmt_ratio(num, den):
    return "-" if not num or not den else f"{num / den:.2f}x"

def mbs(row, ns):
    return "-" if not row or not row["bytes"] or not ns else f"{row['bytes'] / ns * 1e3:,.0f}"

names = [n for n in order if row_filter.search(n)]
names += sorted(n for n in set(ours) | set(errors) if n not in names and row_filter.search(n))
header = ["benchmark", f"ours ns/op ({clock})", f"kcp-go ns/op ({clock})", "speed-up",
          f"({other_clock})", "target", "verdict", "ours MB/s", "kcp-go MB/s",
          "allocs/op ours / kcp-go"]
rows, misses, alloc_flags = [], [], []
for name in names:
    o, g = ours.get(name), go.get(name)
    o_ns, g_ns = pick(o, clock), pick(g, clock)
    target, target_text = targets.get(name, (None, "-"))
    speedup = g_ns / o_ns if o_ns and g_ns else None
    if name in errors:
        verdict = "ERROR"
    elif speedup is None:
        verdict = "n/a"
    elif target is None:
        verdict = "info"
    elif speedup >= target:
        verdict = "PASS"
    else:
        verdict = "MISS"
        misses.append(name)
    o_allocs = max(o["allocs"]) if o and o["allocs"] else None
    g_allocs = max(g["allocs"]) if g and g["allocs"] else None
    alloc_text = "-" if o_allocs is None else f"{o_allocs:.3g}"
    if o_allocs is not None and o_allocs > 0:
        alloc_text += " ALLOC!"
        alloc_flags.append(name)
    alloc_text += " / " + ("-" if g_allocs is None else str(g_allocs))
    rows.append([name, fmt_ns(o_ns), fmt_ns(g_ns), fmt_ratio(g_ns, o_ns),
                 fmt_ratio(pick(g, other_clock), pick(o, other_clock)), target_text, verdict,
                 mbs(o, o_ns), mbs(g, g_ns), alloc_text])

widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
right = {1, 2, 3, 4, 7, 8}
def line(cells):
    return " | ".join(c.rjust(w) if i in right else c.ljust(w)
                      for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
print(line(header))
print("-+-".join("-" * w for w in widths))
for r in rows:
    print(line(r))
print()

if labels:
    print("our code paths: " + ", ".join(f"{n.removeprefix('Benchmark')}={l}"
                                         for n, l in labels.items() if row_filter.search(n)))
for name, message in errors.items():
    print(f"ERROR {name}: {message}")
print(f"""notes: speed-up = kcp-go ns/op / ours ns/op on {clock} time (higher is better for us); the
  ({other_clock}) column is the same ratio on {other_clock} time. cpu = CPU time of the benchmark
  thread. MB/s = 1e6 bytes/s as Go prints it (crypt rows count encrypt + decrypt: 2 x 1500 B).
  Crypt rows are in place on our side, out of place (dst, src) in kcp-go: None therefore does
  nothing here and copies 1500 bytes there, so its ratio says nothing. AES128Encrypt/Decrypt
  are benchCrypt split in two on both sides. FECDecode feeds real 10/3 groups (kcp-go's feeds
  zero packets, whose size field our decoder rejects). Flush takes no lock (kcp-go's bench
  takes an uncontended sync.Mutex). allocs/op ours counts operator new and the malloc family
  inside the timed loop.
""")
summary = f"targets: {sum(1 for r in rows if r[6] == 'PASS')} PASS, {len(misses)} MISS"
if misses:
    summary += " (" + ", ".join(n.removeprefix("Benchmark") for n in misses) + ")"
if alloc_flags:
    summary += f"; ALLOCATING on our side: {', '.join(alloc_flags)}"
else:
    summary += "; allocs/op: 0 on every row of ours"
print(summary)
print(f"raw results: {out_dir}/")
EOF
