#!/usr/bin/env bash
# Exec latency: `berth exec CTR true` into a running busybox container, against the run floor
# of the foundation issue (unshare + chroot of the same tree: exec should stay within 3x of
# it) and `podman exec CTR true` (same rootfs imported). Runs as the test user `berthtest`
# when started as root. Prints medians and ratios and appends a dated section to
# bench/RESULTS.md (set BENCH_NO_RECORD=1 to only print).
#
# Usage: bench/exec-latency.sh [RUNS]     (default 50 runs per command, 5 warm-up runs)
# BERTH_BIN=/path/to/berth measures that binary instead of a fresh release build.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
runs="${1:-50}"

die() { echo "exec-latency: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

command -v hyperfine >/dev/null || {
    echo "exec-latency: installing hyperfine"
    as_root apt-get update -qq && as_root apt-get install -y -qq hyperfine
}
[ -x /bin/busybox ] || die "/bin/busybox is missing (apt install busybox-static)"
if [ -z "${BERTH_BIN:-}" ]; then
    command -v cargo >/dev/null || die "cargo is missing (hint: rustup)"
    cargo build --release --quiet
    BERTH_BIN="$repo/target/release/berth"
fi

work="$(mktemp -d /tmp/berth-bench-exec.XXXXXX)"
b() { "${as_user[@]}" "${benv[@]}" "$work/berth" "$@"; }
p() { "${as_user[@]}" "${penv[@]}" podman $podman_flags "$@"; }
podman_flags=""
podman_started=""
berth_started=""
cleanup() {
    # Both containers, then podman's pause process (one per runtime directory).
    [ -z "$berth_started" ] || b rm -f bench >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    [ -z "$podman_started" ] || p rm -f -t 0 bench >/dev/null 2>&1 || true
    if [ -f "$work/podman/run/libpod/tmp/pause.pid" ]; then
        kill "$(cat "$work/podman/run/libpod/tmp/pause.pid")" 2>/dev/null || true
    fi
    rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
chmod 755 "$work"

# The same busybox tree for every contender.
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,dev,proc,sys,tmp,root,home,var/tmp,run}
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\n' > "$rootfs/etc/group"
tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/busybox.tar" .
install -m 0755 "$BERTH_BIN" "$work/berth"
mkdir -p "$work"/{home,data,config,run,podman/home,podman/data,podman/config/containers,podman/run}
chmod 700 "$work/run" "$work/podman/run"
# podman: no network (as berth), cgroups off (rootless without delegation), file events.
printf '[containers]\nnetns = "none"\ncgroups = "disabled"\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
    > "$work/podman/config/containers/containers.conf"

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
cd "$work"
benv=(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C HOME="$work/home"
      XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run")
penv=(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C HOME="$work/podman/home"
      XDG_DATA_HOME="$work/podman/data" XDG_CONFIG_HOME="$work/podman/config"
      XDG_RUNTIME_DIR="$work/podman/run")

b import "$work/busybox.tar" busybox >/dev/null || die "berth import failed"
b run -d --name bench busybox sleep 3600 >/dev/null || die "berth run -d failed; nothing to measure"
berth_started=1
b exec bench true || die "berth exec failed; nothing to measure"

berth_cmd="${as_user[*]} ${benv[*]} $work/berth exec bench true"
floor_cmd="${as_user[*]} unshare -Urpf --mount-proc chroot $rootfs /bin/true"
podman_cmd=""
podman_note="not installed"
if command -v podman >/dev/null; then
    if p import -q "$work/busybox.tar" busybox >/dev/null 2>"$work/podman.err"; then
        # crun refuses hybrid cgroup machines; runc with cgroupfs runs there, but runc
        # refuses `cgroups = "disabled"`, so its container asks for cgroups again.
        for attempt in "|" "--runtime runc --cgroup-manager=cgroupfs|--cgroups=enabled"; do
            flags="${attempt%%|*}"
            run_flags="${attempt#*|}"
            podman_flags="$flags"
            p rm -f -t 0 bench >/dev/null 2>&1 || true
            # shellcheck disable=SC2086
            if p run -d $run_flags --name bench --network none busybox sleep 3600 >/dev/null 2>>"$work/podman.err" \
                && p exec bench true 2>>"$work/podman.err"; then
                podman_started=1
                podman_cmd="${as_user[*]} ${penv[*]} podman $flags exec bench true"
                podman_note="$(podman --version)${flags:+ ($flags, container run with $run_flags)}"
                break
            fi
        done
    fi
    [ -n "$podman_cmd" ] || podman_note="could not run here: $(grep -m1 -i error "$work/podman.err" || tail -n1 "$work/podman.err")"
fi

# median (seconds) of each command, from hyperfine's CSV export.
median_ms() { # csv row(1-based)
    awk -F, -v row="$2" 'NR == row + 1 { printf "%.1f", $4 * 1000 }' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

cmds=("$berth_cmd" "$floor_cmd")
[ -n "$podman_cmd" ] && cmds+=("$podman_cmd")
hyperfine -N --warmup 5 --runs "$runs" --export-csv "$work/exec.csv" "${cmds[@]}" >&2
berth_ms="$(median_ms "$work/exec.csv" 1)"
floor_ms="$(median_ms "$work/exec.csv" 2)"
podman_ms="n/a"
[ -n "$podman_cmd" ] && podman_ms="$(median_ms "$work/exec.csv" 3)"

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
section="$(cat <<REPORT

## $(date -u +%Y-%m-%d\ %H:%M) UTC: exec latency

Machine: kernel $(uname -r), ${cpu:-unknown CPU}, $(nproc) cores; runs as \`$runner\`;
$runs runs per command after 5 warm-up runs (hyperfine -N); medians. Target: berth within
3x the floor, and at least 5x faster than podman.

| command | median | vs floor |
|---|---|---|
| floor: \`unshare -Urpf --mount-proc chroot ROOTFS true\` | ${floor_ms} ms | 1.00 |
| \`berth exec CTR true\` | ${berth_ms} ms | $(ratio "$berth_ms" "$floor_ms") |
| \`podman exec CTR true\` | ${podman_ms}$( [ "$podman_ms" = n/a ] || echo " ms") | $( [ "$podman_ms" = n/a ] && echo n/a || ratio "$podman_ms" "$floor_ms") |

podman: $podman_note.
podman / berth: $( [ "$podman_ms" = n/a ] && echo n/a || ratio "$podman_ms" "$berth_ms").
REPORT
)"
echo "$section"
[ -n "${BENCH_NO_RECORD:-}" ] || echo "$section" >> "$repo/bench/RESULTS.md"
