#!/usr/bin/env bash
# Side-by-side comparison of two Keycard configurations (or two builds), for costs smaller than the noise of one
# machine between two separate bench/run.sh runs: both servers run at once on the same SQLite file, pinned to the
# same core, and their wrk runs are interleaved (A B, then B A, ...), so whatever else loads the machine falls on
# both alike. Reported per run: req/s and the server's CPU ms per request (perf stat task-clock), then medians and B/A.
#
#   AB_A="--Keycard:Telemetry:Metrics=false" AB_B="--Keycard:Telemetry:Metrics=true" bash bench/ab.sh
#   AB_B_BIN=/other/tree/src/Keycard.Server/bin/Release/net10.0/keycard bash bench/ab.sh     (two builds)
#
# Settings (environment):
#   AB_A, AB_B              extra `keycard serve` arguments of each side (host configuration, space separated)
#   AB_A_BIN, AB_B_BIN      the keycard executable of each side (default: this tree's Release build)
#   AB_SCENARIOS            any of: users_me client_credentials tokeninfo client_credentials_jwt_rs256
#                           client_credentials_jwt_es256 (default: users_me client_credentials); the JWT ones are
#                           client_credentials for clients registered with JWT access tokens (RFC 9068) signed RS256 or
#                           ES256, so "JWT over opaque" is read beside client_credentials in the same run (issue 16)
#   AB_ROUNDS=5             interleaved rounds; each round runs every scenario once on each side
#   AB_DURATION=5           seconds per run (short runs and many rounds resolve small differences better);  AB_CONNECTIONS=32;  AB_WARMUP=10 seconds per side and scenario first
#   AB_RATE                 a fixed offered rate in req/s for the measured runs (wrk paced by BENCH_RATE in
#                           bench/lua/scenario.lua; warm-ups stay closed-loop): the cost per request below saturation,
#                           where a server's CPU per request is dominated by wake-ups and commits rather than work
#   AB_LOG_LEVEL=Warning    Logging:LogLevel:Default of both sides (the request log is on at Information)
#   AB_SEPARATE_DB=0        1: each side gets its own SQLite file, seeded with its own executable (for two builds whose
#                           schemas differ, e.g. before and after a migration); only client_credentials then
# Results: bench/results/ab-<UTC time>/runs.tsv and summary.md. Exits 1 when any answer was not 2xx.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${AB_ROUNDS:-5}
DURATION=${AB_DURATION:-5}
CONNS=${AB_CONNECTIONS:-32}
WARMUP=${AB_WARMUP:-10}
SCENARIOS=${AB_SCENARIOS:-users_me client_credentials}
LEVEL=${AB_LOG_LEVEL:-Warning}
A_BIN=${AB_A_BIN:-$KEYCARD_BIN}
B_BIN=${AB_B_BIN:-$KEYCARD_BIN}
SEPARATE=${AB_SEPARATE_DB:-0}
# A rate wrk cannot pace (empty, zero, not a whole number) would silently run closed-loop instead.
[[ -z "${AB_RATE:-}" || "$AB_RATE" =~ ^[1-9][0-9]*$ ]] || { echo "AB_RATE must be a whole number of requests per second, got '$AB_RATE'" >&2; exit 2; }
if [[ "$SEPARATE" == 1 ]]; then
  SCENARIOS=${AB_SCENARIOS:-client_credentials}
  [[ "$SCENARIOS" == client_credentials ]] || { echo "AB_SEPARATE_DB=1 measures client_credentials only" >&2; exit 2; }
fi
read -r -a A_ARGS <<<"${AB_A:-}"
read -r -a B_ARGS <<<"${AB_B:-}"

RESULTS="$BENCH_DIR/results/ab-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"
RUNS="$RESULTS/runs.tsv"
printf 'round\tside\tscenario\trps\tp99_ms\tserver_cpu_ms_per_request\tnon2xx\tcontext_switches_per_request\n' >"$RUNS"
ensure_tools
[[ -n "${AB_A_BIN:-}" && -n "${AB_B_BIN:-}" ]] || build_all

