#!/usr/bin/env bash
# Builds External Secrets Operator (Apache-2.0) from the Go module proxy into the shared cache: a
# peer of the benchmark only (bench/eso.ts compares against it), not of `npm test`, so
# install-all.sh does not list it; bench/lib/eso-controller.ts runs this script before starting it.
#
# `go install ...@v0.16.2` refuses (its go.mod replaces sprig with ESO's fork), so the module tree
# is copied out of the module cache and built as the main module, which honours its replace lines.
# v1.3.2 (the newest version the proxy lists; there is no /v2 module) cannot be built this way:
# its go.mod replaces apis, runtime and every providers/v1/* and generators/v1/* with ./ paths
# that are nested modules, which the module zip leaves out and the proxy does not serve on their
# own (404 for .../apis/@v/v1.3.2.info), so v0.16.2 is the newest that builds here.
# Besides the binary the cache keeps deploy/crds/bundle.yaml (the CRDs, applied server-side).
# Cold: about 2.3 GB of modules and a 155 MB binary, 14 minutes on the shared 2-core machine under
# load (3-4 minutes when idle); cached: exits in a fraction of a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
V=${ESO_VERSION:-$(node -p "require('$here/versions.json').eso")}
MODULE=github.com/external-secrets/external-secrets
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/eso-$V"
cached() { [ -x "$OUT/bin/eso" ] && [ -s "$OUT/crds/bundle.yaml" ]; }
if cached; then echo "eso $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one build instead of
# clobbering each other's work folder.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if cached; then echo "eso $V cached at $OUT"; exit 0; fi
start=$(date +%s)
work="$OUT.build"
rm -rf "$work" && mkdir -p "$work"
dir=$(cd "$work" && go mod download -json "$MODULE@v$V" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);if(m.Error)throw new Error(m.Error);console.log(m.Dir)})')
# The module cache is read-only; the build writes nothing into the tree, but a later `rm -rf`
# of the work folder must be able to.
cp -r "$dir" "$work/src" && chmod -R u+w "$work/src" && cd "$work/src"
if grep -q '=> \./' go.mod; then
  echo "build-eso: $MODULE@v$V replaces modules with local paths the module zip leaves out" >&2; exit 1
fi
CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" go build -trimpath -ldflags "-s -w" -o "$work/eso" .
# A binary that cannot print its usage must not land in the cache.
if ! "$work/eso" --help >"$work/help.txt" 2>&1 && ! grep -q -- '--metrics-addr' "$work/help.txt"; then
  tail -n 20 "$work/help.txt" >&2; echo "build-eso: the built controller does not start" >&2; exit 1
fi
mkdir -p "$OUT/bin" "$OUT/crds"
cp deploy/crds/bundle.yaml "$OUT/crds/bundle.yaml"
mv "$work/eso" "$OUT/bin/eso" && cd / && rm -rf "$work"
echo "eso $V built at $OUT in $(($(date +%s) - start))s"
