#!/usr/bin/env bash
# Berth network benchmark: the cost of a bridge network, Berth against podman and a dockerd of the bench's own,
# all on this machine in the same run, each engine on private state and its own bridge and subnet.
#   1. starts berthd (bridge berthnb0, 10.216.0.0/16) and dockerd (bridge berthnd0, 10.218.0.0/16, no iptables:
#      the host's firewall is left alone, which spares dockerd its NAT rules), gives podman its own roots and a
#      default network on 10.219.0.0/16, and imports one busybox image into each;
#   2. latency of `run --rm busybox true` on the default bridge and with `--network none`;
#   3. density: N detached `busybox httpd` containers on the default bridge, started one by one with the CLI,
#      10 of them probed over HTTP at their addresses, then all removed: wall time, per-start median and p90 of
#      the first and last 10 %, memory used per container (free's used, before and after), the daemon's RSS,
#      the memory the engine holds (PSS of its processes + the kernel's unreclaimable memory, after - before: sound
#      while other work shares the machine), the time to remove them all;
#   4. prints the figures and the ratios against the targets; removes everything it made, also when interrupted.
# Raw hyperfine JSON, per-start times, daemon logs and the summary go to bench/out/net-<UTC timestamp>/.
#
# Run as root:   sudo bash bench/network.sh
# Environment:   RUNS=20  (hyperfine runs per command, after 3 warm-ups)
#                N=100    (containers in the density run; N=1000 is the full claim)
#                ENGINES="berth docker podman" (a subset to skip some)
#                BENCH_DIR=/var/tmp/berth-netbench (state of the bench's engines; removed at the end)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
source "$here/lib.sh"

RUNS=${RUNS:-20}
N=${N:-100}
ENGINES=${ENGINES:-"berth docker podman"}
WARMUP=3
W=${BENCH_DIR:-/var/tmp/berth-netbench}
R=/run/berth-netbench
BERTH_BRIDGE=berthnb0
BERTH_BIP=10.216.0.1/16
BERTH_POOL=base=10.217.0.0/16,size=24
DOCKER_BRIDGE=berthnd0
DOCKER_CIDR=10.218.0.1/16
PODMAN_SUBNET=10.219.0.0/16
OUT=$here/out/net-$(date -u +%Y%m%dT%H%M%SZ)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export DOCKER_CONFIG=$W/docker-cli
export CONTAINERS_CONF=$W/containers.conf

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (sudo bash bench/network.sh)" >&2; exit 1; }

BERTHD_SOCK=unix://$R/berth.sock
DOCKERD_SOCK=unix://$R/docker.sock
BERTH=("$repo/bin/berth" -H "$BERTHD_SOCK")
DOCKER=(docker -H "$DOCKERD_SOCK")
PODMAN=(podman --root "$W/podman" --runroot "$R/podman" --tmpdir "$R/podman-tmp" --network-config-dir "$W/podman-net"
  --storage-driver overlay --cgroup-manager cgroupfs --events-backend file)
berthd_pid=
dockerd_pid=
made_bridge=
ip_forward_before=$(cat /proc/sys/net/ipv4/ip_forward)
host_paths_new=()
for p in /run/docker /run/containerd /run/containers /var/lib/containers /dev/shm/libpod_lock; do
  [ -e "$p" ] || host_paths_new+=("$p")
done

has() { [[ " $ENGINES " == *" $1 "* ]]; }

cleanup() {
  trap '' INT TERM
  set +e
  log "cleaning up"
  if [ -n "$berthd_pid" ] && alive "$berthd_pid"; then
    "${BERTH[@]}" ps -aq 2>/dev/null | xargs -r -n 50 "${BERTH[@]}" rm -f >/dev/null
    stop_pid "$berthd_pid" 20
  fi
  if [ -n "$dockerd_pid" ] && alive "$dockerd_pid"; then
    "${DOCKER[@]}" ps -aq 2>/dev/null | xargs -r -n 50 "${DOCKER[@]}" rm -f >/dev/null
    stop_pid "$dockerd_pid" 30
  fi
  if [ -d "$W/podman" ]; then
    "${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>&1
    "${PODMAN[@]}" rmi -a -f >/dev/null 2>&1
  fi
  remove_private_state
  [ -z "$made_bridge" ] || ip link del "$DOCKER_BRIDGE"
  # berthd's spare sandboxes keep its bridge until it stops; netavark removes it with the last one
  restore_ip_forward "$ip_forward_before"
  echo "results and logs: $OUT"
}

