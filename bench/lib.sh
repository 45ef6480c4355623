#!/usr/bin/env bash
# Shared by bench/run.sh, bench/memory.sh and bench/profile.sh. Source it; it defines functions only.
# Servers run pinned to core $SERVER_CORE, wrk to core $LOAD_CORE; every process started here is stopped by its PID.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
SERVER_CORE="${BENCH_SERVER_CORE:-0}"
LOAD_CORE="${BENCH_LOAD_CORE:-1}"
# BENCH_KEYCARD_BIN: another build's keycard executable (a "before" copy), to compare two builds with bench/run.sh.
KEYCARD_BIN="${BENCH_KEYCARD_BIN:-$ROOT/src/Keycard.Server/bin/Release/net10.0/keycard}"
CEILING_BIN="$BENCH_DIR/Ceiling/bin/Release/net10.0/ceiling"
TOOL_BIN="$BENCH_DIR/Keycard.BenchTool/bin/Release/net10.0/Keycard.BenchTool"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# wrk, sqlite3 and curl come from Debian; install whichever is missing (root on these machines).
ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  command -v curl >/dev/null || missing+=(curl)
  command -v taskset >/dev/null || missing+=(util-linux)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    local sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  (($(nproc) >= 2)) || die "needs 2 cores (server on one, wrk on the other); this machine has $(nproc)"
}

build_all() {
  log "building Release: Keycard.Server, bench/Ceiling, bench/Keycard.BenchTool"
  dotnet build "$ROOT/src/Keycard.Server/Keycard.Server.csproj" -c Release --nologo -v q >/dev/null || die "build of Keycard.Server"
  dotnet build "$BENCH_DIR/Ceiling/Ceiling.csproj" -c Release --nologo -v q >/dev/null || die "build of bench/Ceiling"
  dotnet build "$BENCH_DIR/Keycard.BenchTool/Keycard.BenchTool.csproj" -c Release --nologo -v q >/dev/null || die "build of bench/Keycard.BenchTool"
}

# A free loopback port, chosen at random: scripts run at once on a shared machine (two benchmarks, a helper's tests)
# took the same first free port of a fixed range, and one's wrk then loaded the other's server.
free_port() {
  local port i
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + RANDOM % 10000))
    if ! (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port in 20000-29999"
}

# wait_http URL [seconds]
wait_http() {
  local url=$1 limit=${2:-60} i
  for ((i = 0; i < limit * 10; i++)); do
    curl -sf -o /dev/null "$url" && return 0
    sleep 0.1
  done
  return 1
}

SERVER_PID=""
# start_server LOGFILE COMMAND...: runs COMMAND pinned to the server core, sets SERVER_PID.
start_server() {
  local logfile=$1; shift
  taskset -c "$SERVER_CORE" "$@" >"$logfile" 2>&1 &
  SERVER_PID=$!
}

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

start_ceiling() {
  local port=$1 logfile=$2
  start_server "$logfile" "$CEILING_BIN" --urls "http://127.0.0.1:$port" --Logging:LogLevel:Default=Warning
  wait_http "http://127.0.0.1:$port/healthz" 60 || die "the ceiling app did not start (see $logfile)"
}

# start_keycard PORT DATABASE LOGFILE [host configuration…]
start_keycard() {
  local port=$1 db=$2 logfile=$3; shift 3
  start_server "$logfile" "$KEYCARD_BIN" serve --urls "http://127.0.0.1:$port" --database "$db" \
    --Logging:LogLevel:Default=Warning "$@"
  wait_http "http://127.0.0.1:$port/healthz" 120 || die "keycard did not start (see $logfile)"
  sleep 0.5
  kill -0 "$SERVER_PID" 2>/dev/null || die "keycard exited at start, another process answers on port $port (see $logfile)"
}

# keycard_cli DATABASE ARGS…: the admin CLI on the same database.
keycard_cli() {
  local db=$1; shift
  "$KEYCARD_BIN" "$@" --database "$db"
}

# run_wrk OUTFILE URL SECONDS CONNECTIONS TIMEOUT: one wrk run with bench/lua/scenario.lua; the BENCH_* variables
# configure the request. Prints the BENCH line. Fails when wrk failed or printed no BENCH line.
run_wrk() {
  local out=$1
  wrk_command "${@:2}"
  "${WRK_COMMAND[@]}" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
  bench_line "$out"
}

# wrk_command URL SECONDS CONNECTIONS TIMEOUT: sets WRK_COMMAND to that wrk run on the load core, for run_wrk or for
# a caller that runs it in the background (started as "${WRK_COMMAND[@]}" &, $! is wrk's own PID).
wrk_command() {
  local url=$1 seconds=$2 conns=$3 timeout=$4
  WRK_COMMAND=(env BENCH_THREADS=1 taskset -c "$LOAD_CORE" wrk -t1 -c"$conns" -d"${seconds}s" --timeout "${timeout}s"
    --latency -s "$BENCH_DIR/lua/scenario.lua" "$url")
}

# bench_line OUTFILE: the BENCH line of a finished wrk run; fails when it printed none.
bench_line() { grep '^BENCH ' "$1" || { cat "$1" >&2; die "wrk printed no BENCH line"; }; }

