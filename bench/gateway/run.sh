#!/usr/bin/env bash
# Issue 17's gateway comparison: the same GET to a trivial upstream (bench/Ceiling's /get)
#   (a) through bare YARP with no token check (bench/gateway/BareProxy), and
#   (b) through `keycard serve --upstream` with a valid access token in x-access-token,
# both proxies pinned to $SERVER_CORE (only the one under load is busy); wrk and the upstream share $LOAD_CORE.
# The two scenarios alternate (a, b, a, b, ...) for $ROUNDS rounds, so a machine whose load drifts (a shared one)
# affects both alike; each run's line and the median per scenario are printed.
# Target: (b) >= 70% of (a)'s requests/s, p99 within 2 ms of (a)'s. Prints req/s, p50/p99 and server CPU per request.
# bash bench/gateway/run.sh [seconds per run, default 20]   (BENCH_ROUNDS, default 3; BENCH_CONNECTIONS, default 64;
#   BENCH_WARMUP, seconds of load on each proxy before the first measured run, default 30: Keycard has far more code
#   than the bare proxy for the JIT to tier up (perf showed its tiering thread still compiling 15-30 s in: about 10 us
#   of each request's CPU in that window against about 4 us for bare YARP), and a short warm-up charged that to the
#   gateway's first rounds)
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
DURATION="${1:-20}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
ROUNDS="${BENCH_ROUNDS:-3}"
WARMUP="${BENCH_WARMUP:-30}"
BARE_BIN="$BENCH_DIR/gateway/BareProxy/bin/Release/net10.0/bare-proxy"
WORK="$(mktemp -d)"
mkdir "$WORK/cwd"
UPSTREAM_PID="" BARE_PID="" GATEWAY_PID=""
cleanup() {
  local pid
  for pid in "$BARE_PID" "$GATEWAY_PID" "$UPSTREAM_PID"; do
    if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

ensure_tools
build_all
dotnet build "$BENCH_DIR/gateway/BareProxy/BareProxy.csproj" -c Release --nologo -v q >/dev/null || die "build of bench/gateway/BareProxy"

# The upstream on the load core, shared by both scenarios.
UP_PORT=$(free_port)
taskset -c "$LOAD_CORE" "$CEILING_BIN" --urls "http://127.0.0.1:$UP_PORT" --Logging:LogLevel:Default=Warning >"$WORK/upstream.log" 2>&1 &
UPSTREAM_PID=$!
wait_http "http://127.0.0.1:$UP_PORT/healthz" || die "upstream did not start"

# cpu_ticks PID: user+system clock ticks the process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure NAME PID URL [HEADER]: one measured wrk run against the proxy PID; prints one result line.
measure() {
  local name=$1 pid=$2 url=$3 header=${4:-}
  local args=(-t1 -c"$CONNECTIONS" --latency)
  [[ -n "$header" ]] && args+=(-H "$header")
  local before after out requests
  before=$(cpu_ticks "$pid")
  out=$(taskset -c "$LOAD_CORE" wrk "${args[@]}" -d"${DURATION}s" "$url")
  after=$(cpu_ticks "$pid")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  local non2xx; non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); [[ -z "$non2xx" ]] || die "$name: $non2xx non-2xx answers"
  awk -v n="$name" -v r="$requests" -v d="$DURATION" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ {p50 = ms($2)} /^ +99%/ {p99 = ms($2)}
    END {printf "%-8s %10.0f req/s  p50 %8.2f ms  p99 %8.2f ms  cpu/request %7.1f us\n", n, r / d, p50, p99, 1e6 * t / hz / r}' <<<"$out"
}

warm() { # URL [HEADER]
  local args=(-t1 -c"$CONNECTIONS")
  [[ -n "${2:-}" ]] && args+=(-H "$2")
  taskset -c "$LOAD_CORE" wrk "${args[@]}" -d"${WARMUP}s" "$1" >/dev/null
}

