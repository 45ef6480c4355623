#!/usr/bin/env bash
# Installs Debian's Chromium for the end-to-end tests (tests/e2e), only when it is missing. Needs root.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
