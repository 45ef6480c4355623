#!/usr/bin/env bash
# Keycard's micro-benchmarks (BenchmarkDotNet): SecureToken.Generate/Hash, Pkce.Verify, the token response JSON,
# EfTokenStore.FindAsync on SQLite, the PBKDF2 password hash, and signing (issue 16: one raw RS256/ES256 signature beside
# Keycard's whole opaque access token, JWT access token and ID token with the same key).
#   bash bench/micro.sh                  the default job
#   BENCH_QUICK=1 bash bench/micro.sh    BenchmarkDotNet's short job (3 iterations), for a quick look
# Extra arguments go to BenchmarkDotNet, e.g. bash bench/micro.sh --filter '*Token*'; the signing set alone:
#   BENCH_QUICK=1 bash bench/micro.sh --filter '*SigningBenchmarks*'
# Runs in-process (the generated-project toolchain would inherit the repository's analyzer settings), pinned to one
# core. Reports go to bench/results/micro-<UTC time>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out="$BENCH_DIR/results/micro-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
dotnet build "$BENCH_DIR/Keycard.Benchmarks/Keycard.Benchmarks.csproj" -c Release --nologo -v q >/dev/null || die "build of bench/Keycard.Benchmarks"

job=()
[[ "${BENCH_QUICK:-0}" != 1 ]] || job=(--job short)
filter=(--filter '*')
for arg in "$@"; do [[ "$arg" != --filter ]] || filter=(); done

taskset -c "$SERVER_CORE" "$BENCH_DIR/Keycard.Benchmarks/bin/Release/net10.0/Keycard.Benchmarks" \
  "${filter[@]}" --join --inProcess "${job[@]}" --artifacts "$out" "$@" | tee "$out/console.txt"
log "reports in $out/results"
