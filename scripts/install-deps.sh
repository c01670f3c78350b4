#!/usr/bin/env bash
# Installs what Berth needs on Debian 12 (as root): the OCI runtimes, conmon, busybox for the offline base
# image, sqlite3 for inspecting the metadata, tini for --init, netavark and aardvark-dns for networks, Debian's
# docker-registry and skopeo as the independent registry and client the tests run against, and the JDK 25 check.
set -euo pipefail
packages=(crun runc conmon busybox-static sqlite3 tini zstd iproute2 procps util-linux bsdutils openssl tmux curl maven
  netavark aardvark-dns iptables docker-registry skopeo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25'; then
  echo "Berth needs JDK 25 at $JAVA_HOME (set JAVA_HOME)" >&2
  exit 1
fi
if ! command -v docker >/dev/null; then
  # The integration tests drive berthd with the real docker CLI too; Debian's docker.io ships it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
