#!/usr/bin/env bash
# Issue 16's control for "a JWT issuance costs no more than one signature over an opaque one", at the server:
#   bash bench/signing-control.sh            (BENCH_ROUNDS=3 rounds of 5 s runs after BENCH_WARMUP s of warm-up;
#                                             BENCH_PERF=1 adds perf per module)
#
# A JWT scenario answers fewer requests per second than its opaque twin (each request carries a signature), and a
# server's CPU per request rises as its request rate falls: fewer tokens per batched commit, more thread wake-ups and
# context switches per request. So "JWT minus opaque" at saturation holds the signature AND that rate effect. This
# script separates them with two controls, in a build patched by bench/signing-control.patch (never shipped):
# - a client named bench-sig-* makes one signature with the current key of its algorithm over a JWT-sized input (the
#   signature alone: no claims, no JSON, no base64url), discards it, then answers and stores an opaque token;
# - a client named bench-ctl-* runs the whole JWT issuance (claims, jti, signature, hash), then answers and stores an
#   opaque token.
# Each carries the signature at the rate a signing server runs, with caches as a server leaves them, so
#   signature - opaque = one signature as it costs inside the server (+ the rate effect);
#   JWT - signature    = everything a JWT costs beyond its one signature (claims, JSON, base64url, the longer
#                        answer): issue 16's "no more than one signature over an opaque one" is this being ~0;
#   JWT - control      = what answering a JWT costs beyond issuing it (a longer body), ~0 expected.
# Scenarios (client_credentials, iOFFICE dialect, 32 connections, one Keycard pinned to core $BENCH_SERVER_CORE, run
# in turn round by round): op (opaque), srs/ses (signature only, RS256/ES256), crs/ces (control), rs/es (JWT).
# BENCH_CONTROL_SCENARIOS picks some (e.g. "op ses ces es"; the differences need op and the pair's members).
# Closed loop by default; BENCH_CONTROL_RATE=<req/s> paces every measured run at that one offered rate (warm-ups
# stay closed-loop), so every scenario has the same batching and wake-ups per request and the rate effect cancels.
# Per run: server CPU ms per request (/proc ticks), context switches per request (all threads), req/s; with
# BENCH_PERF=1, perf record (cpu-clock) per run and the CPU per request split into libcrypto (the signatures), JIT'd
# code, the runtime, libc, SQLite and the kernel. One signature alone (bench-tool sign-cost) before and after.
# Output: bench/results/control-<UTC time>/ (runs.tsv, summary.md). Wrap it in flock on a shared machine.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${BENCH_ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_DURATION:-5}
RATE=${BENCH_CONTROL_RATE:-}
[[ -z "$RATE" || "$RATE" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONTROL_RATE must be a whole number of requests per second, got '$RATE'"
read -r -a SCENARIOS <<<"${BENCH_CONTROL_SCENARIOS:-op srs crs rs ses ces es}"
for s in "${SCENARIOS[@]}"; do
  [[ " op srs crs rs ses ces es " == *" $s "* ]] || die "BENCH_CONTROL_SCENARIOS: unknown scenario '$s' (op srs crs rs ses ces es)"
done
((${#SCENARIOS[@]} > 0)) || die "BENCH_CONTROL_SCENARIOS names no scenario"
# Tiered compilation needs 30-45 s of load before the JIT's code is final (docs/benchmarks.md).
WARMUP=${BENCH_WARMUP:-$SECONDS_PER_RUN}
[[ "$WARMUP" =~ ^[1-9][0-9]*$ ]] || die "BENCH_WARMUP must be a whole number of seconds, got '$WARMUP'"
CONNS=${BENCH_CONNECTIONS:-32}
RESULTS="$BENCH_DIR/results/control-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"
trap 'stop_server' EXIT
ensure_tools
command -v perf >/dev/null || die "needs perf (linux-perf): context switches per request, and BENCH_PERF=1's profile"

# The control build: this tree (uncommitted changes included) with the patch, in a temporary directory; or
# BENCH_CONTROL_BIN, a control build made before (e.g. outside the benchmark lock).
BUILD=$(mktemp -d /tmp/keycard-signing-control.XXXXXX)
if [[ -n "${BENCH_CONTROL_BIN:-}" ]]; then
  KEYCARD_BIN=$BENCH_CONTROL_BIN
else
  rev=$(git -C "$ROOT" stash create || true)
  git -C "$ROOT" archive "${rev:-HEAD}" | tar -x -C "$BUILD"
  (cd "$BUILD" && patch -s -p1 <"$BENCH_DIR/signing-control.patch") || die "bench/signing-control.patch does not apply to this tree"
  log "building the control build in $BUILD"
  dotnet build "$BUILD/src/Keycard.Server/Keycard.Server.csproj" -c Release --nologo -v q >/dev/null || die "build of the control build"
  dotnet build "$BENCH_DIR/Keycard.BenchTool/Keycard.BenchTool.csproj" -c Release --nologo -v q >/dev/null || die "build of bench/Keycard.BenchTool"
  KEYCARD_BIN="$BUILD/src/Keycard.Server/bin/Release/net10.0/keycard"
fi
[[ "${BENCH_BUILD_ONLY:-0}" != 1 ]] || { log "control build: $KEYCARD_BIN"; exit 0; }

DB="$RESULTS/keycard.db"
printf 'pw-%s\n' "$RANDOM$RANDOM" | keycard_cli "$DB" user add bench --email bench@keycard.local --first-name B --last-name U --password-stdin >/dev/null
# Every client has the same registration but its format, algorithm and name (the resource too: aud of the JWTs).
add_client() { keycard_cli "$DB" client add "$1" --confidential --allow-client-credentials --resource https://api.bench.local/ --json "${@:2}" | json_field client_secret; }
declare -A ID=([op]=bench-cc [srs]=bench-sig-rs [ses]=bench-sig-es [crs]=bench-ctl-rs [ces]=bench-ctl-es [rs]=bench-cc-jwt [es]=bench-cc-es256) SECRET
SECRET[op]=$(add_client bench-cc)
SECRET[srs]=$(add_client bench-sig-rs)
SECRET[ses]=$(add_client bench-sig-es --signing-algorithm ES256)
SECRET[crs]=$(add_client bench-ctl-rs)
SECRET[ces]=$(add_client bench-ctl-es --signing-algorithm ES256)
SECRET[rs]=$(add_client bench-cc-jwt --access-token-format jwt)
SECRET[es]=$(add_client bench-cc-es256 --access-token-format jwt --signing-algorithm ES256)

SIGN=()
sign_cost() {
  local line
  line=$(taskset -c "$SERVER_CORE" "$TOOL_BIN" sign-cost --seconds 1)
  log "one signature alone: $line"; echo "$line" >>"$RESULTS/sign-cost.txt"; SIGN+=("$line")
}
sign_cost

PORT=$(free_port)
URL="http://127.0.0.1:$PORT/external/api/oauth2/token"
[[ "${BENCH_PERF:-0}" != 1 ]] || export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
start_keycard "$PORT" "$DB" "$RESULTS/keycard.log"
use() {
  reset_request
  export BENCH_METHOD=POST BENCH_PATH=/external/api/oauth2/token \
    BENCH_HEADERS="x-grant-type: client_credentials|x-client-id: ${ID[$1]}|x-client-secret: ${SECRET[$1]}"
}
# module SAMPLES_FILE: perf samples per group (dso) of one run.
modules() {
  perf report -i "$1" --stdio --no-children --sort dso -F sample,dso 2>/dev/null | awk '
    /^ +[0-9]/ {n = $1; $1 = ""; d = $0
      g = "other"
      if (d ~ /libcrypto/) g = "libcrypto"; else if (d ~ /\[JIT\]/) g = "jit"; else if (d ~ /kernel/) g = "kernel"
      else if (d ~ /libcoreclr/) g = "runtime"; else if (d ~ /libc\.so/) g = "libc"; else if (d ~ /sqlite/) g = "sqlite"
      s[g] += n}
    END {printf "libcrypto=%d jit=%d runtime=%d libc=%d sqlite=%d kernel=%d other=%d", s["libcrypto"], s["jit"], s["runtime"], s["libc"], s["sqlite"], s["kernel"], s["other"]}'
}

log "warm-up: ${WARMUP}s opaque, then 2 s of each scenario"
use op; run_wrk "$RESULTS/wrk-warmup.txt" "$URL" "$WARMUP" "$CONNS" 10 >/dev/null
for s in "${SCENARIOS[@]}"; do use "$s"; run_wrk "$RESULTS/wrk-warmup-$s.txt" "$URL" 2 "$CONNS" 10 >/dev/null; done
printf 'round\tscenario\trps\trequests\tcpu_ms_per_request\tswitches_per_request\tload\tproblems\tperf_samples\n' >"$RESULTS/runs.tsv"
FAILED=0
for ((round = 1; round <= ROUNDS; round++)); do
  for s in "${SCENARIOS[@]}"; do
    use "$s"
    [[ -z "$RATE" ]] || export BENCH_RATE=$RATE
    out="$RESULTS/wrk-$s-$round.txt"
    c0=$(cpu_ticks "$SERVER_PID")
    # Context switches of every server thread over the run (perf stat; /proc loses the threads that exit).
    taskset -c "$LOAD_CORE" perf stat -x, -e context-switches -p "$SERVER_PID" -o "$RESULTS/switches-$s-$round.txt" -- sleep "$SECONDS_PER_RUN" 2>/dev/null &
    sp=$!
    if [[ "${BENCH_PERF:-0}" == 1 ]]; then
      taskset -c "$LOAD_CORE" perf record -q -e cpu-clock -F 1999 -p "$SERVER_PID" -o "$RESULTS/perf-$s-$round.data" -- sleep "$SECONDS_PER_RUN" 2>/dev/null &
      rp=$!
    fi
    line=$(run_wrk "$out" "$URL" "$SECONDS_PER_RUN" "$CONNS" 10)
    [[ "${BENCH_PERF:-0}" != 1 ]] || wait "$rp" || true
    wait "$sp" || true
    c1=$(cpu_ticks "$SERVER_PID")
    x=$(awk -F, '$3 == "context-switches" {print $1 + 0}' "$RESULTS/switches-$s-$round.txt")
    problems=$(check_run "$line" "$out"); [[ -z "$problems" ]] || FAILED=1
    n=$(field requests "$line")
    samples=""; [[ "${BENCH_PERF:-0}" != 1 ]] || samples=$(modules "$RESULTS/perf-$s-$round.data")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$s" "$(field rps "$line")" "$n" \
      "$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" -v n="$n" 'BEGIN {printf "%.4f", 1000 * t / hz / n}')" \
      "$(awk -v t="${x:-0}" -v n="$n" 'BEGIN {printf "%.2f", t / n}')" "$(cut -d' ' -f1 /proc/loadavg)" "${problems:-none}" "$samples" >>"$RESULTS/runs.tsv"
    log "round $round $s: $(tail -1 "$RESULTS/runs.tsv" | cut -f3-8)"
  done
done
stop_server
sign_cost
[[ -n "${BENCH_CONTROL_BIN:-}" ]] || rm -rf "$BUILD"

python3 - "$RESULTS" "$RATE" "${SIGN[@]}" >"$RESULTS/summary.md" <<'PY'
import sys, statistics, re
d = sys.argv[1]
sig = {"RS256": [], "ES256": []}
for line in sys.argv[3:]:
    sig["RS256"].append(float(re.search(r"rs256_cpu_ms=([\d.]+)", line).group(1)))
    sig["ES256"].append(float(re.search(r"es256_cpu_ms=([\d.]+)", line).group(1)))
one = {k: statistics.mean(v) for k, v in sig.items()}
rows = [l.rstrip("\n").split("\t") for l in open(d + "/runs.tsv")][1:]
by = {}
for r in rows:
    by.setdefault(r[1], []).append(r)
med = lambda s, i: statistics.median(float(r[i]) for r in by[s])
names = {"op": "opaque", "srs": "signature RS256 (one signature, opaque answered)",
         "crs": "control RS256 (JWT issued, opaque answered)", "rs": "JWT RS256",
         "ses": "signature ES256 (one signature, opaque answered)",
         "ces": "control ES256 (JWT issued, opaque answered)", "es": "JWT ES256"}
order = ["op", "srs", "crs", "rs", "ses", "ces", "es"]
rate = sys.argv[2] if len(sys.argv) > 2 else ""
print("## Signing control (bench/signing-control.sh)%s\n" % (", every run at %s req/s" % rate if rate else ", closed loop"))
print("One signature alone (bench-tool sign-cost, before/after): RS256 %s ms, ES256 %s ms.\n" % (
    " / ".join("%.4f" % v for v in sig["RS256"]), " / ".join("%.4f" % v for v in sig["ES256"])))
print("| scenario | req/s (median) | CPU ms/request (median) | context switches/request | load average |")
print("|---|---:|---:|---:|---|")
order = [s for s in order if s in by]
for s in order:
    print("| %s | %.0f | %.4f | %.2f | %s |" % (names[s], med(s, 2), med(s, 4), med(s, 5), " ".join(r[6] for r in by[s])))
# Differences per round (same round, run in turn), then the median.
def diff(a, b):
    return statistics.median(float(x[4]) - float(y[4]) for x, y in zip(by[a], by[b]))
inside = {alg: diff(s, "op") for alg, s in [("RS256", "srs"), ("ES256", "ses")] if s in by and "op" in by}
print("\n| difference (median of the per-round differences) | ms/request | in signatures alone | in signatures in the server |")
print("|---|---:|---:|---:|")
pairs = [("rs", "op", "RS256"), ("srs", "op", "RS256"), ("rs", "srs", "RS256"), ("crs", "srs", "RS256"), ("rs", "crs", "RS256"),
         ("es", "op", "ES256"), ("ses", "op", "ES256"), ("es", "ses", "ES256"), ("ces", "ses", "ES256"), ("es", "ces", "ES256")]
pairs = [p for p in pairs if p[0] in by and p[1] in by]
for a, b, alg in pairs:
    v = diff(a, b)
    print("| %s - %s | %+.4f | %.2f | %s |" % (names[a], names[b], v, v / one[alg], "%.2f" % (v / inside[alg]) if alg in inside else "-"))
print("\nIn signatures alone: against bench-tool sign-cost (a loop of signatures, caches hot). In signatures in the")
print("server: against \"signature - opaque\" of this run (one signature as the server pays it, with the rate effect).")
if rows and rows[0][8]:
    print("\nperf (cpu-clock, 1999 Hz): CPU ms per request by module, summed over the rounds.\n")
    groups = ["libcrypto", "jit", "runtime", "libc", "sqlite", "kernel", "other"]
    print("| scenario | " + " | ".join(groups) + " | total |")
    print("|---|" + "---:|" * (len(groups) + 1))
    per = {}
    for s in order:
        n = sum(int(r[3]) for r in by[s])
        tot = {g: 0 for g in groups}
        for r in by[s]:
            for kv in r[8].split():
                k, v = kv.split("="); tot[k] += int(v)
        per[s] = {g: tot[g] / 1999 * 1000 / n for g in groups}
        print("| %s | " % names[s] + " | ".join("%.4f" % per[s][g] for g in groups) + " | %.4f |" % sum(per[s].values()))
    for a, b, _ in pairs:
        print("| %s - %s | " % (a, b) + " | ".join("%+.4f" % (per[a][g] - per[b][g]) for g in groups) + " | %+.4f |" % (sum(per[a].values()) - sum(per[b].values())))
    print("\nop = opaque, srs/ses = signature only, crs/ces = control, rs/es = JWT.")
PY
cat "$RESULTS/summary.md"
log "wrote $RESULTS/summary.md"
((FAILED == 0)) || die "a run had non-2xx answers or errors (see runs.tsv)"
