#!/usr/bin/env bash
# Container smoke test: build the image from the unmodified Dockerfile, run it with a temporary
# data folder at /data, wait until its own HEALTHCHECK says healthy, check that the Korea–China
# feed holds the five seed stories, stop it with SIGTERM and start it again on the same data,
# and check that nothing was lost or duplicated. Prints the image size.
#
# Uses docker when an engine answers; otherwise buildah (build) and `buildah run` (run), which
# work without a daemon, as on this project's CI machine. The base images must be there: pulled
# from mcr.microsoft.com, or built locally by ../shared/tools/stand-in-dotnet-images.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

IMAGE=aggregator:smoke
PORT=${SMOKE_PORT:-18080}
TITLES=(
  "Xi: Kina redo att stärka banden med Nordkorea"
  "Kim Jong Un reaffirms DPRK-China alliance on PRC's 76th anniversary"
  "Xi, Kim exchange congratulatory messages over 75th anniversary of diplomatic ties"
  "Kim, Xi Hail Bond as a North Korea says that she will protect the interests of China"
  "Leaders of North Korea, China vow to strengthen ties"
)
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
say() { echo "smoke: $*"; }

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then ENGINE=docker; else ENGINE=buildah; fi
command -v "$ENGINE" >/dev/null || fail "neither a Docker engine nor buildah is available"
say "engine: $ENGINE"

data=$(mktemp -d)
container=""
pid=""
cleanup() {
  declare -F stop >/dev/null && { stop || true; }
  if [[ $ENGINE == buildah && -n $container ]]; then buildah rm "$container" >/dev/null 2>&1 || true; fi
  rm -rf "$data"; [[ -n ${KEEP_LOG:-} ]] || rm -f "$data.log"
}
trap cleanup EXIT

# build -----------------------------------------------------------------------------------------
started=$(date +%s)
if [[ $ENGINE == docker ]]; then
  docker build -q -t "$IMAGE" . >/dev/null
else
  # Docker format keeps the HEALTHCHECK (OCI image configs have no place for it).
  buildah bud --isolation chroot --format docker -q -t "$IMAGE" . >/dev/null
fi
say "built $IMAGE in $(( $(date +%s) - started )) s"

inspect() { # a Go template over the image's Docker config
  if [[ $ENGINE == docker ]]; then docker image inspect --format "$1" "$IMAGE"; else buildah inspect --type image --format "$1" "$IMAGE"; fi
}
if [[ $ENGINE == docker ]]; then
  health=$(docker image inspect --format '{{join .Config.Healthcheck.Test " "}}' "$IMAGE")
  uid=$(docker image inspect --format '{{.Config.User}}' "$IMAGE")
else
  health=$(inspect '{{range .Docker.Config.Healthcheck.Test}}{{.}} {{end}}')
  uid=$(inspect '{{.Docker.Config.User}}')
  command_line=$(inspect '{{range .Docker.Config.Entrypoint}}{{.}} {{end}}{{range .Docker.Config.Cmd}}{{.}} {{end}}')
fi
health=${health% }
[[ $health == CMD\ * ]] || fail "the image has no HEALTHCHECK (got: '$health')"
[[ -n $uid && $uid != 0 && $uid != root ]] || fail "the image runs as root (USER '$uid')"
say "runs as user $uid; healthcheck: ${health#CMD }"

# The service runs unprivileged: the mounted data folder must be its own, as for any bind mount.
if [[ $(id -u) -eq 0 ]]; then chown "$uid" "$data"; else chmod 777 "$data"; fi

# run, stop -------------------------------------------------------------------------------------
start() {
  if [[ $ENGINE == docker ]]; then
    container=$(docker run -d -p "127.0.0.1:$PORT:8080" -v "$data:/data" "$IMAGE")
  else
    container=$(buildah from "$IMAGE")
    # `buildah run` puts the image's own storage over a declared VOLUME, hiding a -v mount there;
    # docker run does not. Dropping the declaration from this working container lets /data be the folder.
    buildah config --volume /data- "$container"
    # No port mapping without a network namespace: the service listens on the host's loopback.
    # shellcheck disable=SC2086
    buildah run --isolation chroot -e ASPNETCORE_HTTP_PORTS="$PORT" -v "$data:/data" "$container" -- $command_line \
      >"$data.log" 2>&1 &
    pid=$!
  fi
}

