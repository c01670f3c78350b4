#!/usr/bin/env bash
# Makes the image busybox:latest offline from Debian's busybox-static and imports it into a running berthd.
# Usage: scripts/busybox-image.sh [berth CLI args, e.g. -H unix:///tmp/b.sock]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,etc,root,tmp,proc,sys,dev,var/www}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
tar -C "$root" --numeric-owner -cf "$work/rootfs.tar" .
"$here/bin/berth" "$@" import --change 'CMD ["sh"]' "$work/rootfs.tar" busybox:latest
