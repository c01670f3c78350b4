#!/usr/bin/env bash
# Berth benchmark: berthd (through the berth CLI and the docker CLI) against the bench's own dockerd, podman
# and raw crun, all on this machine in the same run, each engine on private state so nothing of the host's
# docker/podman is touched.
#   1. installs what is missing (hyperfine, podman, docker.io, crun, conmon) and builds Berth if its jars are missing;
#   2. starts berthd and a dockerd (own socket, data root, exec root, pidfile, bridge berthb0, no iptables),
#      makes one busybox rootfs and imports it into berthd, dockerd and podman (own --root/--runroot), plus an
#      OCI bundle for `crun run`;
#   3. latency of `run --rm --network none busybox true` per engine and the CLI floors (`version`);
#   4. `ps` and `images` with N running `sleep 3600` containers in berthd and in dockerd;
#   5. RSS of berthd and of dockerd + containerd, idle and with N containers;
#   6. prints medians and the ratios against the project's targets (PASS/MISS);
#   7. removes everything it made, also when interrupted.
# Raw hyperfine JSON, daemon logs and the table go to bench/out/<UTC timestamp>/.
#
# Run as root:   sudo bash bench/run.sh
# Environment:   RUNS=20 (hyperfine runs per command, after 3 warm-ups)
#                N=200   (running containers per daemon for ps/images/memory)
#                BENCH_DIR=/var/tmp/berth-bench (state of the bench's engines; removed at the end)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
source "$here/lib.sh"

RUNS=${RUNS:-20}
N=${N:-200}
WARMUP=3
W=${BENCH_DIR:-/var/tmp/berth-bench}   # persistent state of the three engines and the bundle
R=/run/berth-bench                      # runtime state and sockets
BRIDGE=berthb0
BRIDGE_CIDR=10.213.0.1/16
OUT=$here/out/$(date -u +%Y%m%dT%H%M%SZ)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export DOCKER_CONFIG=$W/docker-cli      # the docker CLI's own config dir, not ~/.docker
export CONTAINERS_CONF=$W/containers.conf

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (sudo bash bench/run.sh)" >&2; exit 1; }

BERTHD_SOCK=unix://$R/berth.sock
DOCKERD_SOCK=unix://$R/docker.sock
BERTH=("$repo/bin/berth" -H "$BERTHD_SOCK")
PODMAN=(podman --root "$W/podman" --runroot "$R/podman" --tmpdir "$R/podman-tmp" --network-config-dir "$W/podman-net"
  --storage-driver overlay --cgroup-manager cgroupfs --events-backend file)
CRUN=(crun --root "$R/crun")
CRUN_ID=bench-crun-$$
berthd_pid=
dockerd_pid=
made_bridge=
ip_forward_before=$(cat /proc/sys/net/ipv4/ip_forward)
# Default locations the engines write to despite their private roots: dockerd's plugin dir, containerd's shim
# sockets, netavark's run dir, podman's blob-info cache and SHM locks. Those missing now are removed at the end.
host_paths_new=()
for p in /run/docker /run/containerd /run/containers /var/lib/containers /dev/shm/libpod_lock; do
  [ -e "$p" ] || host_paths_new+=("$p")
done

cleanup() {
  trap '' INT TERM
  set +e
  log "cleaning up"
  if [ -n "$berthd_pid" ] && alive "$berthd_pid"; then
    "${BERTH[@]}" ps -aq 2>/dev/null | xargs -r -n 50 "${BERTH[@]}" rm -f >/dev/null
    stop_pid "$berthd_pid" 20
  fi
  if [ -n "$dockerd_pid" ] && alive "$dockerd_pid"; then
    docker -H "$DOCKERD_SOCK" ps -aq 2>/dev/null | xargs -r -n 50 docker -H "$DOCKERD_SOCK" rm -f >/dev/null
    stop_pid "$dockerd_pid" 30
  fi
  if [ -d "$W/podman" ]; then
    "${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>&1
    "${PODMAN[@]}" rmi -a -f >/dev/null 2>&1
  fi
  "${CRUN[@]}" delete -f "$CRUN_ID" >/dev/null 2>&1
  # Helpers the daemons started (conmon, containerd, shims) that outlived them: found by our unique paths.
  remove_private_state
  [ -z "$made_bridge" ] || ip link del "$BRIDGE"
  restore_ip_forward "$ip_forward_before"
  echo "results and logs: $OUT"
}

# ---- 1. what the bench needs ------------------------------------------------------------------------------
log "checking tools"
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v podman >/dev/null || missing+=(podman)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v crun >/dev/null || missing+=(crun)
command -v conmon >/dev/null || missing+=(conmon)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -f "$repo/daemon/target/berthd.jar" ] || [ ! -f "$repo/cli/target/berth-cli.jar" ]; then
  echo "building Berth"
  (cd "$repo" && mvn -o -q install -DskipTests)
