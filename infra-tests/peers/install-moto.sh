#!/usr/bin/env bash
# Installs moto's server mode (PyPI, pinned) into a venv in the shared cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
V=${MOTO_VERSION:-$(node -p "require('$here/versions.json').moto")}
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/moto-$V"
# venv scripts hard-code their own path, so the venv is built in place and a marker written last
# tells a finished install from an interrupted one.
if [ -f "$OUT/.installed" ]; then echo "moto $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one install instead of
# clobbering each other's work.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if [ -f "$OUT/.installed" ]; then echo "moto $V cached at $OUT"; exit 0; fi
start=$(date +%s)
rm -rf "$OUT" && mkdir -p "$CACHE"
python3 -m venv "$OUT"
"$OUT/bin/pip" install -q --disable-pip-version-check "moto[server]==$V"
"$OUT/bin/moto_server" --help >/dev/null
touch "$OUT/.installed"
echo "moto $V installed at $OUT in $(($(date +%s) - start))s"