PIDS=()
cleanup() { local pid; for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# seed BIN DB: a user, a public web client and a confidential client-credentials client, through BIN's own CLI;
# sets CC_SECRET and USER_ID.
seed() {
  local bin=$1 db=$2
  USER_ID=$(printf '%s\n' "$PASSWORD" | "$bin" user add bench --email bench@keycard.local --first-name Bench \
    --last-name User --password-stdin --database "$db" | sed -n 's/.*with id \([0-9]*\).*/\1/p')
  [[ -n "$USER_ID" ]] || die "keycard user add printed no id"
  "$bin" client add bench-web --name "Bench Web" --redirect-uri "http://127.0.0.1/cb" --database "$db" >/dev/null
  CC_SECRET=$("$bin" client add bench-cc --name "Bench Service" --confidential --allow-client-credentials \
    --redirect-uri "http://127.0.0.1/cb" --json --database "$db" | json_field client_secret)
  [[ -n "$CC_SECRET" ]] || die "keycard client add --json printed no client_secret"
}
PASSWORD="bench-password-$RANDOM$RANDOM"
if [[ "$SEPARATE" == 1 ]]; then
  DB_A="$RESULTS/keycard-A.db"; DB_B="$RESULTS/keycard-B.db"
  seed "$A_BIN" "$DB_A"; CC_SECRET_A=$CC_SECRET
  seed "$B_BIN" "$DB_B"; CC_SECRET_B=$CC_SECRET
else
  DB_A="$RESULTS/keycard.db"; DB_B=$DB_A
  seed "$A_BIN" "$DB_A"; CC_SECRET_A=$CC_SECRET; CC_SECRET_B=$CC_SECRET
  if [[ " $SCENARIOS " == *" client_credentials_jwt_"* ]]; then
    CC_RS256_SECRET=$("$A_BIN" client add bench-cc-jwt --name "Bench JWT RS256" --confidential --allow-client-credentials \
      --access-token-format jwt --signing-algorithm RS256 --redirect-uri "http://127.0.0.1/cb" --json --database "$DB_A" | json_field client_secret)
    CC_ES256_SECRET=$("$A_BIN" client add bench-cc-es256 --name "Bench JWT ES256" --confidential --allow-client-credentials \
      --access-token-format jwt --signing-algorithm ES256 --redirect-uri "http://127.0.0.1/cb" --json --database "$DB_A" | json_field client_secret)
    [[ -n "$CC_RS256_SECRET" && -n "$CC_ES256_SECRET" ]] || die "keycard client add --access-token-format jwt printed no client_secret"
  fi
  "$TOOL_BIN" codes --database "$DB_A" --client bench-web --user-id "$USER_ID" --count 1 --lifetime 00:30:00 --out "$RESULTS/code.txt"
fi

# start_side NAME BIN DB ARGS...: sets PORT_<NAME> and PID_<NAME>.
start_side() {
  local name=$1 bin=$2 db=$3 port; shift 3
  # A random port: other bench scripts on the machine start servers at the same time.
  for ((;;)); do port=$((20000 + RANDOM % 10000)); (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break; done
  taskset -c "$SERVER_CORE" "$bin" serve --urls "http://127.0.0.1:$port" --database "$db" \
    --Logging:LogLevel:Default="$LEVEL" "$@" >"$RESULTS/keycard-$name.log" 2>&1 &
  PIDS+=($!)
  printf -v "PID_$name" '%s' "$!"
  printf -v "PORT_$name" '%s' "$port"
  wait_http "http://127.0.0.1:$port/healthz" 120 && kill -0 "$!" 2>/dev/null || die "keycard $name did not start (see $RESULTS/keycard-$name.log)"
  log "side $name: pid $! port $port, $bin ${*:-(no extra arguments)}"
}
start_side A "$A_BIN" "$DB_A" "${A_ARGS[@]}"
start_side B "$B_BIN" "$DB_B" "${B_ARGS[@]}"

AT=""
[[ "$SEPARATE" == 1 ]] || answer=$(curl -s -X POST "http://127.0.0.1:$PORT_A/external/api/oauth2/token" -H 'x-grant-type: authorization_code' \
  -H 'x-client-id: bench-web' -H 'x-scope: email' -H "x-redirect-uri: http://127.0.0.1/cb" -H "x-auth-code: $(head -1 "$RESULTS/code.txt")")
[[ "$SEPARATE" == 1 ]] || AT=$(json_field access_token <<<"$answer")
[[ "$SEPARATE" == 1 || -n "$AT" ]] || die "setup code exchange failed: $answer"

# scenario NAME SIDE: exports the request of that scenario.
scenario() {
  local secret=CC_SECRET_$2
  reset_request
  case "$1" in
    users_me) export BENCH_METHOD=GET BENCH_PATH=/external/api/rest/v2/users/me BENCH_HEADERS="x-access-token: $AT" ;;
    tokeninfo) export BENCH_METHOD=GET BENCH_PATH=/external/api/oauth2/tokeninfo BENCH_HEADERS="x-token: $AT" ;;
    client_credentials) export BENCH_METHOD=POST BENCH_PATH=/external/api/oauth2/token \
      BENCH_HEADERS="x-grant-type: client_credentials|x-client-id: bench-cc|x-client-secret: ${!secret}" ;;
    client_credentials_jwt_rs256) export BENCH_METHOD=POST BENCH_PATH=/external/api/oauth2/token \
      BENCH_HEADERS="x-grant-type: client_credentials|x-client-id: bench-cc-jwt|x-client-secret: $CC_RS256_SECRET" ;;
    client_credentials_jwt_es256) export BENCH_METHOD=POST BENCH_PATH=/external/api/oauth2/token \
      BENCH_HEADERS="x-grant-type: client_credentials|x-client-id: bench-cc-es256|x-client-secret: $CC_ES256_SECRET" ;;
    *) die "unknown scenario $1" ;;
  esac
}

