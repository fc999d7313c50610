#!/usr/bin/env bash
# Builds kube-apiserver from the Go module proxy into the shared cache.
# k8s.io/kubernetes replaces its staging modules with ./staging paths, so `go install` refuses it;
# a wrapper module replaces each staging module with its published v0.N.M twin instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
V=${KUBE_VERSION:-$(node -p "require('$here/versions.json').kubernetes")}
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/kube-apiserver-$V"
if [ -x "$OUT/bin/kube-apiserver" ]; then echo "kube-apiserver $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one build instead of
# clobbering each other's work folder.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if [ -x "$OUT/bin/kube-apiserver" ]; then echo "kube-apiserver $V cached at $OUT"; exit 0; fi
work="$OUT.build"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
go mod init local/kas >/dev/null 2>&1
gomod=$(go mod download -json "k8s.io/kubernetes@v$V" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).GoMod))')
staging=$(sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$gomod")
for m in $staging; do go mod edit "-replace=$m=$m@v0.${V#1.}"; done
go mod edit "-require=k8s.io/kubernetes@v$V"
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
GO
GOFLAGS=-mod=mod go mod tidy >/dev/null
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$V -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$V" | cut -d. -f2)" \
  -o bin/kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
mkdir -p "$OUT/bin" && mv bin/kube-apiserver "$OUT/bin/" && cd / && rm -rf "$work"
echo "kube-apiserver $V built at $OUT"
