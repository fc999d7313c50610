#!/usr/bin/env bash
# Builds etcd from the Go module proxy into the shared cache (outside the clone, so a fresh CI
# clone on the same machine reuses it). The go.etcd.io/etcd/server/v3 root is a main package whose
# go.mod replaces its sibling modules with ../ paths; as a dependency of a wrapper module those
# replace lines are ignored and the published siblings at the same tag are used instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
V=${ETCD_VERSION:-$(node -p "require('$here/versions.json').etcd")}
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/etcd-$V"
if [ -x "$OUT/bin/etcd" ]; then echo "etcd $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one build instead of
# clobbering each other's work folder.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if [ -x "$OUT/bin/etcd" ]; then echo "etcd $V cached at $OUT"; exit 0; fi
work="$OUT.build"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
go mod init local/etcd >/dev/null 2>&1
GOFLAGS=-mod=mod go get -tool "go.etcd.io/etcd/server/v3@v$V" >/dev/null
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o bin/etcd go.etcd.io/etcd/server/v3
mkdir -p "$OUT/bin" && mv bin/etcd "$OUT/bin/" && cd / && rm -rf "$work"
echo "etcd $V built at $OUT"
