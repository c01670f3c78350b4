#!/usr/bin/env bash
# Berth transfer benchmark: pull and push of one ~200 MiB, 4-layer image (random, text-like, mixed, many small
# files; gzip layers) against local docker-registry instances, Berth beside podman, skopeo and a dockerd of the
# script's own, each on private state.
#   1. makes the image as an OCI layout and seeds a source registry with it (skopeo, digests preserved);
#   2. pull: RUNS timed pulls per engine from the source registry, the image removed before each
#      (skopeo copies to an OCI layout: a transfer without unpacking, the floor);
#   3. push: RUNS timed pushes per engine of the pulled image to a fresh, empty registry each time;
#   4. prints medians and the ratios against the targets (pull <= 0.7x podman, push <= 0.8x podman).
# Berth keeps a pulled image's compressed blobs, so its push sends them as they are; podman and dockerd keep
# layers uncompressed and compress them again for every push.
#
# Run as root:   sudo bash bench/transfer.sh
# Environment:   RUNS=5, LAYER_MIB=50 (size of each layer before compression),
#                BENCH_DIR=/var/tmp/berth-transfer (removed at the end),
#                BASELINE=/path/to/another/build/bin/berthd (optional: its pulls are timed too, right after
#                Berth's, as "berth-base": a before/after comparison within one run on a loaded machine)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
source "$here/lib.sh"

RUNS=${RUNS:-5}
LAYER_MIB=${LAYER_MIB:-50}
W=${BENCH_DIR:-/var/tmp/berth-transfer}
R=/run/berth-transfer
BRIDGE=berthb1
BRIDGE_CIDR=10.214.0.1/16
OUT=$here/out/transfer-$(date -u +%Y%m%dT%H%M%SZ)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export DOCKER_CONFIG=$W/docker-cli
export CONTAINERS_CONF=$W/containers.conf

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (sudo bash bench/transfer.sh)" >&2; exit 1; }
for tool in docker-registry skopeo podman dockerd python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
if [ -e "$W" ] || [ -e "$R" ]; then
  echo "bench: $W or $R exists (an earlier run still going?); remove it first" >&2
  exit 1
fi

BERTHD_SOCK=unix://$R/berth.sock
BASELINE=${BASELINE:-}
BASE_SOCK=unix://$R/berth-base.sock
BASE=("$repo/bin/berth" -H "$BASE_SOCK")
DOCKERD_SOCK=unix://$R/docker.sock
BERTH=("$repo/bin/berth" -H "$BERTHD_SOCK")
DOCKER=(docker -H "$DOCKERD_SOCK")
PODMAN=(podman --root "$W/podman" --runroot "$R/podman" --tmpdir "$R/podman-tmp" --storage-driver overlay
  --cgroup-manager cgroupfs --events-backend file)
SRC_PORT=$((20000 + RANDOM % 20000))
DST_PORT=$((SRC_PORT + 1))
SRC=127.0.0.1:$SRC_PORT
DST=127.0.0.1:$DST_PORT
IMAGE=bench/transfer:1
berthd_pid= base_pid= dockerd_pid= src_pid= dst_pid= made_bridge=
host_paths_new=()
for p in /run/docker /run/containerd /run/containers /var/lib/containers /dev/shm/libpod_lock; do
  [ -e "$p" ] || host_paths_new+=("$p")
done

cleanup() {
  trap '' INT TERM
  set +e
  log "cleaning up"
  [ -z "$berthd_pid" ] || stop_pid "$berthd_pid" 20
  [ -z "$base_pid" ] || stop_pid "$base_pid" 20
  [ -z "$dockerd_pid" ] || stop_pid "$dockerd_pid" 30
  [ -z "$src_pid" ] || stop_pid "$src_pid" 5
  [ -z "$dst_pid" ] || stop_pid "$dst_pid" 5
  [ ! -d "$W/podman" ] || "${PODMAN[@]}" rmi -a -f >/dev/null 2>&1
  remove_private_state
  [ -z "$made_bridge" ] || ip link del "$BRIDGE"
  echo "results: $OUT"
}