# ---- 1. engines and images --------------------------------------------------------------------------------
for cmd in hyperfine curl python3; do
  command -v "$cmd" >/dev/null || { echo "bench: $cmd is missing (apt-get install $cmd)" >&2; exit 1; }
done
if [ ! -f "$repo/daemon/target/berthd.jar" ] || [ ! -f "$repo/cli/target/berth-cli.jar" ]; then
  (cd "$repo" && mvn -o -q install -DskipTests)
fi
if [ -e "$W" ] || [ -e "$R" ]; then
  echo "bench: $W or $R exists (an earlier run still going, or killed with SIGKILL); remove it first" >&2
  exit 1
fi
for net in 10.216. 10.217. 10.218. 10.219.; do
  if ip route show | grep -q "^${net//./\\.}"; then
    echo "bench: ${net}0.0/16 is already routed here; change the subnets at the top of bench/network.sh" >&2
    exit 1
  fi
done
for link in "$BERTH_BRIDGE" "$DOCKER_BRIDGE" podman0; do
  if ip link show "$link" >/dev/null 2>&1; then
    echo "bench: interface $link exists already (another engine?); stop it or change the names" >&2
    exit 1
  fi
done

mkdir -p "$OUT" "$W" "$R" "$DOCKER_CONFIG"
echo '{}' > "$DOCKER_CONFIG/config.json"
trap cleanup EXIT
trap 'exit 130' INT TERM
sed -e 's/^\[containers\]$/[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]/' \
    -e "s|^\[network\]$|[network]\ndefault_subnet = \"$PODMAN_SUBNET\"|" \
  /usr/share/containers/containers.conf > "$CONTAINERS_CONF"
exec > >(trap '' INT TERM; exec tee "$OUT/run.log") 2>&1

{
  echo "Berth network benchmark, $(date -u +%FT%TZ), $(hostname), $(nproc) cores, kernel $(uname -r)"
  echo "RUNS=$RUNS (+$WARMUP warm-ups) N=$N engines: $ENGINES; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "berthd $(git -C "$repo" rev-parse --short HEAD 2>/dev/null)$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo '+changes');" \
    "$(dockerd --version | cut -d, -f1 | sed 's/Docker version/dockerd/'); $(podman --version);" \
    "$(/usr/lib/podman/netavark --version)"
} > "$OUT/meta.txt"
cat "$OUT/meta.txt"

bash "$repo/scripts/busybox-rootfs.sh" "$W/rootfs"
tar -C "$W/rootfs" --numeric-owner -cf "$W/rootfs.tar" .

if has berth; then
  log "starting berthd (bridge $BERTH_BRIDGE $BERTH_BIP)"
  setsid "$repo/bin/berthd" --root "$W/berth" --exec-root "$R/berth" --host "$BERTHD_SOCK" \
    --bridge "$BERTH_BRIDGE" --bip "$BERTH_BIP" --default-address-pool "$BERTH_POOL" > "$OUT/berthd.log" 2>&1 &
  berthd_pid=$!
  wait_until 60 berthd "${BERTH[@]}" version
  bash "$repo/scripts/busybox-image.sh" -H "$BERTHD_SOCK"
fi
if has docker; then
  log "starting dockerd (bridge $DOCKER_BRIDGE $DOCKER_CIDR, no iptables)"
  ip link add "$DOCKER_BRIDGE" type bridge
  made_bridge=1
  ip addr add "$DOCKER_CIDR" dev "$DOCKER_BRIDGE"
  ip link set "$DOCKER_BRIDGE" up
  echo '{}' > "$W/daemon.json"
  setsid dockerd -H "$DOCKERD_SOCK" --data-root "$W/docker" --exec-root "$R/docker" --pidfile "$R/docker.pid" \
    --config-file "$W/daemon.json" --storage-driver overlay2 --bridge "$DOCKER_BRIDGE" \
    --iptables=false --ip-masq=false --ip-forward=false > "$OUT/dockerd.log" 2>&1 &
  dockerd_pid=$!
  wait_until 60 dockerd "${DOCKER[@]}" version
  containerd_pid=$(pgrep -P "$dockerd_pid" -x containerd)
  "${DOCKER[@]}" import --change 'CMD ["sh"]' "$W/rootfs.tar" busybox:latest
fi
if has podman; then
  log "podman on its own roots, default network on $PODMAN_SUBNET"
  "${PODMAN[@]}" import --change 'CMD ["sh"]' "$W/rootfs.tar" busybox:latest
fi

