#!/usr/bin/env bash
# Makes sure what the test suite needs outside npm is on this machine: Debian's Chromium (browser and
# Agents Playground tests), unzip (checks the zips Lantern writes) and the FerretDB binary (the
# MongoDB-compatible server the tests run against).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium fonts-dejavu-core)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} for the tests…" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need ${missing[*]}: run 'sudo apt-get install ${missing[*]}' (or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi

if [ -z "${MONGODB_URI:-}" ]; then
  bash "$here/build-ferretdb.sh" >/dev/null
fi