fi
if [ -e "$W" ] || [ -e "$R" ]; then
  echo "bench: $W or $R exists (an earlier run still going, or killed with SIGKILL); remove it first" >&2
  exit 1
fi
if ip route show | grep -q '^10\.213\.'; then
  echo "bench: 10.213.0.0/16 is already routed here; pick another BRIDGE_CIDR in bench/run.sh" >&2
  exit 1
fi

jars_before=$(stat -c '%n %Y' "$repo"/cli/target/*.jar "$repo"/cli/target/*.aot "$repo"/daemon/target/*.jar 2>/dev/null)
mkdir -p "$OUT" "$W" "$R" "$DOCKER_CONFIG"
echo '{}' > "$DOCKER_CONFIG/config.json"   # podman also reads $DOCKER_CONFIG/config.json (auth) and needs it
trap cleanup EXIT
trap 'exit 130' INT TERM
# podman: Debian's containers.conf with rlimits under this machine's hard limits (anchor-results.md item 2).
sed 's/^\[containers\]$/[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]/' \
  /usr/share/containers/containers.conf > "$CONTAINERS_CONF"
exec > >(trap '' INT TERM; exec tee "$OUT/run.log") 2>&1   # tee outlives a Ctrl-C, for the clean-up's output

{
  echo "Berth benchmark, $(date -u +%FT%TZ), $(hostname), $(nproc) cores, kernel $(uname -r)"
  echo "RUNS=$RUNS (+$WARMUP warm-ups) N=$N; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "berthd $(git -C "$repo" rev-parse --short HEAD 2>/dev/null)$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo '+changes');" \
    "$(docker --version | cut -d, -f1) ($(command -v docker)); $(dockerd --version | cut -d, -f1 | sed 's/Docker version/dockerd/');" \
    "$(podman --version); $(crun --version | head -1); $(hyperfine --version)"
  echo "AOT caches: berth CLI $(aot_state "$repo/cli/target/berth.aot" "$repo/cli/target/berth-cli.jar")," \
    "berthd $(aot_state "$repo/daemon/target/berthd.aot" "$repo/daemon/target/berthd.jar")"
} > "$OUT/meta.txt"
cat "$OUT/meta.txt"

# ---- 2. daemons and images ---------------------------------------------------------------------------------
log "starting berthd (it mounts the hugetlb cgroup if the host left it on cgroup2, which crun and podman need too)"
setsid "$repo/bin/berthd" --root "$W/berth" --exec-root "$R/berth" --host "$BERTHD_SOCK" > "$OUT/berthd.log" 2>&1 &
berthd_pid=$!
wait_until 60 berthd "${BERTH[@]}" version
echo "berthd: pid $berthd_pid ($(cat "/proc/$berthd_pid/comm"))"

log "starting dockerd on its own socket, roots and bridge $BRIDGE ($BRIDGE_CIDR)"
if ip link show "$BRIDGE" >/dev/null 2>&1; then
  echo "bench: bridge $BRIDGE exists already; remove it or pick another name" >&2
  exit 1
fi
ip link add "$BRIDGE" type bridge
made_bridge=1
ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
ip link set "$BRIDGE" up
echo '{}' > "$W/daemon.json"
# As the anchor measurements (anchor-results.md item 3), plus --config-file so no /etc/docker/daemon.json applies
# and --ip-forward=false so the host's net.ipv4.ip_forward is left alone (no effect with --network none).
setsid dockerd -H "$DOCKERD_SOCK" --data-root "$W/docker" --exec-root "$R/docker" --pidfile "$R/docker.pid" \
  --config-file "$W/daemon.json" --storage-driver overlay2 --bridge "$BRIDGE" \
  --iptables=false --ip-masq=false --ip-forward=false > "$OUT/dockerd.log" 2>&1 &
dockerd_pid=$!
wait_until 60 dockerd docker -H "$DOCKERD_SOCK" version
containerd_pid=$(pgrep -P "$dockerd_pid" -x containerd) || { echo "bench: dockerd started no containerd" >&2; exit 1; }
echo "dockerd: pid $dockerd_pid, its containerd: pid $containerd_pid"

log "making the busybox rootfs and importing it into each engine"
bash "$repo/scripts/busybox-rootfs.sh" "$W/bundle/rootfs"
tar -C "$W/bundle/rootfs" --numeric-owner -cf "$W/rootfs.tar" .
bash "$repo/scripts/busybox-image.sh" -H "$BERTHD_SOCK"
docker -H "$DOCKERD_SOCK" import --change 'CMD ["sh"]' "$W/rootfs.tar" local/busybox
"${PODMAN[@]}" import --change 'CMD ["sh"]' "$W/rootfs.tar" local/busybox
(cd "$W/bundle" && crun spec)
python3 - "$W/bundle/config.json" <<'EOF'
import json, sys
path = sys.argv[1]
spec = json.load(open(path))
spec["process"]["args"] = ["true"]
spec["process"]["terminal"] = False
json.dump(spec, open(path, "w"), indent=2)
EOF

log "memory with the images imported, nothing running (after 5 s)"
sleep 5
mem rss-berthd-idle "berthd idle (image imported)" "$berthd_pid"
mem rss-dockerd-idle "dockerd + containerd idle (image imported)" "$dockerd_pid" "$containerd_pid"

# ---- 3. latency --------------------------------------------------------------------------------------------
log "latency: one short container, and the CLI floors"
hf version-berth "berth version -> berthd" -- "${BERTH[@]}" version
hf version-docker-berthd "docker version -> berthd" DOCKER_HOST="$BERTHD_SOCK" -- docker version
hf version-docker-dockerd "docker version -> dockerd" DOCKER_HOST="$DOCKERD_SOCK" -- docker version
hf run-berth "berth run --rm --network none busybox true -> berthd" \
  -- "${BERTH[@]}" run --rm --network none busybox true
hf run-docker-berthd "docker run --rm --network none busybox true -> berthd" DOCKER_HOST="$BERTHD_SOCK" \
  -- docker run --rm --network none busybox true
# crun deletes a container when a foreground `run` returns, so one id serves every run; no shell around it.
hf run-crun "crun run (OCI bundle, true; new netns, no network setup)" \
  -- "${CRUN[@]}" run --bundle "$W/bundle" "$CRUN_ID"
hf run-podman "podman run --rm --network none local/busybox true (crun)" \
  -- "${PODMAN[@]}" run --rm --network none local/busybox true
hf run-docker-dockerd "docker run --rm --network none local/busybox true -> dockerd" DOCKER_HOST="$DOCKERD_SOCK" \
  -- docker run --rm --network none local/busybox true
mem rss-berthd-used "berthd after the latency runs" "$berthd_pid"
mem rss-dockerd-used "dockerd + containerd after the latency runs" "$dockerd_pid" "$containerd_pid"

# ---- 4. ps and images with N running containers ------------------------------------------------------------
log "starting $N detached containers in berthd and $N in dockerd"
start_many "$N" "berth run -d --network none busybox sleep 3600 -> berthd" \
  "${BERTH[@]}" run -d --network none busybox sleep 3600
start_many "$N" "docker run -d --network none local/busybox sleep 3600 -> dockerd" \
  docker -H "$DOCKERD_SOCK" run -d --network none local/busybox sleep 3600
echo "running: berthd $("${BERTH[@]}" ps -q | wc -l), dockerd $(docker -H "$DOCKERD_SOCK" ps -q | wc -l)"

log "ps and images with $N running containers"
hf ps-berth "berth ps ($N running) -> berthd" -- "${BERTH[@]}" ps
hf ps-docker-berthd "docker ps ($N running) -> berthd" DOCKER_HOST="$BERTHD_SOCK" -- docker ps
hf ps-docker-dockerd "docker ps ($N running) -> dockerd" DOCKER_HOST="$DOCKERD_SOCK" -- docker ps
hf images-berth "berth images -> berthd" -- "${BERTH[@]}" images
hf images-docker-berthd "docker images -> berthd" DOCKER_HOST="$BERTHD_SOCK" -- docker images
hf images-docker-dockerd "docker images -> dockerd" DOCKER_HOST="$DOCKERD_SOCK" -- docker images

# ---- 5. memory with N running (idle and after-latency figures were taken above) -----------------------------
mem rss-berthd-n "berthd with $N running (its conmons not counted)" "$berthd_pid"
mem rss-dockerd-n "dockerd + containerd with $N running (shims not counted)" "$dockerd_pid" "$containerd_pid"

# ---- 6. the table ------------------------------------------------------------------------------------------
log "results"
if [ "$(stat -c '%n %Y' "$repo"/cli/target/*.jar "$repo"/cli/target/*.aot "$repo"/daemon/target/*.jar 2>/dev/null)" \
    != "$jars_before" ]; then
  echo "WARNING: Berth's jars or AOT cache were rebuilt during this run; the berth/berthd figures are unreliable." \
    >> "$OUT/meta.txt"
fi
python3 "$here/summarise.py" "$OUT"