# ---- 2. latency -------------------------------------------------------------------------------------------
log "latency: run --rm busybox true, default bridge and --network none"
if has berth; then
  sleep 2 # the spare sandboxes made at start
  hf net-berth-bridge "berth: bridge" -- "${BERTH[@]}" run --rm busybox true
  hf net-berth-none "berth: none" -- "${BERTH[@]}" run --rm --network none busybox true
  hf net-dockercli-berthd-bridge "docker CLI -> berthd: bridge" DOCKER_HOST="$BERTHD_SOCK" -- docker run --rm busybox true
  hf net-dockercli-berthd-none "docker CLI -> berthd: none" DOCKER_HOST="$BERTHD_SOCK" \
    -- docker run --rm --network none busybox true
fi
if has docker; then
  hf net-docker-bridge "docker: bridge" -- "${DOCKER[@]}" run --rm busybox true
  hf net-docker-none "docker: none" -- "${DOCKER[@]}" run --rm --network none busybox true
fi
if has podman; then
  hf net-podman-bridge "podman: bridge" -- "${PODMAN[@]}" run --rm busybox true
  hf net-podman-none "podman: none" -- "${PODMAN[@]}" run --rm --network none busybox true
fi

# ---- 3. density -------------------------------------------------------------------------------------------
# free's used, the median of 5 samples a second apart: it moves with everything on the machine.
used_kib() {
  local i
  for ((i = 0; i < 5; i++)); do
    free -k | awk '/^Mem:/ {print $3}'
    sleep 1
  done | sort -n | sed -n 3p
}

# engine_kib ENGINE: the memory one engine holds, unmoved by other work on the machine (a build next door shifts
# free's used by hundreds of MiB): the PSS of its processes (daemons, conmons or shims and their children, the
# containers; all named by their state under $R/ENGINE or $W/ENGINE) plus the kernel's unreclaimable memory (slab,
# stacks, page tables, per-cpu: where namespaces, veths, cgroups and mounts live), which only the engine's work
# moves by much while the benchmark runs.
engine_kib() {
  local pid pss=0 kib kernel
  for pid in $( (pids_mentioning "$R/$1"; pids_mentioning "$W/$1") | sort -u | while read -r p; do
                echo "$p"; pgrep -P "$p"; done | sort -u); do
    kib=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null)
    pss=$((pss + ${kib:-0}))
  done
  kernel=$(awk '/^(SUnreclaim|KernelStack|PageTables|Percpu):/ {s += $2} END {print s}' /proc/meminfo)
  echo $((pss + kernel))
}

# density ENGINE RSS_PIDS -- CLI...: N detached httpd containers one by one, 10 probed, all removed.
density() {
  local engine=$1 pids=$2 i t0 t1 before after held_before held_after ok=0 ips
  shift 3
  local cli=("$@")
  log "density: $N httpd containers with $engine"
  sync
  sleep 2
  before=$(used_kib)
  held_before=$(engine_kib "$engine")
  : > "$OUT/density-$engine-starts.txt"
  local wall0
  wall0=$(date +%s%N)
  for ((i = 1; i <= N; i++)); do
    t0=$(date +%s%N)
    "${cli[@]}" run -d --name "dens$i" busybox httpd -f -p 80 -h /etc > /dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000)) >> "$OUT/density-$engine-starts.txt"
    ((i % 50 == 0 || i == N)) && printf '  %s: %d/%d started\n' "$engine" "$i" "$N"
  done
  local wall=$((($(date +%s%N) - wall0) / 1000000))
  sleep 3
  after=$(used_kib)
  held_after=$(engine_kib "$engine")
  local rss=0
  [ -z "$pids" ] || rss=$(rss_kib $pids)
  for ((i = 1; i <= N; i += (N + 9) / 10)); do
    local ip
    ip=$("${cli[@]}" inspect -f '{{.NetworkSettings.IPAddress}}' "dens$i")
    local hostname
    hostname=$(curl -s -m 3 "http://$ip/hostname" || true)
    [ -n "$hostname" ] && ok=$((ok + 1))
  done
  t0=$(date +%s%N)
  # podman's rm -f stops with SIGTERM and a 10 s grace first (httpd as pid 1 ignores it); -t 0 kills at once,
  # as docker's and berth's rm -f do
  local rm=(rm -f)
  [ "$engine" != podman ] || rm=(rm -f -t 0)
  "${cli[@]}" ps -aq | xargs -r -n 50 "${cli[@]}" "${rm[@]}" > /dev/null
  t1=$(date +%s%N)
  printf '%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n' "$engine" "$wall" "$before" "$after" "$rss" "$ok" \
    $(((t1 - t0) / 1000000)) "$held_before" "$held_after" >> "$OUT/density.tsv"
  printf '  %s: wall %d ms, probes %d/10, used %d -> %d KiB, engine %d -> %d KiB, daemon RSS %d KiB, removal %d ms\n' \
    "$engine" "$wall" "$ok" "$before" "$after" "$held_before" "$held_after" "$rss" $(((t1 - t0) / 1000000))
}

