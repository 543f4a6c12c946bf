#!/usr/bin/env bash
# Lifecycle latencies (issue 4): `run -d`, `stop` of a container that exits on SIGTERM, and
# `ps -a` with N containers in the store (default 1000), berth against podman on the same
# busybox rootfs when podman can run here. As root, runs everything as `berthtest`.
# Prints medians and ratios and appends a dated section to bench/RESULTS.md
# (BENCH_NO_RECORD=1 only prints).
#
# Usage: bench/lifecycle.sh [RUNS] [N]     (defaults: 30 runs, 1000 containers)
# BERTH_BIN=/path/to/berth measures that binary instead of a fresh release build.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
runs="${1:-30}"
count="${2:-1000}"

die() { echo "lifecycle: $*" >&2; exit 1; }
command -v hyperfine >/dev/null || die "hyperfine is missing (apt install hyperfine)"
if [ -z "${BERTH_BIN:-}" ]; then
    cargo build --release --quiet
    BERTH_BIN="$repo/target/release/berth"
fi

work="$(mktemp -d /tmp/berth-bench-life.XXXXXX)"
chmod 755 "$work"
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,dev,proc,sys,tmp,root}
chmod 1777 "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\n' > "$rootfs/etc/group"
tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/busybox.tar" .
install -m 0755 "$BERTH_BIN" "$work/berth"
mkdir -p "$work"/{home,data,config,run,p/home,p/data,p/config,p/run}
chmod 700 "$work/run" "$work/p/run"
if [ "$(id -u)" -eq 0 ]; then
    chown -R berthtest: "$work"
    chown root: "$work"
    as_user="setpriv --reuid=berthtest --regid=berthtest --init-groups --"
else
    as_user=""
fi
benv="env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run"
penv="env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C HOME=$work/p/home XDG_DATA_HOME=$work/p/data XDG_CONFIG_HOME=$work/p/config XDG_RUNTIME_DIR=$work/p/run"
B="$as_user $benv $work/berth"
# crun refuses hybrid cgroup machines; runc with cgroupfs runs there.
P="$as_user $penv podman --runtime runc --cgroup-manager=cgroupfs"
cleanup() {
    $B rm -af >/dev/null 2>&1 || true
    if [ -n "${have_podman:-}" ]; then $P rm -af -t 0 >/dev/null 2>&1 || true; fi
    [ -f "$work/p/run/libpod/tmp/pause.pid" ] && kill "$(cat "$work/p/run/libpod/tmp/pause.pid")" 2>/dev/null || true
    rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
cd "$work"

$B import "$work/busybox.tar" busybox >/dev/null
have_podman=""
if command -v podman >/dev/null && $P import -q "$work/busybox.tar" busybox >/dev/null 2>"$work/podman.err" \
   && $P run --rm --network none busybox true >/dev/null 2>>"$work/podman.err"; then
    have_podman=1
else
    echo "lifecycle: podman cannot run here: $(tail -n1 "$work/podman.err" 2>/dev/null)" >&2
fi

median() { awk -F, -v row="$2" 'NR == row + 1 { printf "%.1f", $4 * 1000 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b > 0) printf "%.1f", a / b; else print "n/a" }'; }
bench() { # csv, then commands (with --prepare pairs allowed)
    local csv="$1"; shift
    hyperfine -N --warmup 3 --runs "$runs" --export-csv "$csv" "$@" >&2
}

# run -d
bench "$work/rund.csv" "$B run -d --network none busybox sleep 1000"
rund_b="$(median "$work/rund.csv" 1)"
$B rm -af >/dev/null
rund_p="n/a"
if [ -n "$have_podman" ]; then
    bench "$work/rundp.csv" "$P run -d --network none busybox sleep 1000"
    rund_p="$(median "$work/rundp.csv" 1)"
    $P rm -af -t 0 >/dev/null 2>&1
fi

# stop of a container that exits on SIGTERM (--init passes it to sleep, which dies of it)
bench "$work/stop.csv" \
    --prepare "sh -c '$B rm -f s >/dev/null 2>&1; $B run -d --network none --init --name s busybox sleep 1000 >/dev/null'" \
    "$B stop s"
stop_b="$(median "$work/stop.csv" 1)"
$B rm -af >/dev/null
stop_p="n/a"
if [ -n "$have_podman" ]; then
    bench "$work/stopp.csv" \
        --prepare "sh -c '$P rm -f -t 0 s >/dev/null 2>&1; $P run -d --network none --init --name s busybox sleep 1000 >/dev/null'" \
        "$P stop s"
    stop_p="$(median "$work/stopp.csv" 1)"
    $P rm -af -t 0 >/dev/null 2>&1
fi

# ps -a with N containers
echo "lifecycle: creating $count containers" >&2
for i in $(seq 1 "$count"); do $B create --network none busybox true >/dev/null; done
bench "$work/ps.csv" "$B ps -a"
ps_b="$(median "$work/ps.csv" 1)"
ps_p="n/a"
if [ -n "$have_podman" ]; then
    for i in $(seq 1 "$count"); do $P create --network none busybox true >/dev/null; done
    bench "$work/psp.csv" "$P ps -a"
    ps_p="$(median "$work/psp.csv" 1)"
fi

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
section="$(cat <<REPORT

## lifecycle, $(date -u +%Y-%m-%d\ %H:%M) UTC

Machine: kernel $(uname -r), ${cpu:-unknown CPU}, $(nproc) cores; $runs runs per command
(hyperfine -N, 3 warm-up runs); medians. podman: $(podman --version 2>/dev/null || echo none)
with \`--runtime runc --cgroup-manager=cgroupfs\` (crun refuses this hybrid-cgroup machine).

| work | berth | podman | podman / berth |
|---|---|---|---|
| \`run -d busybox sleep 1000\` | $rund_b ms | $rund_p ms | $(ratio "$rund_p" "$rund_b") |
| \`stop\` of a container that exits on SIGTERM | $stop_b ms | $stop_p ms | $(ratio "$stop_p" "$stop_b") |
| \`ps -a\` with $count containers | $ps_b ms | $ps_p ms | $(ratio "$ps_p" "$ps_b") |
REPORT
)"
echo "$section"
[ -n "${BENCH_NO_RECORD:-}" ] || echo "$section" >> "$repo/bench/RESULTS.md"
