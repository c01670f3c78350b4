#!/usr/bin/env bash
# Makes a busybox root filesystem offline from Debian's busybox-static (/bin/busybox, an applet symlink each,
# /etc/passwd and /etc/group for root and nobody).
# Usage: scripts/busybox-rootfs.sh DIR          creates the tree in DIR (made if missing)
#        scripts/busybox-rootfs.sh --tar FILE   writes it as a tar (numeric owners) to FILE
set -euo pipefail

make_tree() {
  local root=$1
  mkdir -p "$root"/{bin,etc,root,tmp,proc,sys,dev,var/www}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
}

case "$#:${1:-}" in
  2:--tar)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    make_tree "$work/rootfs"
    tar -C "$work/rootfs" --numeric-owner -cf "$2" . ;;
  1:-*|0:*) echo "usage: $0 DIR | --tar FILE" >&2; exit 2 ;;
  1:*) make_tree "$1" ;;
  *) echo "usage: $0 DIR | --tar FILE" >&2; exit 2 ;;
esac
