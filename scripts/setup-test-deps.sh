#!/usr/bin/env bash
# Installs and starts what the test suites need on a fresh machine. Idempotent; sourced by scripts/test-all.sh
# so that the variables it exports (KEYCARD_TEST_POSTGRES) reach the tests.
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required" >&2; return 1 2>/dev/null || exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js and npm are required" >&2; return 1 2>/dev/null || exit 1; }
# curl and jq run the README's walkthrough as written (ReadmeWalkthroughTests).
if ! command -v curl >/dev/null || ! command -v jq >/dev/null; then
  { export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends curl jq ca-certificates; } >&2 ||
    { echo "setup: could not install curl and jq (needs root and apt-get)" >&2; return 1 2>/dev/null || exit 1; }
fi
bash "$(dirname "${BASH_SOURCE[0]}")/chromium.sh" || { echo "setup: could not install Chromium" >&2; return 1 2>/dev/null || exit 1; }
# PostgreSQL on 127.0.0.1:5433 for the storage contract suite and the multi-node tests (installed when missing).
eval "$(bash "$(dirname "${BASH_SOURCE[0]}")/postgres.sh")" || { echo "setup: could not start PostgreSQL" >&2; return 1 2>/dev/null || exit 1; }
export KEYCARD_TEST_POSTGRES
