#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine, as root: install what Berth needs, build it, start berthd,
# make busybox:latest offline, and run a container from it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
bash "$here/scripts/install-deps.sh"
(cd "$here" && mvn -B -q package -DskipTests)
if ! "$here/bin/berth" version >/dev/null 2>&1; then
  mkdir -p /var/log
  nohup "$here/bin/berthd" >>/var/log/berthd.log 2>&1 &
  for _ in $(seq 1 100); do
    "$here/bin/berth" version >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
bash "$here/scripts/busybox-image.sh"
"$here/bin/berth" run --rm busybox echo hello from berth
