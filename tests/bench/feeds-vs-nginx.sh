#!/usr/bin/env bash
# Serving benchmark (issue 5): with FEEDS x ENTRIES entries stored (default 2250 x 50: about 100k
# distinct items, as the generator repeats some entries across feeds),
# wrk against the service's /feeds/all.atom with and without If-None-Match, side by side with
# nginx serving the same bytes as a static file, in one session. Needs nginx-light, wrk and
# sqlite3 (Debian packages).
#
#   tests/bench/feeds-vs-nginx.sh [FEEDS] [ENTRIES] [SECONDS]
set -euo pipefail
feeds=${1:-2250}; entries=${2:-50}; seconds=${3:-15}
corpus_port=18080; app_port=18090; static_port=18091; connections=64
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$(cd "$root/../shared/bench" && pwd)
work=$(mktemp -d); corpus=$work/corpus; static=$work/static
export PATH=$PATH:/usr/sbin

python3 "$bench/gen_feeds.py" --feeds "$feeds" --entries "$entries" --seed 5 --out "$corpus" --base-url "http://127.0.0.1:$corpus_port" >/dev/null
"$bench/serve.sh" start "$corpus" "$corpus_port" >/dev/null
cleanup() {
  "$bench/serve.sh" stop "$corpus" >/dev/null 2>&1 || true
  [ -d "$static" ] && "$bench/serve.sh" stop "$static" >/dev/null 2>&1 || true
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/tests/bench/publish.sh" "$work/app" # as the Dockerfile publishes it
mkdir -p "$work/config"
cp "$root/config/topics.json" "$work/config/"
cat > "$work/config/aggregator.json" <<JSON
{"Aggregator":{"Sources":{"DocumentFolders":[]},"Scheduling":{"Enabled":false}},"Logging":{"LogLevel":{"Default":"Warning"}}}
JSON
app() { "$work/app/aggregator" "$@" --config "$work/config" --data "$work/data"; }
app feeds import "$corpus/feeds.opml" >/dev/null
app run-once >/dev/null || true
echo "stored: $(sqlite3 "$work/data/aggregator.db" 'select count(*) from items') items, $(sqlite3 "$work/data/aggregator.db" 'select count(*) from items where story_id is null') stories"

"$work/app/aggregator" serve --urls "http://127.0.0.1:$app_port" --config "$work/config" --data "$work/data" > "$work/serve.log" 2>&1 &
app_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$app_port/healthz" >/dev/null && break; sleep 0.2; done
url="http://127.0.0.1:$app_port/feeds/all.atom"
mkdir -p "$static"
curl -sf "$url" -o "$static/all.atom"
app_etag=$(curl -sfI "$url" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
"$bench/serve.sh" start "$static" "$static_port" >/dev/null
static_url="http://127.0.0.1:$static_port/all.atom"
static_etag=$(curl -sfI "$static_url" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
echo "feed: $(stat -c %s "$static/all.atom") bytes, 50 entries; aggregator ETag $app_etag, nginx ETag $static_etag"

run() { # label, url, [header]
  local label=$1 target=$2; shift 2
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$target" > "$work/wrk.txt"
  local rps p99 status
  rps=$(awk '/Requests\/sec/{print $2}' "$work/wrk.txt")
  p99=$(awk '$1=="99%"{print $2}' "$work/wrk.txt")
  status=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$target" 2>/dev/null || true)
  printf '%-34s %10s req/s   p99 %8s   (status %s)\n' "$label" "$rps" "$p99" "$status"
}
echo "wrk -t2 -c$connections -d${seconds}s, one 2-core machine shared by wrk and the server:"
run "nginx static, full body" "$static_url"
run "aggregator, full body" "$url"
run "nginx static, If-None-Match" "$static_url" -H "If-None-Match: $static_etag"
run "aggregator, If-None-Match" "$url" -H "If-None-Match: $app_etag"
echo "aggregator peak RSS: $(( $(awk '/VmHWM/{print $2}' /proc/$app_pid/status) / 1024 )) MB"
