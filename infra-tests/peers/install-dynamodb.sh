#!/usr/bin/env bash
# Installs DynamoDB Local (Maven Central, pinned) and its runtime jars into the shared cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
V=${DYNAMODB_LOCAL_VERSION:-$(node -p "require('$here/versions.json').dynamodbLocal")}
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
OUT="$CACHE/dynamodb-local-$V"
if [ -f "$OUT/.installed" ]; then echo "dynamodb-local $V cached at $OUT"; exit 0; fi
# Parallel runs on one machine (several clones, several CI jobs) wait for one install instead of
# clobbering each other's work.
mkdir -p "$CACHE" && exec 9>"$OUT.lock" && flock 9
if [ -f "$OUT/.installed" ]; then echo "dynamodb-local $V cached at $OUT"; exit 0; fi
start=$(date +%s)
rm -rf "$OUT" && mkdir -p "$OUT"
mvn -B -q -Dstyle.color=never -f "$here/dynamodb/pom.xml" "-Ddynamodb.local.version=$V" dependency:copy-dependencies \
  "-DoutputDirectory=$OUT/lib" -DincludeScope=runtime
ls "$OUT"/lib/*.so >/dev/null 2>&1 || { echo "no sqlite4java native library in $OUT/lib" >&2; exit 1; }
touch "$OUT/.installed"
echo "dynamodb-local $V installed at $OUT in $(($(date +%s) - start))s"
