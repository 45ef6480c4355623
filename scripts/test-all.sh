#!/usr/bin/env bash
# Runs every Keycard test suite: .NET unit, integration, contract and CLI tests, the browser SDK's tests, and the
# end-to-end suites. Installs and starts what they need first (scripts/setup-test-deps.sh). Every suite runs even
# when an earlier one fails; the last line sums them up: "total: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logs=$(mktemp -d)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=scripts/setup-test-deps.sh
source scripts/setup-test-deps.sh || { echo "setup failed" >&2; exit 1; }

status=0
run_suite() { # name, command...
  local name=$1; shift
  echo "=== $name"
  if ! "$@" 2>&1 | tee "$logs/$name.log"; then
    echo "=== $name FAILED"
    status=1
  fi
}

echo "=== restore (locked: the committed packages.lock.json files, content hashes checked)"
if ! dotnet restore Keycard.slnx --locked-mode 2>&1 | tail -n 5; then
  echo "restore failed: a package changed without its lock file; run 'dotnet restore Keycard.slnx --force-evaluate' and commit the packages.lock.json files" >&2
  exit 1
fi

echo "=== build"
if ! dotnet build Keycard.slnx -c Release --nologo -v q --no-restore 2>&1 | tee "$logs/build.log" | tail -n 3; then
  echo "build failed" >&2
  exit 1
fi
grep -q "Build succeeded" "$logs/build.log" || { echo "build failed" >&2; exit 1; }

echo "=== format"
if ! dotnet format Keycard.slnx --verify-no-changes --no-restore 2>&1 | tail -n 20; then
  echo "=== format FAILED: run 'dotnet format Keycard.slnx'"
  status=1
fi

run_suite dotnet dotnet test Keycard.slnx -c Release --no-build --nologo
run_suite sdk bash -c "cd '$root/clients/js' && npm ci --no-audit --no-fund --loglevel=error && npm test"
for extra in tests/interop-js tests/e2e; do
  if [ -f "$extra/package.json" ]; then
    run_suite "$(basename "$extra")" bash -c "cd '$root/$extra' && npm ci --no-audit --no-fund --loglevel=error && npm test"
  fi
done

passed=0; failed=0; skipped=0
for log in "$logs"/*.log; do
  [ "$(basename "$log")" = build.log ] && continue
  # dotnet test: "Passed!  - Failed: 0, Passed: 63, Skipped: 0, Total: 63"
  while read -r f p s; do
    failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
  done < <(sed -nE 's/.*Failed:[[:space:]]*([0-9]+), Passed:[[:space:]]*([0-9]+), Skipped:[[:space:]]*([0-9]+), Total.*/\1 \2 \3/p' "$log")
  # node --test: "ℹ pass 46" / "ℹ fail 0" / "ℹ skipped 0"
  p=$(sed -nE 's/^. pass ([0-9]+)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  f=$(sed -nE 's/^. fail ([0-9]+)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  s=$(sed -nE 's/^. skipped ([0-9]+)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done
rm -rf "$logs"
if [ "$skipped" -gt 0 ]; then
  echo "skipped tests are not allowed: $skipped skipped" >&2
  status=1
fi
[ "$failed" -gt 0 ] && status=1
echo "total: $passed passed, $failed failed, $skipped skipped"
exit $status
