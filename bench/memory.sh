#!/usr/bin/env bash
# Resident memory through a long client_credentials run, and the token table kept bounded by pruning.
#   bash bench/memory.sh
# Issues up to BENCH_MEMORY_TOKENS (default 1,000,000) client_credentials tokens with wrk, bounded by
# BENCH_MEMORY_SECONDS (default 900), while sampling the server's VmRSS from /proc/PID/status every second and the
# token table's row count every 10 s. Tokens live 30 s and are pruned every 10 s after 5 s of retention, so the
# table must stay near (lifetime + retention + interval) x rate rows. Output in bench/results/memory-<UTC time>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TOKENS=${BENCH_MEMORY_TOKENS:-1000000}
SECONDS_MAX=${BENCH_MEMORY_SECONDS:-900}
CONNS=${BENCH_CONNECTIONS:-32}
OUT="$BENCH_DIR/results/memory-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
SAMPLER_PID=""
cleanup() {
  [[ -z "$SAMPLER_PID" ]] || kill "$SAMPLER_PID" 2>/dev/null || true
  stop_server
}
trap cleanup EXIT

ensure_tools
[[ "${BENCH_SKIP_BUILD:-0}" == 1 ]] || build_all

PORT=$(free_port)
DB="$OUT/keycard.db"
SECRET=$(keycard_cli "$DB" client add bench-cc --confidential --allow-client-credentials --json | json_field client_secret)
[[ -n "$SECRET" ]] || die "keycard client add --json printed no client_secret"
start_keycard "$PORT" "$DB" "$OUT/keycard.log" \
  --Keycard:AccessTokenLifetime=00:00:30 --Keycard:PruneInterval=00:00:10 --Keycard:PruneRetention=00:00:05
PID=$SERVER_PID
log "keycard pid $PID; issuing up to $TOKENS tokens within ${SECONDS_MAX}s at $CONNS connections"

# One line a second: seconds since start, VmRSS in kB, and (every 10 s) the token rows.
(
  start=$(date +%s)
  while kill -0 "$PID" 2>/dev/null; do
    now=$(($(date +%s) - start)); rows=""
    ((now % 10 != 0)) || rows=$(sqlite3 "$DB" 'SELECT count(*) FROM tokens;' 2>/dev/null || echo "")
    printf '%s\t%s\t%s\n' "$now" "$(rss_kb "$PID")" "$rows"
    sleep 1
  done
) >"$OUT/samples.tsv" &
SAMPLER_PID=$!
RSS_START=$(rss_kb "$PID")

reset_request
# The script stops sending after BENCH_MAX_REQUESTS; the requests still in flight when wrk is stopped are cut, so it
# sends one more per connection to make sure $TOKENS are answered.
export BENCH_METHOD=POST BENCH_PATH=/external/api/oauth2/token BENCH_MAX_REQUESTS="$((TOKENS + CONNS))" \
  BENCH_HEADERS="x-grant-type: client_credentials|x-client-id: bench-cc|x-client-secret: $SECRET"
# wrk's main thread sleeps for the whole -d duration even after the script has stopped sending at BENCH_MAX_REQUESTS,
# so the run is ended the way wrk offers: SIGINT (it then prints its statistics and the script's summary as usual),
# once wrk itself has been idle (its load thread stopped) for two seconds after the load began.
wrk_command "http://127.0.0.1:$PORT$BENCH_PATH" "$SECONDS_MAX" "$CONNS" 30
"${WRK_COMMAND[@]}" >"$OUT/wrk.txt" 2>&1 &
WRK_PID=$!
busy=0; idle=0; last=$(cpu_ticks "$WRK_PID")
while kill -0 "$WRK_PID" 2>/dev/null; do
  sleep 1
  now=$(cpu_ticks "$WRK_PID"); used=$((now - last)); last=$now
  if ((used * 20 > CLK_TCK)); then busy=1; idle=0; elif ((busy)); then idle=$((idle + 1)); fi
  if ((idle >= 2)); then kill -INT "$WRK_PID" 2>/dev/null || true; break; fi
done
wait "$WRK_PID" || { cat "$OUT/wrk.txt" >&2; die "wrk failed"; }
line=$(bench_line "$OUT/wrk.txt")
problems=$(check_run "$line" "$OUT/wrk.txt")
ROWS_END_OF_LOAD=$(sqlite3 "$DB" 'SELECT count(*) FROM tokens;')
RSS_END_OF_LOAD=$(rss_kb "$PID")
log "load done: $(field ok "$line") tokens issued in $(($(field duration_us "$line") / 1000000)) s; rows $ROWS_END_OF_LOAD; rss ${RSS_END_OF_LOAD} kB"

# Idle for lifetime + retention + two intervals: pruning must empty the table.
sleep 55
ROWS_IDLE=$(sqlite3 "$DB" 'SELECT count(*) FROM tokens;')
RSS_IDLE=$(rss_kb "$PID")
kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
stop_server

issued=$(field ok "$line")
secs=$(awk -v us="$(field duration_us "$line")" 'BEGIN {printf "%.0f", us / 1e6}')
peak=$(awk -F'\t' '$2 > m {m = $2} END {print m}' "$OUT/samples.tsv")
max_rows=$(awk -F'\t' '$3 != "" && $3 > m {m = $3} END {print m + 0}' "$OUT/samples.tsv")
# RSS at each quarter of the load, to see whether it still grows.
quarters=$(awk -F'\t' -v s="$secs" 'BEGIN {q[1] = int(s / 4); q[2] = int(s / 2); q[3] = int(3 * s / 4); q[4] = s}
  {r[$1] = $2} END {for (i = 1; i <= 4; i++) printf "%s%d MB at %ds", (i > 1 ? ", " : ""), r[q[i]] / 1024, q[i]}' "$OUT/samples.tsv")
{
  echo "## Memory run $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "- client_credentials at $CONNS connections, server pinned to core $SERVER_CORE; tokens live 30 s, pruned every 10 s after 5 s"
  echo "- tokens issued (2xx): $issued in $secs s ($(field rps "$line") req/s); target was $TOKENS, bounded by ${SECONDS_MAX}s"
  echo "- non-2xx: $(field non2xx "$line")${problems:+; problems:$problems}"
  echo "- VmRSS: $((RSS_START / 1024)) MB before the load, peak $((peak / 1024)) MB, $((RSS_END_OF_LOAD / 1024)) MB at the end of the load, $((RSS_IDLE / 1024)) MB after 55 s idle"
  echo "- VmRSS by quarter of the load: $quarters"
  echo "- token rows: at most $max_rows while loaded (sampled every 10 s), $ROWS_END_OF_LOAD at the end of the load, $ROWS_IDLE after 55 s idle"
  if ((issued < TOKENS)); then
    echo "- only $issued of $TOKENS tokens fitted in ${SECONDS_MAX}s; at this rate $TOKENS would take $(awk -v n="$TOKENS" -v r="$(field rps "$line")" 'BEGIN {printf "%.0f", n / r / 60}') min"
  fi
  echo "- verdict (RSS < 200 MB): $( ((peak < 200 * 1024)) && echo "met for the $issued tokens measured" || echo missed)"
} | tee "$OUT/summary.md"
[[ -z "$problems" ]]
