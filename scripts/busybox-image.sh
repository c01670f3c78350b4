#!/usr/bin/env bash
# Makes the image busybox:latest offline from Debian's busybox-static and imports it into a running berthd.
# Usage: scripts/busybox-image.sh [berth CLI args, e.g. -H unix:///tmp/b.sock]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$here/scripts/busybox-rootfs.sh" --tar "$work/rootfs.tar"
"$here/bin/berth" "$@" import --change 'CMD ["sh"]' "$work/rootfs.tar" busybox:latest
