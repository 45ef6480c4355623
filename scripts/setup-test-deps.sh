#!/usr/bin/env bash
# Installs and starts what the test suites need on a fresh machine. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required" >&2; exit 1; }
bash scripts/chromium.sh
