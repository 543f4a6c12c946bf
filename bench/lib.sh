# shellcheck shell=bash
# What the benchmarks share. A script sets `bench_name` and sources this file, which moves to
# the repository root; `bench_setup TAG [PODMAN_CONTAINERS_LINES]` then builds (or takes
# BERTH_BIN) the berth binary and makes a workspace in /tmp with:
#   $work/busybox.tar and $work/rootfs   the same busybox tree for every contender
#   $work/berth                          the binary, readable by the test user
#   b ARGS / p ARGS                      berth / podman ($podman_flags) with private XDG
#                                        directories, as `berthtest` when started as root
#   as_user, benv, penv (arrays), runner for building hyperfine command lines
# The workspace (and podman's pause process) goes at exit; a script that needs more clean-up
# defines `bench_cleanup_extra`.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

die() { echo "${bench_name:-bench}: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Medians (ms) from hyperfine's CSV export, and ratios.
median_ms() { awk -F, -v row="$2" 'NR == row + 1 { printf "%.1f", $4 * 1000 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cpu_model() { awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo; }

b() { "${as_user[@]}" "${benv[@]}" "$work/berth" "$@"; }
# shellcheck disable=SC2086
p() { "${as_user[@]}" "${penv[@]}" podman ${podman_flags:-} "$@"; }

bench_cleanup() {
    if declare -F bench_cleanup_extra >/dev/null; then bench_cleanup_extra || true; fi
    # podman leaves a pause process per runtime directory; end it with the run.
    if [ -n "${work:-}" ] && [ -f "$work/podman/run/libpod/tmp/pause.pid" ]; then
        kill "$(cat "$work/podman/run/libpod/tmp/pause.pid")" 2>/dev/null || true
    fi
    [ -z "${work:-}" ] || rm -rf "$work" 2>/dev/null || true
}

bench_setup() { # TAG [lines for containers.conf's [containers] table]
    command -v hyperfine >/dev/null || {
        echo "$bench_name: installing hyperfine" >&2
        as_root apt-get update -qq && as_root apt-get install -y -qq hyperfine
    }
    [ -x /bin/busybox ] || die "/bin/busybox is missing (apt install busybox-static)"
    if [ -z "${BERTH_BIN:-}" ]; then
        command -v cargo >/dev/null || die "cargo is missing (hint: rustup)"
        cargo build --release --quiet
        BERTH_BIN="$repo/target/release/berth"
    fi
    # Short: podman's conmon fails on socket paths near 108 bytes below this directory.
    work="$(mktemp -d "/tmp/berth-bench-$1.XXXXXX")"
    trap bench_cleanup EXIT
    chmod 755 "$work"
    rootfs="$work/rootfs"
    mkdir -p "$rootfs"/{bin,etc,dev,proc,sys,tmp,root,home,var/tmp,run}
    chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
    cp /bin/busybox "$rootfs/bin/busybox"
    local applet
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$rootfs/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\n' > "$rootfs/etc/group"
    tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/busybox.tar" .
    install -m 0755 "$BERTH_BIN" "$work/berth"
    mkdir -p "$work"/{home,data,config,run,podman/home,podman/data,podman/config/containers,podman/run}
    chmod 700 "$work/run" "$work/podman/run"
    # podman: cgroups off (rootless without delegation), file events.
    printf '[containers]\n%scgroups = "disabled"\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
        "${2:-}" > "$work/podman/config/containers/containers.conf"
    if [ "$(id -u)" -eq 0 ]; then
        id berthtest >/dev/null 2>&1 || die "user berthtest is missing (run scripts/setup.sh)"
        chown -R berthtest: "$work"
        chown root: "$work"
        as_user=(setpriv --reuid=berthtest --regid=berthtest --init-groups --)
        runner=berthtest
    else
        as_user=()
        runner="$(id -un)"
    fi
    benv=(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C HOME="$work/home"
          XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run")
    penv=(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C HOME="$work/podman/home"
          XDG_DATA_HOME="$work/podman/data" XDG_CONFIG_HOME="$work/podman/config"
          XDG_RUNTIME_DIR="$work/podman/run")
    cd "$work"
}
