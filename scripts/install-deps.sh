#!/usr/bin/env bash
# Installs what Berth needs on Debian 12 (as root): the OCI runtimes, conmon, busybox for the offline base
# image, sqlite3 for inspecting the metadata, tini for --init, netavark and aardvark-dns for networks, Debian's
# docker-registry and skopeo as the independent registry and client the tests run against, Debian's docker.io for
# the private dockerd that pushes to and pulls from Berth's registry in the tests, and the JDK 25 check.
set -euo pipefail
packages=(crun runc conmon busybox-static sqlite3 tini zstd iproute2 procps util-linux bsdutils openssl tmux curl maven
  netavark aardvark-dns iptables docker-registry skopeo)
installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}
missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] || ! installed docker.io; then
  apt-get update -qq
  # No package may start its service: docker.io's would be a system dockerd on /var/run/docker.sock. invoke-rc.d
  # asks policy-rc.d, whose 101 forbids it; one that was there before is set aside meanwhile and put back.
  policy=/usr/sbin/policy-rc.d
  kept=$(mktemp)
  had_policy=false
  if [ -e "$policy" ]; then
    had_policy=true
    mv "$policy" "$kept"
  fi
  restore_policy() {
    rm -f "$policy"
    if $had_policy; then mv "$kept" "$policy"; else rm -f "$kept"; fi
  }
  trap restore_policy EXIT
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  had_docker_sock=false
  [ ! -S /var/run/docker.sock ] || had_docker_sock=true
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # docker.io without its recommends (cgroupfs-mount, needrestart, apparmor: services and apt hooks the tests have
  # no use for). Its CLI goes to /usr/bin; the tests' docker CLI stays the one first in PATH.
  if ! installed docker.io; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
  fi
  restore_policy
  trap - EXIT
  if ! $had_docker_sock && [ -S /var/run/docker.sock ]; then
    echo "install-deps: the install started a system dockerd (/var/run/docker.sock); stop it" >&2
    exit 1
  fi
fi
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25'; then
  echo "Berth needs JDK 25 at $JAVA_HOME (set JAVA_HOME)" >&2
  exit 1
fi
