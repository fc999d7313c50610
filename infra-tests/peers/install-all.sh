#!/usr/bin/env bash
# Builds or installs every real test peer (and the tools tests run: cfn-lint for the template tests,
# helm for the chart, umoci and crane for the watcher image) into the shared
# cache; each script exits at once when its version is cached. Two lanes: Go builds are CPU-bound
# and would only fight each other on a small machine, while the registry downloads (PyPI, Maven
# Central) mostly wait on the network.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${FLEET_SECRETS_CACHE:-$HOME/.cache/fleet-secrets}
logs="$CACHE/install-logs"
mkdir -p "$logs"

# Runs the given peer scripts one after another; stops the lane at the first failure.
lane() {
  for script in "$@"; do
    local peer=${script%.sh} path="$here/$script"
    peer=${peer#build-}; peer=${peer#install-}
    if [ ! -f "$path" ]; then echo "[$peer] skipped: $script does not exist yet"; continue; fi
    local start=$SECONDS
    if bash "$path" >"$logs/$peer.log" 2>&1; then
      echo "[$peer] ok in $((SECONDS - start)) s: $(tail -n 1 "$logs/$peer.log")"
    else
      echo "[$peer] FAILED after $((SECONDS - start)) s; log: $logs/$peer.log" >&2
      tail -n 25 "$logs/$peer.log" | sed "s/^/[$peer] /" >&2
      return 1
    fi
  done
}

start=$SECONDS
lane build-etcd.sh build-kube-apiserver.sh build-vault.sh build-helm.sh build-umoci.sh build-crane.sh &
go_lane=$!
lane install-moto.sh install-dynamodb.sh install-cfn-lint.sh &
download_lane=$!
status=0
wait "$go_lane" || status=1
wait "$download_lane" || status=1
echo "all peers: $((SECONDS - start)) s (cache: $CACHE)"
exit "$status"
