#!/usr/bin/env bash
# Quick start: build berth, make a busybox image from the host's busybox-static (no
# network needed), and run a container in it as you, without root.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
    bash scripts/setup.sh
elif command -v sudo >/dev/null; then
    sudo --preserve-env=PATH bash scripts/setup.sh
else
    echo "note: not root and no sudo: skipping scripts/setup.sh (run it once as root)" >&2
fi

cargo build --release
berth="$PWD/target/release/berth"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# A minimal rootfs: busybox plus one symlink per applet, and the usual directories.
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,dev,proc,sys,tmp,root,home,var/tmp,run}
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
chmod 700 "$rootfs/root"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/busybox.tar" .

# As root, the demo runs berth as the test user: berth is rootless by design.
if [ "$(id -u)" -eq 0 ]; then
    install -m 0755 "$berth" "$work/berth"
    berth="$work/berth"
    chown -R berthtest: "$work"
    install -d -m 0700 -o berthtest -g berthtest "$work/run" "$work/home"
    as_user=(setpriv --reuid=berthtest --regid=berthtest --init-groups --
             env -i PATH="$PATH" HOME="$work/home" LANG=C XDG_RUNTIME_DIR="$work/run")
    cd "$work"
    echo "(running as berthtest: berth does not run as root)"
else
    as_user=()
fi
b() { "${as_user[@]}" "$berth" "$@"; }

echo "\$ berth import busybox.tar busybox"
b import "$work/busybox.tar" busybox
echo "\$ berth run --rm busybox echo \"hello from berth\""
b run --rm busybox echo "hello from berth"
echo "\$ berth run --rm busybox cat /proc/self/uid_map"
b run --rm busybox cat /proc/self/uid_map
