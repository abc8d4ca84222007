#!/usr/bin/env bash
# Makes sure what the test suite needs outside npm is on this machine: Debian's Chromium (browser and
# Agents Playground tests) and the FerretDB binary (the MongoDB-compatible server the tests run against).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests…" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    echo "The browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi

if [ -z "${MONGODB_URI:-}" ]; then
  bash "$here/build-ferretdb.sh" >/dev/null
fi