mkdir -p "$OUT" "$W" "$R" "$DOCKER_CONFIG"
echo '{}' > "$DOCKER_CONFIG/config.json"
trap cleanup EXIT
trap 'exit 130' INT TERM
sed 's/^\[containers\]$/[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]/' \
  /usr/share/containers/containers.conf > "$CONTAINERS_CONF"
exec > >(trap '' INT TERM; exec tee "$OUT/run.log") 2>&1

# registry NAME PORT: (re)starts a docker-registry on 127.0.0.1:PORT with empty storage under $W/NAME.
registry() {
  local name=$1 port=$2 var=${1}_pid
  [ -z "${!var}" ] || stop_pid "${!var}" 5
  rm -rf "${W:?}/$name"
  mkdir -p "$W/$name"
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$W/$name/storage" "$port" > "$W/$name/config.yml"
  setsid docker-registry serve "$W/$name/config.yml" >> "$OUT/$name.log" 2>&1 &
  printf -v "$var" '%s' $!
  wait_until 20 "registry $name" curl -sf "http://127.0.0.1:$port/v2/"
}

# cpu_ticks PID: the user and system CPU the process used so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# timed KEY PREPARE -- COMMAND...: RUNS times: PREPARE (a shell string, untimed), then COMMAND timed; the
# milliseconds go to $OUT/KEY.txt, one a line. With CPU_PID set, that daemon's CPU seconds during COMMAND go to
# $OUT/KEY.cpu.txt.
timed() {
  local key=$1 prepare=$2 i t0 t1 c0=0 c1=0
  shift 3
  for ((i = 1; i <= RUNS; i++)); do
    eval "$prepare" >/dev/null 2>&1 || true
    sync
    [ -z "${CPU_PID:-}" ] || c0=$(cpu_ticks "$CPU_PID")
    t0=$(date +%s%N)
    if ! "$@" > "$OUT/$key.last.log" 2>&1; then
      echo "bench: $key failed:" >&2
      tail -n 20 "$OUT/$key.last.log" | sed 's/^/  | /' >&2
      return 0
    fi
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000)) >> "$OUT/$key.txt"
    if [ -n "${CPU_PID:-}" ]; then
      c1=$(cpu_ticks "$CPU_PID")
      awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f\n", t / hz}' >> "$OUT/$key.cpu.txt"
    fi
    printf '  %s run %d: %d ms\n' "$key" "$i" $(((t1 - t0) / 1000000))
  done
}

{
  echo "Berth transfer benchmark, $(date -u +%FT%TZ), $(hostname), $(nproc) cores, kernel $(uname -r)"
  echo "RUNS=$RUNS LAYER_MIB=$LAYER_MIB; berthd $(git -C "$repo" rev-parse --short HEAD);" \
    "$(podman --version); $(skopeo --version); $(dockerd --version | cut -d, -f1); $(docker-registry --version 2>&1 | head -1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  # Without a journal ext4 skips recently freed inodes one by one when it allocates (docs/decisions.md), so pulls
  # after removals slow down there.
  dev=$(findmnt -no SOURCE -T "$W")
  echo "$W on $dev: $(findmnt -no FSTYPE,OPTIONS -T "$W")$(
    [ -e "/sys/fs/ext4/${dev#/dev/}/journal_task" ] && echo ", ext4 journal: $(cat "/sys/fs/ext4/${dev#/dev/}/journal_task")")"
} | tee "$OUT/meta.txt"

# ---- 1. the image ------------------------------------------------------------------------------------------
log "making a 4-layer image of ${LAYER_MIB} MiB layers and seeding the source registry"
python3 - "$W/layout" "$LAYER_MIB" <<'EOF'
import gzip, hashlib, io, json, os, random, sys, tarfile
out, mib = sys.argv[1], int(sys.argv[2])
size = mib * 1024 * 1024
os.makedirs(out + "/blobs/sha256")
rnd = random.Random(7)
words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 10))) for _ in range(5000)]
def text(n):
    parts, total = [], 0
    while total < n:
        line = " ".join(rnd.choice(words) for _ in range(12)) + "\n"
        parts.append(line); total += len(line)
    return "".join(parts).encode()[:n]