if has berth; then density berth "$berthd_pid" -- "${BERTH[@]}"; fi
if has docker; then density docker "$dockerd_pid $containerd_pid" -- "${DOCKER[@]}"; fi
if has podman; then density podman "" -- "${PODMAN[@]}"; fi

# ---- 4. summary -------------------------------------------------------------------------------------------
python3 - "$OUT" "$N" <<'EOF' | tee "$OUT/summary.txt"
import json, os, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])

def median_ms(key):
    path = os.path.join(out, key + ".json")
    if not os.path.exists(path):
        return None
    return statistics.median(json.load(open(path))["results"][0]["times"]) * 1000

def fmt(v, unit=" ms"):
    return "-" if v is None else f"{v:.0f}{unit}"

def ratio(a, b, target):
    if a is None or b is None:
        return "-"
    r = a / b
    return f"{r:.2f}x (target <= {target}x: {'PASS' if r <= target else 'MISS'})"

print("\nrun --rm busybox true, median of the runs")
print(f"{'':32}{'bridge':>10}{'none':>10}{'bridge cost':>13}")
for label, key in [("berth CLI -> berthd", "net-berth"), ("docker CLI -> berthd", "net-dockercli-berthd"),
                   ("docker CLI -> dockerd", "net-docker"), ("podman", "net-podman")]:
    b, nn = median_ms(key + "-bridge"), median_ms(key + "-none")
    cost = None if b is None or nn is None else b - nn
    print(f"{label:32}{fmt(b):>10}{fmt(nn):>10}{fmt(cost):>13}")
berth = median_ms("net-berth-bridge")
berth_docker_cli = median_ms("net-dockercli-berthd-bridge")
print("Berth bridge (berth CLI) vs podman: " + ratio(berth, median_ms("net-podman-bridge"), 0.5))
print("Berth bridge (docker CLI) vs docker: " + ratio(berth_docker_cli, median_ms("net-docker-bridge"), 0.6))

rows = {}
path = os.path.join(out, "density.tsv")
if os.path.exists(path):
    for line in open(path):
        e, wall, before, after, rss, ok, removal, held_before, held_after = line.split("\t")
        starts = [int(x) for x in open(os.path.join(out, f"density-{e}-starts.txt"))]
        tenth = max(1, len(starts) // 10)
        def p90(xs):
            xs = sorted(xs)
            return xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
        first, last = starts[:tenth], starts[-tenth:]
        rows[e] = dict(wall=int(wall), per=(int(after) - int(before)) / n / 1024,
                       held=(int(held_after) - int(held_before)) / n / 1024, rss=int(rss) / 1024, ok=int(ok),
                       removal=int(removal), first=(statistics.median(first), p90(first)),
                       last=(statistics.median(last), p90(last)))
    print(f"\ndensity: {n} detached busybox httpd on the default bridge, started one by one")
    print("MiB/ctr: free's used, after - before, / N; engine: its processes' PSS + the kernel's unreclaimable, same")
    print(f"{'':10}{'wall':>10}{'start first 10% med/p90':>26}{'last 10% med/p90':>20}{'MiB/ctr':>9}{'engine':>8}"
          f"{'daemon RSS':>12}{'probes':>8}{'remove all':>12}")
    for e, r in rows.items():
        print(f"{e:10}{r['wall']:>8} ms{r['first'][0]:>17.0f}/{r['first'][1]:.0f} ms{r['last'][0]:>13.0f}/"
              f"{r['last'][1]:.0f} ms{r['per']:>9.2f}{r['held']:>8.2f}{r['rss']:>9.0f} MiB{r['ok']:>6}/10"
              f"{r['removal']:>9} ms")
    if "berth" in rows and "podman" in rows:
        print("Berth wall vs podman: " + ratio(rows["berth"]["wall"], rows["podman"]["wall"], 0.6))
        print("Berth memory per container vs podman (free's used): "
              + ratio(rows["berth"]["per"], rows["podman"]["per"], 1.0))
        print("Berth memory per container vs podman (engine): " + ratio(rows["berth"]["held"], rows["podman"]["held"], 1.0))
    if "berth" in rows and "docker" in rows:
        print("berthd RSS vs dockerd + containerd: " + ratio(rows["berth"]["rss"], rows["docker"]["rss"], 0.5))
EOF
