#!/usr/bin/env bash
# Runs every Keycard test: .NET unit, integration and contract suites, the browser SDK's tests,
# and the end-to-end suites. Installs and starts what they need (see scripts/setup-test-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-test-deps.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Keycard.slnx -c Release -warnaserror --nologo -v q
dotnet test Keycard.slnx -c Release --no-build --nologo
(cd clients/js && npm ci --no-audit --no-fund && npm test)
(cd tests/e2e && npm ci --no-audit --no-fund && npm test)
