#!/usr/bin/env bash
# Installs cfn-lint (PyPI, pinned) into a venv in the shared cache, for the template tests in
# infra-tests/cdk. Same shape as the peer installers: a marker written last tells a finished
# install from an interrupted one, so a second run is instant.
set -euo pipefail
# The pin lives here alone; infra-tests/cdk/cfn-lint.ts reads it from this line.
V=${CFN_LINT_VERSION:-1.58.0}
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/cfn-lint-$V"
if [ -f "$OUT/.installed" ]; then echo "cfn-lint $V cached at $OUT"; exit 0; fi
start=$(date +%s)
rm -rf "$OUT" && mkdir -p "$CACHE"
python3 -m venv "$OUT"
"$OUT/bin/pip" install -q --disable-pip-version-check "cfn-lint==$V"
"$OUT/bin/cfn-lint" --version >/dev/null
touch "$OUT/.installed"
echo "cfn-lint $V installed at $OUT in $(($(date +%s) - start))s"
