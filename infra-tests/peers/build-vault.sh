#!/usr/bin/env bash
# Builds a dev-mode Vault server (HashiCorp Vault 1.14.x, the last MPL-2.0 line) from the Go module
# proxy into the shared cache. Vault's go.mod replaces its api/sdk modules with ./api and ./sdk,
# which `go install` refuses; a wrapper module requires Vault and replaces each of those local
# paths with the published module at the version Vault's own go.mod requires.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
V=${VAULT_VERSION:-$(node -p "require('$here/versions.json').vault")}
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/vault-$V"
if [ -x "$OUT/bin/vault" ]; then echo "vault $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one install instead of
# clobbering each other's work.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if [ -x "$OUT/bin/vault" ]; then echo "vault $V cached at $OUT"; exit 0; fi
start=$(date +%s)
work="$OUT.build"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
go mod init local/vault-runtime >/dev/null 2>&1
gomod=$(go mod download -json "github.com/hashicorp/vault@v$V" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).GoMod))')
go mod edit "-require=github.com/hashicorp/vault@v$V"
# Vault's own go version sets the binary's GODEBUG defaults: under newer ones crypto/x509 rejects
# CA certificates that a database plugin parses at init (negative serials), and Vault panics.
go mod edit "-go=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$gomod")"
# Each `X => ./dir` line names a module whose published twin is the version Vault requires. The
# wrapper requires it directly too: Vault's go.mod is pruned (go >= 1.17) and lists only what its
# own ./sdk needed, so the published sdk's extra imports resolve from the sdk's go.mod, not @latest.
for m in $(sed -n 's#^[[:space:]]*\(replace[[:space:]]\+\)\?\([^ ]*\) => \./.*#\2#p' "$gomod"); do
  ver=$(sed -n "s#^[[:space:]]*\(require[[:space:]]\+\)\?$m \(v[^ ]*\).*#\2#p" "$gomod" | head -1)
  if [ -z "$ver" ]; then echo "build-vault: $m is replaced locally but not required in $gomod" >&2; exit 1; fi
  go mod edit "-replace=$m=$m@$ver" "-require=$m@$ver"
done
# A package that no required module provides would be fetched at @latest, which drifts over time
# (it once pulled a 2026 genproto that no longer has the packages Vault imports): refuse instead.
if ! go list -deps github.com/hashicorp/vault >/dev/null 2>deps.err || grep -q 'finding module for package' deps.err; then
  grep -v '^go: downloading' deps.err >&2; echo "build-vault: the module graph of vault $V is incomplete" >&2; exit 1
fi
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o bin/vault github.com/hashicorp/vault
mkdir -p "$OUT/bin" && mv bin/vault "$OUT/bin/" && cd / && rm -rf "$work"
echo "vault $V built at $OUT in $(($(date +%s) - start))s"
