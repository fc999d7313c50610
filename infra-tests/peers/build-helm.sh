#!/usr/bin/env bash
# Builds helm from the Go module proxy into the shared cache, for the chart tests (helm lint,
# helm template). helm.sh/helm/v4's go.mod has no replace directives, so `go install` at the
# pinned tag builds it directly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
V=${HELM_VERSION:-$(node -p "require('$here/versions.json').helm")}
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/helm-$V"
if [ -x "$OUT/bin/helm" ]; then echo "helm $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one build instead of
# clobbering each other's work folder.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if [ -x "$OUT/bin/helm" ]; then echo "helm $V cached at $OUT"; exit 0; fi
start=$(date +%s)
work="$OUT.build"
rm -rf "$work" && mkdir -p "$work/bin"
# helm reads its version from these variables; without them `helm version` says v4.0+unreleased.
CGO_ENABLED=0 GOBIN="$work/bin" go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=v$V" \
  "helm.sh/helm/v4/cmd/helm@v$V"
"$work/bin/helm" version --short >/dev/null
mkdir -p "$OUT/bin" && mv "$work/bin/helm" "$OUT/bin/" && rm -rf "$work"
echo "helm $V built at $OUT in $(($(date +%s) - start))s"