# The server's CPU time over a run in ms: perf stat's task-clock counts every thread, also those that end during the
# run (a sum over /proc/PID/task misses those; /proc/PID/stat counts in 10 ms ticks, too coarse for short runs).
cpu_start() { perf stat -e task-clock,context-switches -x, -p "$1" -o "$2" 2>/dev/null & PERF_PID=$!; sleep 0.2; }
# Not in a $(...) subshell: only this shell can wait for perf to write its count.
cpu_stop() { kill -INT "$PERF_PID" 2>/dev/null; wait "$PERF_PID" 2>/dev/null || true; CPU_MS=$(awk -F, '/task-clock/ {print $1}' "$1"); CS=$(awk -F, '/context-switches/ {print $1}' "$1"); }
command -v perf >/dev/null || die "ab.sh needs perf (Debian: linux-perf)"

FAILED=0
# one SIDE SCENARIO ROUND SECONDS
one() {
  local side=$1 name=$2 round=$3 seconds=$4 pid port cpu_ms line out problems
  pid=PID_$side; port=PORT_$side
  scenario "$name" "$side"
  [[ -z "${AB_RATE:-}" || "$round" == warmup ]] || export BENCH_RATE=$AB_RATE
  out="$RESULTS/wrk-$name-$side-$round.txt"
  cpu_start "${!pid}" "$out.perf"
  line=$(run_wrk "$out" "http://127.0.0.1:${!port}$BENCH_PATH" "$seconds" "$CONNS" 10)
  cpu_stop "$out.perf"
  cpu_ms=${CPU_MS:-0}
  problems=$(check_run "$line" "$out")
  [[ -z "$problems" ]] || { FAILED=1; log "$side $name round $round: PROBLEMS$problems"; }
  [[ "$round" != warmup ]] || return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$side" "$name" "$(field rps "$line")" \
    "$(awk -v u="$(field p99_us "$line")" 'BEGIN{printf "%.2f", u/1000}')" \
    "$(awk -v t="$cpu_ms" -v n="$(field requests "$line")" 'BEGIN {printf "%.4f", (n > 0 ? t / n : 0)}')" \
    "$(field non2xx "$line")" "$(awk -v c="${CS:-0}" -v n="$(field requests "$line")" 'BEGIN {printf "%.2f", (n > 0 ? c / n : 0)}')" >>"$RUNS"
  log "$side $name round $round: $(field rps "$line") req/s, $(tail -1 "$RUNS" | cut -f6) ms CPU/request"
}

for name in $SCENARIOS; do one A "$name" warmup "$WARMUP"; one B "$name" warmup "$WARMUP"; done
for ((round = 1; round <= ROUNDS; round++)); do
  for name in $SCENARIOS; do
    if ((round % 2)); then one A "$name" "$round" "$DURATION"; one B "$name" "$round" "$DURATION"
    else one B "$name" "$round" "$DURATION"; one A "$name" "$round" "$DURATION"; fi
  done
done

median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -F'\t' -v s="$1" -v n="$2" -v k="$3" 'NR > 1 && $2 == s && $3 == n {print $k}' "$RUNS"; }
{
  echo "## A/B $(date -u +%Y-%m-%dT%H:%MZ), load average before $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "- A: ${A_BIN#"$ROOT"/} ${AB_A:-}"
  echo "- B: ${B_BIN#"$ROOT"/} ${AB_B:-}"
  echo "- $ROUNDS interleaved rounds of ${DURATION}s per side and scenario${AB_RATE:+ at a fixed $AB_RATE req/s}, $CONNS connections, both servers on core $SERVER_CORE, wrk on core $LOAD_CORE, log level $LEVEL"
  echo
  echo "| scenario | A req/s | B req/s | B/A req/s | A CPU ms/req | B CPU ms/req | B/A CPU (medians) | B/A CPU (median of rounds) | B/A CPU per round, sorted | context switches/req A, B |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
  for name in $SCENARIOS; do
    ar=$(col A "$name" 4 | median); br=$(col B "$name" 4 | median)
    ac=$(col A "$name" 6 | median); bc=$(col B "$name" 6 | median)
    # The two runs of one round are seconds apart, so their ratio is less disturbed by the machine's other load.
    rounds=$(paste <(col A "$name" 6) <(col B "$name" 6) | awk '$1 > 0 {printf "%.3f\n", $2 / $1}' | sort -g)
    echo "| $name | $ar | $br | $(awk -v a="$ar" -v b="$br" 'BEGIN {printf "%.3f", b / a}') | $ac | $bc | $(awk -v a="$ac" -v b="$bc" 'BEGIN {printf "%.3f", b / a}') | $(median <<<"$rounds") | $(paste -sd' ' <<<"$rounds") | $(col A "$name" 8 | median), $(col B "$name" 8 | median) |"
  done
} >"$RESULTS/summary.md"
cat "$RESULTS/summary.md"
exit "$FAILED"