healthy() { # the image's own HEALTHCHECK command, run inside the container
  if [[ $ENGINE == docker ]]; then
    [[ $(docker inspect --format '{{.State.Health.Status}}' "$container") == healthy ]]
  else
    # shellcheck disable=SC2086
    buildah run --isolation chroot -e ASPNETCORE_HTTP_PORTS="$PORT" "$container" -- ${health#CMD } >/dev/null 2>&1
  fi
}

wait_healthy() {
  local deadline=$(( $(date +%s) + 120 ))
  until healthy; do
    [[ $(date +%s) -lt $deadline ]] || { [[ -f $data.log ]] && tail -20 "$data.log" >&2; fail "not healthy within 120 s"; }
    if [[ $ENGINE == buildah ]] && ! kill -0 "$pid" 2>/dev/null; then tail -20 "$data.log" >&2; fail "the service exited"; fi
    sleep 2
  done
}

descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }

stop() { # SIGTERM, as docker stop sends it; returns the service's exit code
  if [[ $ENGINE == docker ]]; then
    [[ -n $container ]] || return 0
    docker stop -t 30 "$container" >/dev/null
    local code; code=$(docker inspect --format '{{.State.ExitCode}}' "$container")
    docker rm "$container" >/dev/null; container=""
    return "$code"
  else
    [[ -n $pid ]] || return 0
    # `buildah run` does not forward signals (it kills its child), and with chroot isolation
    # the container's process is a process of this host: send SIGTERM to the service itself,
    # as a container runtime would, and `buildah run` exits with its exit code.
    local service
    service=$(descendants "$pid" | while read -r p; do [[ $(cat "/proc/$p/comm" 2>/dev/null) == aggregator ]] && echo "$p"; done | head -1)
    kill -TERM "${service:-$pid}" 2>/dev/null || true
    local code=0; wait "$pid" || code=$?
    pid=""
    buildah rm "$container" >/dev/null; container=""
    return "$code"
  fi
}

feed() { curl -fsS "http://127.0.0.1:$PORT/feeds/tags/korea-china.atom"; }
entry_ids() { feed | grep -o '<id>tag:[^<]*' | sort; }
metric() { curl -fsS "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

check_seeds() {
  local atom; atom=$(feed)
  local count; count=$(grep -o '<entry' <<<"$atom" | wc -l)
  [[ $count -eq 5 ]] || fail "/feeds/tags/korea-china.atom has $count entries, not 5"
  for title in "${TITLES[@]}"; do
    grep -qF ">$title</title>" <<<"$atom" || fail "missing seed: $title"
  done
}

start
wait_healthy
check_seeds
before=$(entry_ids)
items_before=$(metric aggregator_items)
say "healthy; the korea-china feed holds the 5 seeds; $items_before items stored"

stop || fail "the service exited with code $? on SIGTERM"
say "stopped with SIGTERM, exit code 0"
ls "$data"/aggregator.db >/dev/null || fail "no database in the mounted /data"

start
wait_healthy
check_seeds
after=$(entry_ids)
items_after=$(metric aggregator_items)
[[ "$before" == "$after" ]] || fail "entries changed across the restart:
$before
---
$after"
[[ "$items_before" == "$items_after" ]] || fail "items: $items_before before the restart, $items_after after"
[[ $(metric 'aggregator_duplicates{kind="sighting"}') == 0 ]] || fail "duplicate sightings after the restart"
say "restarted on the same /data: the same 5 entries, $items_after items, nothing lost or duplicated"
stop || fail "the service exited with code $? on the second SIGTERM"

if [[ $ENGINE == docker ]]; then size=$(docker image inspect --format '{{.Size}}' "$IMAGE"); else size=$(podman image inspect --format '{{.Size}}' "$IMAGE"); fi
say "image size: $(( size / 1000000 )) MB ($size bytes)"
say "PASS"
