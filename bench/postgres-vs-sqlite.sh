#!/usr/bin/env bash
# Issue 14 item 8, in one run: Keycard's write figures on PostgreSQL against SQLite, the same build side by side.
#
#   bash bench/postgres-vs-sqlite.sh
#
# Two `keycard serve` of the same build run at once, one on a fresh SQLite file and one on a fresh PostgreSQL
# database (scripts/postgres.sh starts a local server when none answers), both pinned to core $BENCH_SERVER_CORE with
# every PostgreSQL process (the database is part of the server under test, as in bench/run.sh BENCH_DATABASE=postgres);
# wrk runs on the other core. Each server is warmed on the write scenarios first (JIT tiering), then every round runs
# client_credentials, refresh_rotation and code_exchange once on each database, the order alternating round by round
# (SQLite first in odd rounds, PostgreSQL first in even ones), so whatever else loads the machine falls on both alike.
# Per run: req/s, p99, Keycard's CPU per request (/proc/PID/stat) and PostgreSQL's CPU per request (/proc/PID/stat of
# every PostgreSQL process serving the run's database: its backends and the cluster's shared processes, walwriter,
# checkpointer and the rest; on the SQLite side that figure is the cluster's idle background, a control).
# Reported per scenario, medians over the rounds: each database's req/s, the ratio PostgreSQL/SQLite with a met/missed
# verdict against the issue's 80%, the per-round ratios, and CPU per request (Keycard, PostgreSQL, total).
# Every answer must be 2xx and a refresh run may revoke nothing (a replayed token would); otherwise exit 1.
#
# Settings (environment):
#   PVS_ROUNDS=5                rounds; each runs every scenario once on each database
#   PVS_DURATION=6              seconds per timed run
#   PVS_WARMUP=20               seconds of client_credentials per server before anything is measured, then each
#                               scenario's own warm-up run of PVS_SCENARIO_WARMUP=5 seconds per database
#   PVS_SCENARIOS="client_credentials refresh_rotation code_exchange"   any of these three
#   PVS_TARGET=0.80             the ratio PostgreSQL/SQLite of req/s the verdict asks for
#   PVS_CODES_PER_SECOND=15000  authorization codes seeded per second of warm-up; each timed run's pool is seeded
#                               after the warm-ups at twice the best rate seen (a run that runs out fails and says so)
#   PVS_NO_BUILD=1              use the existing Release builds (BENCH_KEYCARD_BIN: another build's keycard executable)
#   PVS_SIDES="NAME:KIND[:BIN] NAME:KIND[:BIN]"   the two sides, for comparing two builds the same way (KIND sqlite or
#                               postgres; BIN a keycard executable, default this tree's build), e.g. two builds on
#                               PostgreSQL: PVS_SIDES="before:postgres:/tmp/before/keycard after:postgres"; the ratio
#                               is the second side's over the first's. Default "sqlite:sqlite postgres:postgres"
#   BENCH_CONNECTIONS=32, BENCH_SERVER_CORE=0, BENCH_LOAD_CORE=1 as in bench/run.sh
# Results: bench/results/pvs-<UTC time>/ (runs.tsv, summary.md, wrk outputs, both servers' logs). A whole run with
# the defaults takes about 6 minutes after the build. On a shared machine wrap it in the benchmark lock:
#   flock /tmp/keycard-bench.lock bash bench/postgres-vs-sqlite.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${PVS_ROUNDS:-5}
DURATION=${PVS_DURATION:-6}
WARMUP=${PVS_WARMUP:-20}
SCENARIO_WARMUP=${PVS_SCENARIO_WARMUP:-5}
SCENARIOS=${PVS_SCENARIOS:-client_credentials refresh_rotation code_exchange}
TARGET=${PVS_TARGET:-0.80}
CODES_PER_SECOND=${PVS_CODES_PER_SECOND:-15000}
CONNS=${BENCH_CONNECTIONS:-32}
declare -A KIND BIN DB PGDB USER_ID CC_SECRET PID PORT
SIDES=()
for spec in ${PVS_SIDES:-sqlite:sqlite postgres:postgres}; do
  IFS=: read -r side kind bin <<<"$spec"
  [[ "$kind" == sqlite || "$kind" == postgres ]] || die "PVS_SIDES: $spec: KIND must be sqlite or postgres"
  SIDES+=("$side"); KIND[$side]=$kind; BIN[$side]=${bin:-$KEYCARD_BIN}
  [[ -x "${BIN[$side]}" || "${PVS_NO_BUILD:-0}" != 1 ]] || die "PVS_SIDES: $spec: ${BIN[$side]} is not an executable"
