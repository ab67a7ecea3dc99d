#!/usr/bin/env bash
# Side-by-side benchmark of `aggregator run-once` and newsboat on the same generated corpus
# (issue 3): N feeds x M entries served by nginx on 127.0.0.1, a cold run into an empty
# database and a warm run (conditional requests: nearly all 304), wall time, items stored and
# peak RSS from /usr/bin/time -v. Needs nginx-light, newsboat and time (Debian packages).
#
#   tests/bench/feeds-vs-newsboat.sh [FEEDS] [ENTRIES]      (default 1000 50)
set -euo pipefail
feeds=${1:-1000}; entries=${2:-50}; port=18080
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$(cd "$root/../shared/bench" && pwd)
work=$(mktemp -d); corpus=$work/corpus
export PATH=$PATH:/usr/sbin

python3 "$bench/gen_feeds.py" --feeds "$feeds" --entries "$entries" --seed 1 --out "$corpus" --base-url "http://127.0.0.1:$port"
"$bench/serve.sh" start "$corpus" "$port"
trap '"$bench/serve.sh" stop "$corpus" "$port" >/dev/null 2>&1 || true' EXIT

"$root/tests/bench/publish.sh" "$work/app" # as the Dockerfile publishes it
mkdir -p "$work/config"
cp "$root/config/topics.json" "$work/config/"
echo '{"Aggregator":{"Sources":{"DocumentFolders":[]}},"Logging":{"LogLevel":{"Default":"Warning"}}}' > "$work/config/aggregator.json"
app() { "$work/app/aggregator" "$@" --config "$work/config" --data "$work/data"; }
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -v "$@" > "$work/out" 2> "$work/time"
  printf '%-28s wall %8s  peak RSS %7s MB  %s\n' "$label" \
    "$(grep -F 'Elapsed (wall' "$work/time" | awk '{print $NF}')" \
    "$(( $(grep -F 'Maximum resident' "$work/time" | awk '{print $NF}') / 1024 ))" \
    "$(grep -E 'feed\(s\) polled' "$work/out" || true)"
  grep '^runtime:' "$work/time" | sed 's/^/    /' || true # CPU and GC of the cycle (run-once --runtime-stats)
}

for run in 1 2 3; do # three cold runs into empty databases, each followed by a warm run
  rm -rf "$work/data"
  app feeds import "$corpus/feeds.opml" >/dev/null
  measure "aggregator cold ($run)" "$work/app/aggregator" run-once --runtime-stats --config "$work/config" --data "$work/data"
  measure "aggregator warm ($run, 304s)" "$work/app/aggregator" run-once --all --runtime-stats --config "$work/config" --data "$work/data"
done
echo "items stored: $(sqlite3 "$work/data/aggregator.db" 'select count(*) from items') items, $(sqlite3 "$work/data/aggregator.db" 'select count(*) from sightings') sightings"
echo
"$bench/peers/newsboat.sh" --runs 1 --warm 2 "$corpus/urls.txt"
"$bench/serve.sh" stop "$corpus" "$port" >/dev/null
trap - EXIT
rm -rf "$work"
