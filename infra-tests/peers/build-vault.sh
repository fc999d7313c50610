#!/usr/bin/env bash
# Builds the Vault-API test server, OpenBao (MPL-2.0), from the Go module proxy into the shared cache.
#
# OpenBao's release tags (v2.x) declare `module github.com/openbao/openbao` without /v2, so the
# proxy serves its main module only as the pseudo-version of a release commit (versions.json:
# openbaoModule). Its go.mod replaces api/sdk with ./api and ./sdk, which `go install` refuses, so
# a wrapper module requires OpenBao and replaces each local path with the published module at the
# version OpenBao's own go.mod requires (api/v2 and sdk/v2 are tagged with each release).
#
# HashiCorp Vault 1.14.x (its last MPL line) was tried the same way first and cannot work from this
# proxy: each 1.14 release builds with the ./sdk of its release branch, which no published sdk
# version matches. 1.14.8/1.14.10 with sdk v0.9.2/v0.10.2 fail to compile (missing
# logical.CtxKeyRequestRole; EventSender.SendEvent), 1.14.0/1.14.1 with their sdk pseudo-version
# too (missing certutil.ParseBasicConstraintExtension), and 1.14.2 with sdk v0.9.2 compiles but
# panics at dev start ("managed-keys/... defines a CreateOperation but no ExistenceCheck").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version() { node -p "require('$here/versions.json').$1"; }
V=${OPENBAO_VERSION:-$(version openbao)}
MODULE_VERSION=${OPENBAO_MODULE_VERSION:-$(version openbaoModule)}
MODULE=github.com/openbao/openbao
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/openbao-$V"
if [ -x "$OUT/bin/bao" ]; then echo "openbao $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one build instead of
# clobbering each other's work folder.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if [ -x "$OUT/bin/bao" ]; then echo "openbao $V cached at $OUT"; exit 0; fi
start=$(date +%s)
work="$OUT.build"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
go mod init local/openbao-runtime >/dev/null 2>&1
gomod=$(go mod download -json "$MODULE@$MODULE_VERSION" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);if(m.Error)throw new Error(m.Error);console.log(m.GoMod)})')
go mod edit "-require=$MODULE@$MODULE_VERSION"
# OpenBao's own go version sets the binary's GODEBUG defaults, as in its release builds.
go mod edit "-go=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$gomod")"
# Each `X => ./dir` line names a module whose published twin replaces it: the version OpenBao's
# go.mod requires, unless listed here. OpenBao 2.4.0 requires api/auth/approle/v2 v2.0.0, a
# version that was never published (its first is v2.0.1). The wrapper requires each twin directly
# too: OpenBao's go.mod is pruned (go >= 1.17), so the published sdk's own requirements only count
# when the sdk is a direct requirement, instead of its imports resolving at @latest.
declare -A published_instead=(
  [github.com/openbao/openbao/api/auth/approle/v2]=v2.0.1
)
for m in $(sed -n 's#^[[:space:]]*\(replace[[:space:]]\+\)\?\([^ ]*\) => \./.*#\2#p' "$gomod"); do
  required=$(sed -n "s#^[[:space:]]*\(require[[:space:]]\+\)\?$m \(v[^ ]*\).*#\2#p" "$gomod" | head -1)
  ver=${published_instead[$m]:-$required}
  if [ -z "$ver" ]; then echo "build-vault: $m is replaced locally but not required in $gomod" >&2; exit 1; fi
  # A module no package of the server imports (api/auth/userpass) needs no twin; if one is
  # needed after all, the module graph check below names it.
  if go mod download "$m@$ver" 2>/dev/null; then
    go mod edit "-replace=$m=$m@$ver" "-require=$m@$ver"
  else
    echo "build-vault: $m@$ver is not served; leaving it out"
  fi
done
# The checksum database does not know these versions of OpenBao's KMS wrappers (a 404 from its
# lookup), so they are taken from the module proxy unverified.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/openbao/go-kms-wrapping"
# A package that no required module provides would be fetched at @latest, which drifts over time
# (with Vault it pulled a 2026 genproto that no longer has the packages it imports): refuse instead.
if ! go list -deps "$MODULE" >/dev/null 2>deps.err || grep -q 'finding module for package' deps.err; then
  grep -v '^go: downloading' deps.err >&2; echo "build-vault: the module graph of openbao $V is incomplete" >&2; exit 1
fi
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X $MODULE/version.fullVersion=$V -X $MODULE/version.GitCommit=${MODULE_VERSION##*-}" \
  -o bin/bao "$MODULE"
# A binary that cannot start its dev server must not land in the cache: an incoherent api/sdk
# pairing can compile and still panic at startup (as Vault 1.14.2 did).
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
HOME="$work" BAO_DEV_ROOT_TOKEN_ID=build-check bin/bao server -dev -dev-no-store-token \
  "-dev-listen-address=127.0.0.1:$port" >dev-check.log 2>&1 &
dev=$!
healthy=$(node -e '
  const deadline = Date.now() + 60000;
  (async () => {
    while (Date.now() < deadline) {
      try { if ((await fetch(process.argv[1])).status === 200) return console.log("yes"); } catch {}
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log("no");
  })();' "http://127.0.0.1:$port/v1/sys/health")
kill "$dev" 2>/dev/null; wait "$dev" 2>/dev/null || true
if [ "$healthy" != yes ]; then
  tail -n 30 dev-check.log >&2; echo "build-vault: the built server did not start in dev mode" >&2; exit 1
fi
mkdir -p "$OUT/bin" && mv bin/bao "$OUT/bin/" && cd / && rm -rf "$work"
echo "openbao $V built at $OUT in $(($(date +%s) - start))s"
