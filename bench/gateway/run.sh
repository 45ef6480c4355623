#!/usr/bin/env bash
# Issue 17's gateway comparison: the same GET to a trivial upstream (bench/Ceiling's /get)
#   (a) through bare YARP with no token check (bench/gateway/BareProxy), and
#   (b) through `keycard serve --upstream` with a valid access token in x-access-token,
# each proxy pinned alone to $SERVER_CORE; wrk and the upstream share $LOAD_CORE in both scenarios.
# Target: (b) >= 70% of (a)'s requests/s, p99 within 2 ms of (a)'s. Prints req/s, p50/p99 and server CPU per request.
# Run on a quiet machine only: bash bench/gateway/run.sh [seconds per run, default 20]
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
DURATION="${1:-20}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
BARE_BIN="$BENCH_DIR/gateway/BareProxy/bin/Release/net10.0/bare-proxy"
WORK="$(mktemp -d)"
UPSTREAM_PID=""
cleanup() {
  stop_server
  if [[ -n "$UPSTREAM_PID" ]]; then kill -TERM "$UPSTREAM_PID" 2>/dev/null || true; wait "$UPSTREAM_PID" 2>/dev/null || true; fi
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

# run_wrk NAME URL [HEADER]: warm up, then one measured run; prints one result line.
run_wrk() {
  local name=$1 url=$2 header=${3:-}
  local args=(-t1 -c"$CONNECTIONS" --latency)
  [[ -n "$header" ]] && args+=(-H "$header")
  taskset -c "$LOAD_CORE" wrk "${args[@]}" -d5s "$url" >/dev/null
  local before after out requests
  before=$(cpu_ticks "$SERVER_PID")
  out=$(taskset -c "$LOAD_CORE" wrk "${args[@]}" -d"${DURATION}s" "$url")
  after=$(cpu_ticks "$SERVER_PID")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  local non2xx; non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); [[ -z "$non2xx" ]] || die "$name: $non2xx non-2xx answers"
  awk -v n="$name" -v r="$requests" -v d="$DURATION" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
    END {printf "%-8s %10.0f req/s  p50 %-8s p99 %-8s cpu/request %.1f us\n", n, r / d, p50, p99, 1e6 * t / hz / r}' <<<"$out"
}

# (a) bare YARP.
PORT=$(free_port)
start_server "$WORK/bare.log" "$BARE_BIN" --urls "http://127.0.0.1:$PORT" --upstream "http://127.0.0.1:$UP_PORT" --Logging:LogLevel:Default=Warning
wait_http "http://127.0.0.1:$PORT/healthz" || die "bare proxy did not start"
run_wrk bare "http://127.0.0.1:$PORT/external/api/rest/v2/get"
stop_server

# (b) Keycard's gateway, with a client-credentials token.
DB="$WORK/keycard.db"
SECRET=$("$KEYCARD_BIN" client add bench-gw --redirect-uri https://bench.example/cb --confidential --allow-client-credentials --json --database "$DB" |
  sed -n 's/.*"client_secret": *"\([^"]*\)".*/\1/p')
[[ -n "$SECRET" ]] || die "could not register the bench client"
PORT=$(free_port)
start_server "$WORK/keycard.log" "$KEYCARD_BIN" serve --urls "http://127.0.0.1:$PORT" --database "$DB" \
  --upstream "http://127.0.0.1:$UP_PORT" --Logging:LogLevel:Default=Warning
wait_http "http://127.0.0.1:$PORT/healthz" || die "keycard did not start"
TOKEN=$(curl -sf -u "bench-gw:$SECRET" -d grant_type=client_credentials "http://127.0.0.1:$PORT/oauth2/token" |
  sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
[[ -n "$TOKEN" ]] || die "could not get a token"
run_wrk gateway "http://127.0.0.1:$PORT/external/api/rest/v2/get" "x-access-token: $TOKEN"
stop_server