# Both proxies run in the empty $WORK/cwd: the host watches its content root (the working directory) and everything below
# it for appsettings changes, and a profile run from a busy directory showed the watcher thread taking up to 1% of the
# proxy's CPU on other processes' file churn, unevenly between the two.
# (a) bare YARP.
BARE_PORT=$(free_port)
(cd "$WORK/cwd" && exec taskset -c "$SERVER_CORE" "$BARE_BIN" --urls "http://127.0.0.1:$BARE_PORT" --upstream "http://127.0.0.1:$UP_PORT" --Logging:LogLevel:Default=Warning >"$WORK/bare.log" 2>&1) &
BARE_PID=$!
wait_http "http://127.0.0.1:$BARE_PORT/healthz" || die "bare proxy did not start"

# (b) Keycard's gateway, with a client-credentials token (checked, stripped, and replaced by the signed upstream JWT).
DB="$WORK/keycard.db"
SECRET=$("$KEYCARD_BIN" client add bench-gw --redirect-uri https://bench.example/cb --confidential --allow-client-credentials --json --database "$DB" |
  sed -n 's/.*"client_secret": *"\([^"]*\)".*/\1/p')
[[ -n "$SECRET" ]] || die "could not register the bench client"
GW_PORT=$(free_port)
while [[ "$GW_PORT" == "$BARE_PORT" ]] || (echo >/dev/tcp/127.0.0.1/"$GW_PORT") 2>/dev/null; do GW_PORT=$((GW_PORT + 1)); done
(cd "$WORK/cwd" && exec taskset -c "$SERVER_CORE" "$KEYCARD_BIN" serve --urls "http://127.0.0.1:$GW_PORT" --database "$DB" \
  --upstream "http://127.0.0.1:$UP_PORT" --Logging:LogLevel:Default=Warning >"$WORK/keycard.log" 2>&1) &
GATEWAY_PID=$!
wait_http "http://127.0.0.1:$GW_PORT/healthz" || die "keycard did not start"
TOKEN=$(curl -sf -u "bench-gw:$SECRET" -d grant_type=client_credentials "http://127.0.0.1:$GW_PORT/oauth2/token" |
  sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
[[ -n "$TOKEN" ]] || die "could not get a token"

BARE_URL="http://127.0.0.1:$BARE_PORT/external/api/rest/v2/get"
GW_URL="http://127.0.0.1:$GW_PORT/external/api/rest/v2/get"
warm "$BARE_URL"
warm "$GW_URL" "x-access-token: $TOKEN"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$WORK/results"
for ((round = 1; round <= ROUNDS; round++)); do
  measure bare "$BARE_PID" "$BARE_URL" | tee -a "$WORK/results"
  measure gateway "$GATEWAY_PID" "$GW_URL" "x-access-token: $TOKEN" | tee -a "$WORK/results"
done
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "median of $ROUNDS runs each, $DURATION s per run, $CONNECTIONS connections:"
for name in bare gateway; do
  grep "^$name " "$WORK/results" | awk -v n="$name" '
    {r[NR] = $2; p50[NR] = $5; p99[NR] = $8; cpu[NR] = $11}
    function median(a, k,   i, j, t, b) { for (i = 1; i <= k; i++) b[i] = a[i]
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
      return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2 }
    END {printf "%-8s %10.0f req/s  p50 %8.2f ms  p99 %8.2f ms  cpu/request %7.1f us\n", n, median(r, NR), median(p50, NR), median(p99, NR), median(cpu, NR)}'
done
grep "^bare " "$WORK/results" >"$WORK/bare"; grep "^gateway " "$WORK/results" >"$WORK/gateway"
echo "per round, gateway against bare YARP (target: >= 70% of its req/s, p99 within 2 ms):"
paste "$WORK/bare" "$WORK/gateway" | awk '{printf "round %d: %5.1f%% of the req/s, p99 %+6.2f ms, %.2f times the CPU per request\n", NR, 100 * $14 / $2, $20 - $8, $23 / $11}'
