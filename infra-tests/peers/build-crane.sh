#!/usr/bin/env bash
# Builds crane (go-containerregistry) from the Go module proxy into the shared cache. The watcher
# image tests push the OCI layout to crane's own in-memory registry (`crane registry serve`), the
# step a release runs against a real registry, and check the registry serves the same digest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
V=${CRANE_VERSION:-$(node -p "require('$here/versions.json').crane")}
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/crane-$V"
if [ -x "$OUT/bin/crane" ]; then echo "crane $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one build instead of
# clobbering each other's work folder.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if [ -x "$OUT/bin/crane" ]; then echo "crane $V cached at $OUT"; exit 0; fi
start=$(date +%s)
work="$OUT.build"
rm -rf "$work" && mkdir -p "$work/bin"
# go-containerregistry's go.mod has no replace directives, so `go install` at the tag builds it.
CGO_ENABLED=0 GOBIN="$work/bin" go install -trimpath -ldflags "-s -w" \
  "github.com/google/go-containerregistry/cmd/crane@v$V"
"$work/bin/crane" version >/dev/null
mkdir -p "$OUT/bin" && mv "$work/bin/crane" "$OUT/bin/" && rm -rf "$work"
echo "crane $V built at $OUT in $(($(date +%s) - start))s"
