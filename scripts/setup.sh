#!/usr/bin/env bash
# Prepare this machine for building and testing berth. Idempotent; run as root or via sudo.
#  - installs the host tools berth and its tests use (apt-get update only when one is missing)
#  - creates the test user `berthtest` (the integration tests drop to it when run as root)
#  - gives `berthtest` and the invoking user non-overlapping subuid/subgid ranges (65536 each)
set -euo pipefail

TEST_USER=berthtest
RANGE=65536
PACKAGES=(uidmap busybox-static fuse-overlayfs golang-github-containers-common passt
          slirp4netns iproute2 util-linux bsdutils procps hyperfine
          docker-registry openssl skopeo iperf3)
# User networks: masquerade and isolation in the rootless network namespace.
PACKAGES+=(nftables)
# systemd units (quadlet, generate systemd): `systemd-analyze verify` checks them in the tests.
PACKAGES+=(systemd)

die() { echo "setup: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run me as root, or with sudo: sudo $0"

# cargo belongs to the invoking user; look for it on their PATH too.
invoker="${SUDO_USER:-root}"
if ! command -v cargo >/dev/null 2>&1 \
   && ! sudo -u "$invoker" -i sh -c 'command -v cargo' >/dev/null 2>&1; then
    die "cargo is missing (hint: install Rust with rustup: https://rustup.rs)"
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! id "$TEST_USER" >/dev/null 2>&1; then
    echo "setup: creating user $TEST_USER"
    useradd --create-home --shell /bin/bash "$TEST_USER"
fi

# The first start at or above 100000 whose range overlaps no range in the given files.
next_free_start() {
    local start=100000 changed=1 s c
    while [ "$changed" -eq 1 ]; do
        changed=0
        while IFS=: read -r _ s c; do
            [[ "$s" =~ ^[0-9]+$ && "$c" =~ ^[0-9]+$ ]] || continue
            if [ "$start" -lt $((s + c)) ] && [ $((start + RANGE)) -gt "$s" ]; then
                start=$((s + c)); changed=1
            fi
        done < <(cat "$@" 2>/dev/null)
    done
    echo "$start"
}

has_range() { # file user uid
    grep -qE "^($2|$3):[0-9]+:[0-9]+$" "$1" 2>/dev/null
}

ensure_ranges() {
    local user="$1" uid need=() start
    uid="$(id -u "$user")"
    touch /etc/subuid /etc/subgid
    has_range /etc/subuid "$user" "$uid" || need+=(/etc/subuid)
    has_range /etc/subgid "$user" "$uid" || need+=(/etc/subgid)
    [ "${#need[@]}" -gt 0 ] || return 0
    # One start free in every file that lacks a range, so uids and gids line up.
    start="$(next_free_start "${need[@]}")"
    for file in "${need[@]}"; do
        echo "setup: ${file#/etc/} $user:$start:$RANGE"
        if [ "$file" = /etc/subuid ]; then
            usermod --add-subuids "$start-$((start + RANGE - 1))" "$user"
        else
            usermod --add-subgids "$start-$((start + RANGE - 1))" "$user"
        fi
    done
}

# /dev/fuse is 0666 wherever udev runs; machines without udev (containers, small VMs) leave
# it 0600, and fuse-overlayfs cannot open it.
if [ -c /dev/fuse ] && [ "$(stat -c %a /dev/fuse)" != 666 ]; then
    echo "setup: chmod 0666 /dev/fuse"
    chmod 0666 /dev/fuse
fi

# pasta and slirp4netns open /dev/net/tun inside the container's network namespace as the
# user; like /dev/fuse it is 0666 under udev and 0600 on machines without it.
if [ ! -e /dev/net/tun ]; then
    echo "setup: create /dev/net/tun"
    mkdir -p /dev/net
    mknod /dev/net/tun c 10 200
fi
if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
    echo "setup: chmod 0666 /dev/net/tun"
    chmod 0666 /dev/net/tun
fi

ensure_ranges "$TEST_USER"
[ "$invoker" = "$TEST_USER" ] || ensure_ranges "$invoker"

for tool in newuidmap newgidmap; do
    path="$(command -v "$tool")" || die "$tool is missing after installing uidmap"
    [ -u "$path" ] || getcap "$path" 2>/dev/null | grep -q cap_set \
        || die "$path has neither the setuid bit nor file capabilities"
done

max="$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)"
[ "$max" != 0 ] || die "user namespaces are disabled (sysctl user.max_user_namespaces=0)"
if [ -e /proc/sys/kernel/unprivileged_userns_clone ] \
   && [ "$(cat /proc/sys/kernel/unprivileged_userns_clone)" = 0 ]; then
    die "unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=1)"
fi
# A delegated cgroup v2 subtree for the test user, as systemd's Delegate=yes leaves one:
# a directory under the cgroup2 mount (/sys/fs/cgroup on a unified host,
# /sys/fs/cgroup/unified on a hybrid one), owned by the user with its cgroup.procs,
# cgroup.subtree_control and cgroup.threads. The v1 hierarchies are left alone. The test
# harness moves itself into berth-tests/harness, so berth finds the subtree as its own
# cgroup's parent.
cg2="$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)"
if [ -n "$cg2" ]; then
    sub="$cg2/berth-tests"
    mkdir -p "$sub/harness"
    # The subtree gets the controllers the root already hands down (systemd enables them on
    # a unified host; a hybrid host has none free). The root's own cgroup.subtree_control is
    # left alone: enabling a controller there would keep it from a v1 hierarchy.
    chown "$TEST_USER:" "$sub" "$sub/cgroup.procs" "$sub/cgroup.subtree_control" "$sub/cgroup.threads" \
        "$sub/harness" "$sub/harness/cgroup.procs" "$sub/harness/cgroup.subtree_control" "$sub/harness/cgroup.threads"
    echo "setup: delegated cgroup v2 subtree $sub ($(cat "$sub/cgroup.controllers"))"
else
    echo "setup: no cgroup2 mount: cgroup tests will skip"
fi
echo "setup: ok"