def layer(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in files:
            info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 1700000000; info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
    tar = buf.getvalue()
    return tar, gzip.compress(tar, compresslevel=6, mtime=0)
chunk = 1024 * 1024
layers = [
    layer([("random/%d.bin" % i, os.urandom(chunk * 10)) for i in range(mib // 10)]),
    layer([("text/%d.txt" % i, text(chunk * 10)) for i in range(mib // 10)]),
    layer([("mixed/%d" % i, os.urandom(chunk) if i % 2 else text(chunk)) for i in range(mib)]),
    layer([("small/%03d/%d.txt" % (i // 100, i), text(10 * 1024)) for i in range(size // (10 * 1024))]),
]
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(out + "/blobs/sha256/" + h, "wb").write(data)
    return {"digest": "sha256:" + h, "size": len(data)}
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(t).hexdigest() for t, _ in layers]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **blob(config)),
                       "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **blob(gz)) for _, gz in layers]}).encode()
m = blob(manifest)
json.dump({"schemaVersion": 2, "manifests": [dict(mediaType="application/vnd.oci.image.manifest.v1+json",
           annotations={"org.opencontainers.image.ref.name": "1"}, **m)]}, open(out + "/index.json", "w"))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
print("layers (uncompressed / gzip, MiB):", ", ".join("%.0f/%.0f" % (len(t) / 2**20, len(g) / 2**20) for t, g in layers))
EOF
registry src "$SRC_PORT"
skopeo copy -q --preserve-digests --dest-tls-verify=false "oci:$W/layout:1" "docker://$SRC/$IMAGE"

# ---- 2. the engines ----------------------------------------------------------------------------------------
log "starting berthd and a dockerd on their own sockets and roots"
setsid "$repo/bin/berthd" --root "$W/berth" --exec-root "$R/berth" --host "$BERTHD_SOCK" \
  --bridge berthtb0 --bip 10.221.0.1/16 > "$OUT/berthd.log" 2>&1 &
berthd_pid=$!
wait_until 60 berthd "${BERTH[@]}" version
if [ -n "$BASELINE" ]; then
  setsid "$BASELINE" --root "$W/berth-base" --exec-root "$R/berth-base" --host "$BASE_SOCK" \
    --bridge berthtb1 --bip 10.222.0.1/16 > "$OUT/berthd-base.log" 2>&1 &
  base_pid=$!
  wait_until 60 "baseline berthd" "${BASE[@]}" version
fi
if ip link show "$BRIDGE" >/dev/null 2>&1; then
  echo "bench: bridge $BRIDGE exists already" >&2
  exit 1
fi
ip link add "$BRIDGE" type bridge
made_bridge=1
ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
ip link set "$BRIDGE" up
echo '{}' > "$W/daemon.json"
setsid dockerd -H "$DOCKERD_SOCK" --data-root "$W/docker" --exec-root "$R/docker" --pidfile "$R/docker.pid" \
  --config-file "$W/daemon.json" --storage-driver overlay2 --bridge "$BRIDGE" \
  --iptables=false --ip-masq=false --ip-forward=false > "$OUT/dockerd.log" 2>&1 &
dockerd_pid=$!
wait_until 60 dockerd "${DOCKER[@]}" version

# ---- 3. pull -----------------------------------------------------------------------------------------------
log "pull from $SRC, $RUNS runs each"
if [ -z "$BASELINE" ]; then
  CPU_PID=$berthd_pid timed pull-berth "\"\${BERTH[@]}\" rmi -f $SRC/$IMAGE" -- "${BERTH[@]}" pull "$SRC/$IMAGE"
else
  # Alternated, so both builds see the same swings of the machine's load.
  for ((run = 1; run <= RUNS; run++)); do
    RUNS=1 CPU_PID=$berthd_pid timed pull-berth "\"\${BERTH[@]}\" rmi -f $SRC/$IMAGE" -- "${BERTH[@]}" pull "$SRC/$IMAGE"
    RUNS=1 CPU_PID=$base_pid timed pull-berth-base "\"\${BASE[@]}\" rmi -f $SRC/$IMAGE" -- "${BASE[@]}" pull "$SRC/$IMAGE"
  done
fi
timed pull-podman "\"\${PODMAN[@]}\" rmi -a -f" -- "${PODMAN[@]}" pull -q --tls-verify=false "$SRC/$IMAGE"
timed pull-docker "\"\${DOCKER[@]}\" rmi -f $SRC/$IMAGE" -- "${DOCKER[@]}" pull -q "$SRC/$IMAGE"
timed pull-skopeo "rm -rf $W/skopeo-oci" -- skopeo copy -q --src-tls-verify=false "docker://$SRC/$IMAGE" "oci:$W/skopeo-oci:1"

# ---- 4. push -----------------------------------------------------------------------------------------------
log "push to a fresh registry at $DST, $RUNS runs each"
"${BERTH[@]}" tag "$SRC/$IMAGE" "$DST/$IMAGE"
"${DOCKER[@]}" tag "$SRC/$IMAGE" "$DST/$IMAGE"
timed push-berth "registry dst $DST_PORT" -- "${BERTH[@]}" push "$DST/$IMAGE"
timed push-podman "registry dst $DST_PORT" -- "${PODMAN[@]}" push -q --tls-verify=false "$SRC/$IMAGE" "$DST/$IMAGE"
timed push-docker "registry dst $DST_PORT" -- "${DOCKER[@]}" push -q "$DST/$IMAGE"
timed push-skopeo "registry dst $DST_PORT" -- skopeo copy -q --dest-tls-verify=false "oci:$W/skopeo-oci:1" "docker://$DST/$IMAGE"

# ---- 5. the table ------------------------------------------------------------------------------------------
log "results (median of $RUNS runs)"
python3 - "$OUT" <<'EOF' | tee "$OUT/summary.txt"
import statistics, sys, os
out = sys.argv[1]
def med(key):
    p = os.path.join(out, key + ".txt")
    if not os.path.exists(p):
        return None
    return statistics.median(float(x) for x in open(p).read().split())
targets = {"pull": 0.7, "push": 0.8}
print("%-6s %10s %10s %10s %10s   %s" % ("", "Berth", "podman", "dockerd", "skopeo", "Berth/podman (target)"))
for op in ("pull", "push"):
    b, p, d, s = (med(op + "-" + e) for e in ("berth", "podman", "docker", "skopeo"))
    f = lambda v: "%8.2f s" % (v / 1000) if v is not None else "    failed"
    ratio = "%.2f (<= %.1f: %s)" % (b / p, targets[op], "PASS" if b / p <= targets[op] else "MISS") if b and p else "n/a"
    print("%-6s %10s %10s %10s %10s   %s" % (op, f(b), f(p), f(d), f(s), ratio))
for key in ("pull-berth", "pull-berth-base"):
    cpu = med(key + ".cpu")
    if cpu is not None:
        print("%s: berthd CPU %.2f s a pull (median)" % (key, cpu))
base = med("pull-berth-base")
if base:
    b, p = med("pull-berth"), med("pull-podman")
    print("baseline berthd pull %.2f s; this build/baseline %.2f; baseline/podman %s"
          % (base / 1000, b / base if b else float("nan"), "%.2f" % (base / p) if p else "n/a"))
EOF
