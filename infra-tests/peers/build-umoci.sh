#!/usr/bin/env bash
# Builds umoci from the Go module proxy into the shared cache. The watcher image tests use it as
# an independent OCI implementation: `umoci unpack --rootless` checks every blob's digest and size
# against the layout our own script writes, then extracts the layers into a root filesystem.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
V=${UMOCI_VERSION:-$(node -p "require('$here/versions.json').umoci")}
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/umoci-$V"
if [ -x "$OUT/bin/umoci" ]; then echo "umoci $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one build instead of
# clobbering each other's work folder.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if [ -x "$OUT/bin/umoci" ]; then echo "umoci $V cached at $OUT"; exit 0; fi
start=$(date +%s)
work="$OUT.build"
rm -rf "$work" && mkdir -p "$work/bin" && cd "$work"
# umoci's go.mod replaces go-mtree with a fork, which `go install pkg@version` refuses; a wrapper
# module requires umoci and copies each of its replace lines.
go mod init local/umoci >/dev/null 2>&1
gomod=$(go mod download -json "github.com/opencontainers/umoci@v$V" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);if(m.Error)throw new Error(m.Error);console.log(m.GoMod)})')
go mod edit "-require=github.com/opencontainers/umoci@v$V"
sed -n 's#^[[:space:]]*\(replace[[:space:]]\+\)\?\([^ ]*\) => \([^ .][^ ]*\) \(v[^ ]*\)$#\2=\3@\4#p' "$gomod" |
  while read -r r; do go mod edit "-replace=$r"; done
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/opencontainers/umoci/cmd/umoci"
GO
GOFLAGS=-mod=mod go mod tidy >/dev/null
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o bin/umoci github.com/opencontainers/umoci/cmd/umoci
"$work/bin/umoci" --version >/dev/null
mkdir -p "$OUT/bin" && mv "$work/bin/umoci" "$OUT/bin/" && cd / && rm -rf "$work"
echo "umoci $V built at $OUT in $(($(date +%s) - start))s"
