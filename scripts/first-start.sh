#!/usr/bin/env bash
# `npm run bench:first-start`: what a newcomer waits for. Clones this repository's committed HEAD into a temporary
# folder and, with empty npm, Go and Lantern caches (as on a fresh machine), times
#   1. `npm ci`,
#   2. the first `npm start` until /healthz answers (compiles dist/, builds FerretDB from the Go module proxy,
#      creates the demo school),
#   3. a second `npm start` (nothing to build).
# Prints each figure with the machine's load average, and the first start's own progress lines.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
port="${PORT:-3989}"
work="$(mktemp -d "${TMPDIR:-/tmp}/lantern-first-start.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -- "-$server_pid" 2>/dev/null || true; fi
  chmod -R u+w "$work" 2>/dev/null || true   # the Go module cache is read-only
  rm -rf "$work"
}
trap cleanup EXIT

export npm_config_cache="$work/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export LANTERN_CACHE_DIR="$work/lantern-cache" GOMODCACHE="$work/go-mod" GOCACHE="$work/go-build"
export PORT="$port" LOG_LEVEL=info
unset MONGODB_URI LANTERN_CONFIG LANTERN_DATA_DIR

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Starts `npm start` in the clone, waits for /healthz, prints the seconds it took, and stops it.
timed_start() {
  local log="$1" t0
  t0="$(now)"
  setsid npm start --silent >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 6000); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then echo "npm start exited before /healthz answered:" >&2; cat "$log" >&2; exit 1; fi
    sleep 0.1
  done
  secs "$t0" "$(now)"
  kill -- "-$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

echo "first start from a fresh clone of $(git -C "$repo" rev-parse --short HEAD), empty npm/Go/Lantern caches, in $work"
git clone -q "$repo" "$work/lantern"
cd "$work/lantern"

echo "load average before: $(load)"
t0="$(now)"
npm ci --silent >"$work/npm-ci.log" 2>&1 || { cat "$work/npm-ci.log" >&2; exit 1; }
echo "  npm ci                              $(secs "$t0" "$(now)") s   (load $(load))"

first="$(timed_start "$work/first.log")"
echo "  first npm start → /healthz           $first s   (load $(load))"
echo "  its progress lines:"
# Log lines are JSON: show their message, as a person reading the terminal would see it.
node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) { let t = l; try { t = JSON.parse(l).msg ?? l; } catch {} console.log("    | " + t); }' "$work/first.log" | head -n 24

second="$(timed_start "$work/second.log")"
echo "  second npm start → /healthz          $second s   (load $(load))"