done
((${#SIDES[@]} == 2)) || die "PVS_SIDES names two sides"
A=${SIDES[0]}; B=${SIDES[1]}
LABEL_A=$A; LABEL_B=$B
ISSUE=0
if [[ "${KIND[$A]}" == sqlite && "${KIND[$B]}" == postgres && -z "${PVS_SIDES:-}" ]]; then ISSUE=1; LABEL_A=SQLite; LABEL_B=PostgreSQL; fi
for name in $SCENARIOS; do
  [[ " client_credentials refresh_rotation code_exchange " == *" $name "* ]] || die "unknown scenario $name"
done

RESULTS="$BENCH_DIR/results/pvs-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"
RUNS="$RESULTS/runs.tsv"
printf 'round\tdatabase\tscenario\trps\tp99_ms\tkeycard_cpu_ms_per_request\tpostgres_cpu_ms_per_request\tnon2xx\n' >"$RUNS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
FAILURES=()

ensure_tools
[[ "${PVS_NO_BUILD:-0}" == 1 ]] || build_all
pg_start
for side in "${SIDES[@]}"; do
  if [[ "${KIND[$side]}" == postgres ]]; then
    PGDB[$side]="keycard_pvs_$(date -u +%Y%m%d%H%M%S)_$$_$side"
    DB[$side]=$(pg_create_database "${PGDB[$side]}")
  else
    # No database of that name: pg_cpu_snapshot then counts the cluster's shared processes only (the control).
    PGDB[$side]="none"
    DB[$side]="$RESULTS/keycard-$side.db"
  fi
done
pin_postgres "$SERVER_CORE"
log "results in $RESULTS; sides: $(for s in "${SIDES[@]}"; do printf '%s (%s %s, %s) ' "$s" "${KIND[$s]}" "${PGDB[$s]/none/file}" "${BIN[$s]}"; done); Keycard and PostgreSQL on core $SERVER_CORE, wrk on core $LOAD_CORE"

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for side in "${SIDES[@]}"; do
    [[ "${PGDB[$side]}" == none ]] || pg_psql -d postgres -c "DROP DATABASE IF EXISTS ${PGDB[$side]}" >/dev/null 2>&1 || true
  done
  pin_postgres "0-$(($(nproc) - 1))"
}
trap cleanup EXIT

# Per database: a user, the public web client and a confidential client-credentials client, through Keycard's CLI.
PASSWORD="bench-password-$RANDOM$RANDOM"
REDIRECT="http://127.0.0.1/cb"
for side in "${SIDES[@]}"; do
  KEYCARD_BIN=${BIN[$side]}
  USER_ID[$side]=$(printf '%s\n' "$PASSWORD" | keycard_cli "${DB[$side]}" user add bench --email bench@keycard.local \
    --first-name Bench --last-name User --password-stdin | sed -n 's/.*with id \([0-9]*\).*/\1/p')
  [[ -n "${USER_ID[$side]}" ]] || die "keycard user add printed no id ($side)"
  keycard_cli "${DB[$side]}" client add bench-web --name "Bench Web" --redirect-uri "$REDIRECT" >/dev/null
  CC_SECRET[$side]=$(keycard_cli "${DB[$side]}" client add bench-cc --name "Bench Service" --confidential \
    --allow-client-credentials --redirect-uri "$REDIRECT" --json | json_field client_secret)
  [[ -n "${CC_SECRET[$side]}" ]] || die "keycard client add --json printed no client_secret ($side)"
done

POOL="$RESULTS/pools"; mkdir -p "$POOL"
# seed_codes SIDE COUNT FILE: COUNT authorization codes in SIDE's database (bench-tool codes), one per line in FILE.
seed_codes() {
  "$TOOL_BIN" codes --database "${DB[$1]}" --client bench-web --user-id "${USER_ID[$1]}" --count "$2" --lifetime 00:30:00 --out "$3"
}
wanted() { [[ " $SCENARIOS " == *" $1 "* ]]; }

# Both servers, with bench/run.sh's settings. Only one is loaded at a time; the other idles on the same core.
for side in "${SIDES[@]}"; do
  KEYCARD_BIN=${BIN[$side]}
  PORT[$side]=$(free_port)
  start_keycard "${PORT[$side]}" "${DB[$side]}" "$RESULTS/keycard-$side.log" --Keycard:AuthorizationCodeLifetime=00:30:00 \
    --Keycard:RateLimit:PasswordPermitsPerMinute=100000000
  PID[$side]=$SERVER_PID; PIDS+=("$SERVER_PID"); SERVER_PID=""
  log "$side: keycard pid ${PID[$side]} on http://127.0.0.1:${PORT[$side]}"
done

# Refresh chains: 2 x CONNS fresh refresh tokens per refresh run (warm-up = run 0), from code exchanges over HTTP.
if wanted refresh_rotation; then
  for side in "${SIDES[@]}"; do
    seed_codes "$side" $(((ROUNDS + 1) * 2 * CONNS)) "$POOL/$side-setup-codes.txt"
    : >"$POOL/$side-refresh-all.txt"
    while read -r code; do
      answer=$(curl -s -X POST "http://127.0.0.1:${PORT[$side]}/external/api/oauth2/token" -H 'x-grant-type: authorization_code' \
        -H 'x-client-id: bench-web' -H 'x-scope: email' -H "x-redirect-uri: $REDIRECT" -H "x-auth-code: $code")
      rt=$(json_field refresh_token <<<"$answer")
      [[ -n "$rt" ]] || die "setup code exchange failed ($side): $answer"
      echo "$rt" >>"$POOL/$side-refresh-all.txt"
    done <"$POOL/$side-setup-codes.txt"
    for ((run = 0; run <= ROUNDS; run++)); do
      sed -n "$((run * 2 * CONNS + 1)),$(((run + 1) * 2 * CONNS))p" "$POOL/$side-refresh-all.txt" >"$POOL/$side-refresh-$run.txt"
    done
  done
fi
if wanted code_exchange; then
  for side in "${SIDES[@]}"; do seed_codes "$side" $((SCENARIO_WARMUP * CODES_PER_SECOND)) "$POOL/$side-codes-0.txt"; done
fi

# scenario NAME SIDE RUN: exports NAME's request for SIDE's run RUN (0 = warm-up; pools are single use).
scenario() {
  local name=$1 side=$2 run=$3
  reset_request
  export BENCH_METHOD=POST BENCH_PATH=/external/api/oauth2/token
  case "$name" in
    client_credentials) export BENCH_HEADERS="x-grant-type: client_credentials|x-client-id: bench-cc|x-client-secret: ${CC_SECRET[$side]}" ;;
    refresh_rotation) export BENCH_POOL_HEADER=x-refresh-token BENCH_CHAIN_FIELD=refresh_token \
      BENCH_HEADERS="x-grant-type: refresh_token|x-client-id: bench-web" \
      BENCH_POOL_FILE="$POOL/$side-refresh-$run.txt" BENCH_POOL_OUT="$POOL/$side-refresh-$run.left.txt" ;;
    code_exchange) export BENCH_POOL_HEADER=x-auth-code BENCH_POOL_FILE="$POOL/$side-codes-$run.txt" \
      BENCH_HEADERS="x-grant-type: authorization_code|x-client-id: bench-web|x-scope: email|x-redirect-uri: $REDIRECT" ;;
  esac
}

