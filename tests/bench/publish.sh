#!/usr/bin/env bash
# Publishes the service as the Dockerfile does, for the benchmarks: self-contained, the
# framework and the service compiled ahead of time as one composite image, for this machine.
# Run it as DIR/aggregator.
#
#   tests/bench/publish.sh DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dotnet publish "$root/src/Aggregator" -c Release --use-current-runtime \
  -p:SelfContained=true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -o "$1" >/dev/null
dotnet build-server shutdown >/dev/null 2>&1 || true # idle compiler servers would share the two cores
