#!/usr/bin/env bash
# Berth's registry server beside Debian's docker-registry (distribution 2.8): skopeo copies a ~200 MiB,
# 4-layer image (random, text-like, mixed and many small files; bench/registry-image.py) into each server and
# back out to an OCI layout. As root, from the repository, after `mvn -q install -DskipTests`.
#
#   bash bench/registry.sh            RUNS=5 timed copies each way per server (medians), SIZE=200 MiB
#   IMAGE=/path/to/oci-layout bash bench/registry.sh     reuse an image made before
#
# Both servers run on loopback with their own fresh root, started once: the first copy each way after start
# is reported on its own ("cold": Berth's JVM compiles as it goes), then RUNS copies alternate between the
# servers, each into a new repository. Every skopeo runs in a private mount namespace with an empty tmpfs over
# its blob-info cache, so no copy is turned into cross-repository mounts by what an earlier one learnt; the
# blobs a server already holds are still sent in whole (the client cannot know) and both servers drop the
# duplicate when the upload ends.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZE=${SIZE:-200}
for tool in skopeo docker-registry python3 unshare; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -f cli/target/berth-cli.jar ] || { echo "bench: build first: mvn -q install -DskipTests" >&2; exit 1; }

work=$(mktemp -d /tmp/berth-bench-registry.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

image=${IMAGE:-}
if [ -z "$image" ]; then
  image=$work/image
  echo "making the image ($SIZE MiB) ..."
  python3 bench/registry-image.py "$image" "$SIZE"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
berth_port=$(free_port)
bin/berth registry serve --addr "127.0.0.1:$berth_port" --root "$work/berth" >"$work/berth.log" 2>&1 &
pids+=($!)
dr_port=$(free_port)
cat >"$work/docker-registry.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/docker-registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$dr_port
YAML
docker-registry serve "$work/docker-registry.yml" >"$work/docker-registry.log" 2>&1 &
pids+=($!)
for port in "$berth_port" "$dr_port"; do
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/v2/" >/dev/null || { echo "bench: no registry on port $port" >&2; cat "$work"/*.log >&2; exit 1; }
done

# copy SRC DST [skopeo options]: seconds one skopeo copy takes, its blob-info cache empty.
mkdir -p /var/lib/containers/cache
copy() {
  local src=$1 dst=$2 start end
  shift 2
  start=$(date +%s.%N)
  unshare -m sh -c 'mount -t tmpfs tmpfs /var/lib/containers/cache && exec skopeo copy -q "$@"' sh "$@" "$src" "$dst"
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

declare -A port=([berth]=$berth_port [docker-registry]=$dr_port)
results=$work/results.tsv
# round SERVER REPOSITORY SUFFIX: one push into the repository and one pull of it back, recorded.
round() {
  local ref="docker://127.0.0.1:${port[$1]}/$2/image:latest"
  printf '%s\tpush%s\t%s\n' "$1" "$3" "$(copy "oci:$image:latest" "$ref" --dest-tls-verify=false)" >>"$results"
  printf '%s\tpull%s\t%s\n' "$1" "$3" "$(copy "$ref" "oci:$work/pulled:latest" --src-tls-verify=false)" >>"$results"
  rm -rf "$work/pulled"
}
for server in berth docker-registry; do
  round "$server" cold -cold
done
for run in $(seq "$RUNS"); do
  for server in berth docker-registry; do
    round "$server" "run$run" ""
  done
done

python3 - "$results" "$RUNS" "$(du -sm "$image" | cut -f1)" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
t = {}
for server, what, seconds in rows:
    t.setdefault((server, what), []).append(float(seconds))
print(f"\nskopeo copy of a {sys.argv[3]} MiB, 4-layer image; median of {sys.argv[2]} runs (first copy after start apart)\n")
print(f"| | Berth | docker-registry | Berth / docker-registry |\n|---|---:|---:|---:|")
for what, label in [("push", "push (skopeo copy oci: → docker://)"), ("pull", "pull (skopeo copy docker:// → oci:)"),
                    ("push-cold", "first push after start"), ("pull-cold", "first pull after start")]:
    b, d = statistics.median(t[("berth", what)]), statistics.median(t[("docker-registry", what)])
    print(f"| {label} | {b:.2f} s | {d:.2f} s | {b / d:.2f} |")
PY