# one SIDE SCENARIO ROUND SECONDS: one wrk run; ROUND "warmup" runs are checked but not recorded.
one() {
  local side=$1 name=$2 round=$3 seconds=$4 run out line problems kc_before kc_after pg_before pg_after requests kc pg
  run=$round; [[ "$round" != warmup ]] || run=0
  scenario "$name" "$side" "$run"
  out="$RESULTS/wrk-$name-$side-$round.txt"
  kc_before=$(cpu_ticks "${PID[$side]}"); pg_before=$(pg_cpu_snapshot "${PGDB[$side]}")
  line=$(run_wrk "$out" "http://127.0.0.1:${PORT[$side]}$BENCH_PATH" "$seconds" "$CONNS" 10)
  kc_after=$(cpu_ticks "${PID[$side]}"); pg_after=$(pg_cpu_snapshot "${PGDB[$side]}")
  problems=$(check_run "$line" "$out")
  [[ -z "$problems" ]] || FAILURES+=("$side $name ($round):$problems")
  echo "$line" >>"$RESULTS/answered-$side-$name.txt"
  requests=$(field requests "$line")
  kc=$(awk -v t=$((kc_after - kc_before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN {printf "%.4f", (n > 0 ? 1000 * t / hz / n : 0)}')
  pg=$(awk -v t="$(pg_cpu_ticks "$pg_before" "$pg_after")" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN {printf "%.4f", (n > 0 ? 1000 * t / hz / n : 0)}')
  log "$side $name $round: $(field rps "$line") req/s, p99 $(field p99_us "$line") us, CPU ms/req keycard $kc postgres $pg${problems:+ PROBLEMS:$problems}"
  [[ "$round" != warmup ]] || return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$side" "$name" "$(field rps "$line")" \
    "$(awk -v u="$(field p99_us "$line")" 'BEGIN{printf "%.2f", u/1000}')" "$kc" "$pg" "$(field non2xx "$line")" >>"$RUNS"
}

# Warm-up: each server runs client_credentials for WARMUP seconds (the JIT needs 30-45 s of load to finish tiering
# on a busy machine; the scenario warm-ups add to it), then every scenario once, unrecorded.
for side in "${SIDES[@]}"; do one "$side" client_credentials warmup "$WARMUP"; done
for name in $SCENARIOS; do
  for side in "${SIDES[@]}"; do one "$side" "$name" warmup "$SCENARIO_WARMUP"; done
done

# Each timed code-exchange run gets a pool of twice the best rate seen so far, per database.
if wanted code_exchange; then
  for side in "${SIDES[@]}"; do
    best=$(grep '^BENCH ' "$RESULTS/answered-$side-code_exchange.txt" | sed -n 's/.*\brps=\([0-9.]*\).*/\1/p' | sort -g | tail -1)
    per_run=$(awk -v r="${best:-0}" -v d="$DURATION" -v m="$CODES_PER_SECOND" 'BEGIN {r = 2 * r; if (r < m / 2) r = m / 2; printf "%d", r * d}')
    log "$side: seeding $ROUNDS x $per_run codes for the timed code-exchange runs"
    for ((run = 1; run <= ROUNDS; run++)); do seed_codes "$side" "$per_run" "$POOL/$side-codes-$run.txt"; done
  done
fi

for ((round = 1; round <= ROUNDS; round++)); do
  for name in $SCENARIOS; do
    if ((round % 2)); then one "$A" "$name" "$round" "$DURATION"; one "$B" "$name" "$round" "$DURATION"
    else one "$B" "$name" "$round" "$DURATION"; one "$A" "$name" "$round" "$DURATION"; fi
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# Refresh check per database (as bench/run.sh's): nothing revoked, and every 2xx rotation consumed one token (wrk may
# stop with up to one request per connection in flight, which the server may still complete).
REFRESH_CHECKS=()
if wanted refresh_rotation; then
  for side in "${SIDES[@]}"; do
    if [[ "${KIND[$side]}" == sqlite ]]; then q() { sqlite3 -separator ' ' "${DB[$side]}" "$1"; }; else q() { pg_psql -d "${PGDB[$side]}" -c "$1"; }; fi
    ok_total=$(grep '^BENCH ' "$RESULTS/answered-$side-refresh_rotation.txt" | sed -n 's/.*\bok=\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')
    runs=$(grep -c '^BENCH ' "$RESULTS/answered-$side-refresh_rotation.txt")
    read -r consumed revoked < <(q 'SELECT (SELECT count(*) FROM tokens WHERE "Kind" = 3 AND "ConsumedAt" IS NOT NULL), (SELECT count(*) FROM tokens WHERE "Kind" = 3 AND "RevokedAt" IS NOT NULL);')
    check="$side: rotations answered 2xx $ok_total, refresh tokens consumed $consumed (difference $((consumed - ok_total)), at most $((CONNS * runs)) in flight), revoked $revoked"
    REFRESH_CHECKS+=("$check")
    log "refresh check $check"
    if ((revoked != 0 || consumed < ok_total || consumed - ok_total > CONNS * runs)); then FAILURES+=("refresh check failed: $check"); fi
  done
fi

# Summary: medians over the rounds.
median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -F'\t' -v d="$1" -v s="$2" -v k="$3" 'NR > 1 && $2 == d && $3 == s {print $k}' "$RUNS"; }
{
  if ((ISSUE)); then echo "## PostgreSQL against SQLite, same build, same run: $(date -u +%Y-%m-%dT%H:%MZ)"
  else echo "## $B against $A, same run: $(date -u +%Y-%m-%dT%H:%MZ)"; fi
  echo
  echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load average before $LOAD_BEFORE, after $LOAD_AFTER"
  for side in "${SIDES[@]}"; do echo "- $side: ${KIND[$side]}, ${BIN[$side]#"$ROOT"/}"; done
  echo "- commit of this tree: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo ' (src modified)'); PostgreSQL $(pg_psql -d postgres -c 'SHOW server_version') with fsync $(pg_psql -d postgres -c 'SHOW fsync') and synchronous_commit $(pg_psql -d postgres -c 'SHOW synchronous_commit') by default (Keycard's sessions force synchronous_commit on)"
  echo "- method: both servers and every PostgreSQL process on core $SERVER_CORE, wrk -t1 -c$CONNS on core $LOAD_CORE; each server warmed ${WARMUP}s + ${SCENARIO_WARMUP}s per scenario; $ROUNDS rounds of ${DURATION}s per side and scenario, the order alternating; medians over the rounds"
  echo
  target=$(awk -v t="$TARGET" 'BEGIN {printf "%.0f%%", 100 * t}')
  echo "| scenario | $LABEL_A req/s | $LABEL_B req/s | $LABEL_B / $LABEL_A |$( ((ISSUE)) && echo " verdict (>= $target) |") per round, sorted | $LABEL_A p99 ms | $LABEL_B p99 ms |"
  echo "|---|---:|---:|---:|$( ((ISSUE)) && echo "---|")---|---:|---:|"
  for name in $SCENARIOS; do
    ar=$(col "$A" "$name" 4 | median); br=$(col "$B" "$name" 4 | median)
    ratio=$(awk -v a="$br" -v b="$ar" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')
    rounds=$(paste <(col "$A" "$name" 4) <(col "$B" "$name" 4) | awk '$1 > 0 {printf "%.0f%%\n", 100 * $2 / $1}' | sort -g | paste -sd' ')
    verdict=missed; ! awk -v r="$ratio" -v t="$TARGET" 'BEGIN {exit !(r >= t)}' || verdict=met
    echo "| $name | $ar | $br | $(awk -v r="$ratio" 'BEGIN {printf "%.1f%%", 100 * r}') |$( ((ISSUE)) && echo " $verdict |") $rounds | $(col "$A" "$name" 5 | median) | $(col "$B" "$name" 5 | median) |"
  done
  echo
  echo "CPU per request, ms (medians over the rounds). Keycard: the server process. PostgreSQL: the side's backends and"
  echo "the cluster's shared processes (on a SQLite side, their idle background: a control). Both share the server's core,"
  echo "so the total is what a request costs that core."
  echo
  echo "| scenario | $LABEL_A: Keycard | $LABEL_A: PostgreSQL | $LABEL_A total | $LABEL_B: Keycard | $LABEL_B: PostgreSQL | $LABEL_B total | total $LABEL_B / $LABEL_A | per round, sorted |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  for name in $SCENARIOS; do
    ak=$(col "$A" "$name" 6 | median); ap=$(col "$A" "$name" 7 | median)
    bk=$(col "$B" "$name" 6 | median); bp=$(col "$B" "$name" 7 | median)
    at=$(paste <(col "$A" "$name" 6) <(col "$A" "$name" 7) | awk '{printf "%.4f\n", $1 + $2}' | median)
    bt=$(paste <(col "$B" "$name" 6) <(col "$B" "$name" 7) | awk '{printf "%.4f\n", $1 + $2}' | median)
    rounds=$(paste <(col "$A" "$name" 6) <(col "$A" "$name" 7) <(col "$B" "$name" 6) <(col "$B" "$name" 7) \
      | awk '$1 + $2 > 0 {printf "%.3f\n", ($3 + $4) / ($1 + $2)}' | sort -g | paste -sd' ')
    echo "| $name | $ak | $ap | $at | $bk | $bp | $bt | $(awk -v a="$at" -v b="$bt" 'BEGIN {printf "%.3f", (a > 0 ? b / a : 0)}') | $rounds |"
  done
  if ((${#REFRESH_CHECKS[@]})); then
    echo
    echo "Refresh check (no replay revoked a family; every 2xx rotation consumed its token):"
    for check in "${REFRESH_CHECKS[@]}"; do echo "- $check"; done
  fi
  if ((${#FAILURES[@]})); then
    echo
    echo "FAILED runs (a non-2xx answer, a timeout, a socket error, an exhausted pool or a token check):"
    for f in "${FAILURES[@]}"; do echo "- $f"; done
  fi
} >"$RESULTS/summary.md"
cat "$RESULTS/summary.md"
((${#FAILURES[@]} == 0))