# field NAME LINE: the value of NAME=… in a BENCH line.
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# A wrk BENCH line is valid when every response was 2xx, nothing timed out or failed, no single-use value ran
# out, and wrk's own "Non-2xx or 3xx responses" line is absent.
check_run() {
  local line=$1 out=$2 problems=""
  [[ $(field non2xx "$line") == 0 ]] || problems+=" non-2xx=$(field non2xx "$line") ($(field statuses "$line"))"
  [[ $(field timeouts "$line") == 0 ]] || problems+=" timeouts=$(field timeouts "$line")"
  local errs=$(($(field connect_errors "$line") + $(field read_errors "$line") + $(field write_errors "$line")))
  ((errs == 0)) || problems+=" socket-errors=$errs"
  [[ $(field pool_exhausted "$line") == 0 ]] || problems+=" pool-exhausted (raise BENCH_CODES_PER_SECOND)"
  [[ $(field duplicates "$line") == 0 ]] || problems+=" duplicated-tokens=$(field duplicates "$line")"
  [[ $(field missing "$line") == 0 ]] || problems+=" answers-without-token=$(field missing "$line")"
  if grep -q 'Non-2xx or 3xx responses' "$out"; then problems+=" wrk:$(grep 'Non-2xx or 3xx responses' "$out" | tr -s ' ')"; fi
  echo "$problems"
}

# Unset every BENCH_* request variable so one scenario's settings never leak into the next.
reset_request() {
  unset BENCH_METHOD BENCH_PATH BENCH_HEADERS BENCH_BODY BENCH_POOL_FILE BENCH_POOL_HEADER BENCH_POOL_FORM \
    BENCH_CHAIN_FIELD BENCH_POOL_OUT BENCH_MAX_REQUESTS BENCH_RATE
}

# cpu_ticks PID: user + system CPU of a process so far, in clock ticks (/proc/PID/stat fields 14 and 15).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
CLK_TCK=$(getconf CLK_TCK)

# rss_kb PID: resident set size from /proc (VmRSS, kB).
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# json_field NAME: the string value of "NAME" in the JSON on stdin (flat objects; no jq needed).
json_field() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"; }

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL for a benchmark (bench/run.sh with BENCH_DATABASE=postgres, bench/postgres-vs-sqlite.sh).
# pg_start: scripts/postgres.sh installs and starts a local server on 127.0.0.1:5433 when none answers; sets
# KEYCARD_TEST_POSTGRES (the admin connection string). Keycard on PostgreSQL refuses to start without a key-encryption
# key shared by its nodes (docs/deployment.md): one is made for the run unless KEYCARD_KEY_ENCRYPTION_KEY is set.
pg_start() {
  eval "$(bash "$ROOT/scripts/postgres.sh")"
  export KEYCARD_KEY_ENCRYPTION_KEY="${KEYCARD_KEY_ENCRYPTION_KEY:-$(head -c 32 /dev/urandom | base64)}"
}
pg_psql() { PGPASSWORD=keycard psql -h 127.0.0.1 -p 5433 -U keycard -v ON_ERROR_STOP=1 -At -F ' ' "$@"; }
# pg_create_database NAME: a fresh database NAME; prints Keycard's connection string for it.
pg_create_database() {
  pg_psql -d postgres -c "CREATE DATABASE $1" >/dev/null || die "CREATE DATABASE $1"
  echo "${KEYCARD_TEST_POSTGRES/Database=postgres/Database=$1}"
}
# pin_postgres CORES: the local PostgreSQL's processes onto CORES (new backends inherit the postmaster's). The
# database is part of the server under test: its processes share the server's core, wrk keeps the other.
pin_postgres() {
  local pid
  for pid in $(pgrep -f "postgres.*-p 5433" || true) $(pgrep -f "postgres: " || true); do
    taskset -a -p -c "$1" "$pid" >/dev/null 2>&1 || true
  done
}
# pg_cpu_snapshot NAME: "PID TICKS" (user + system CPU so far, /proc/PID/stat) for every PostgreSQL process that
# works for database NAME: its backends and the cluster's shared processes (postmaster, checkpointer, background
# writer, walwriter, autovacuum, ...), not the backends of other databases (other users of a shared test cluster).
pg_cpu_snapshot() {
  local pid cmd
  for pid in $(pgrep -x postgres || true); do
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
    # A client backend's title is "postgres: USER DATABASE HOST(PORT) STATE" or "... [local] STATE".
    if [[ "$cmd" =~ ^postgres:\ [^\ ]+\ ([^\ ]+)\ ([0-9a-fA-F.:]+\([0-9]+\)|\[local\]) && "${BASH_REMATCH[1]}" != "$1" ]]; then
      continue
    fi
    awk -v p="$pid" '{print p, $14 + $15}' "/proc/$pid/stat" 2>/dev/null || true
  done
}
# pg_cpu_ticks BEFORE AFTER: the ticks used between two snapshots, over the processes alive at the end (one started
# in between counts whole; one that ended in between is lost, which Npgsql's pooled connections make rare).
pg_cpu_ticks() {
  awk 'NR == FNR {before[$1] = $2; next} {total += $2 - before[$1]} END {print total + 0}' <(echo "$1") <(echo "$2")
}
