#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (the MongoDB-compatible server Lantern's tests and embedded mode use) from the
# Go module proxy, caches the binary and prints its path. Later runs print the cached path at once.
#
# Plain `go install` of this version panics at start because build/version/version.txt is not in the
# module zip (FerretDB issue 2982), so the module is copied out and the file written before building.
set -euo pipefail

version="v1.24.2"
cache_dir="${LANTERN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lantern}"
binary="$cache_dir/ferretdb-$version"

if [ -x "$binary" ]; then
  echo "$binary"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed, so FerretDB cannot be built. Install Go 1.22+ or set MONGODB_URI to a MongoDB server." >&2
  exit 3
fi

mkdir -p "$cache_dir"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
echo "Building FerretDB $version (first run only, about a minute)…" >&2
if ! moddir="$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" || [ -z "$moddir" ]; then
  echo "Retrying the download without the checksum database…" >&2
  moddir="$(GONOSUMDB=github.com/FerretDB GONOSUMCHECK=1 GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
fi
cp -r "$moddir" "$work/src"
chmod -R u+w "$work/src"
echo "$version" > "$work/src/build/version/version.txt"
(cd "$work/src" && go build -trimpath -buildvcs=false -o "$work/ferretdb" ./cmd/ferretdb) >&2
mv "$work/ferretdb" "$binary"
echo "$binary"
