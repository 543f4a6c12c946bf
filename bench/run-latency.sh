#!/usr/bin/env bash
# Run latency: `berth run --rm --network none busybox true` (podman runs with no network too;
# bench/net/net.sh measures the networks) against the floor (unshare + chroot of the same
# tree) and podman (same rootfs imported), then again with 200 images and 200 containers in
# the store. Runs as the test user `berthtest` when started as root. Prints medians and
# ratios and appends a dated section to bench/RESULTS.md.
#
# Usage: bench/run-latency.sh [RUNS]      (default 50 runs per command, 5 warm-up runs)
# BERTH_BIN=/path/to/berth measures that binary instead of a fresh release build.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
runs="${1:-50}"
store_size=200

die() { echo "run-latency: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

command -v hyperfine >/dev/null || {
    echo "run-latency: installing hyperfine"
    as_root apt-get update -qq && as_root apt-get install -y -qq hyperfine
}
[ -x /bin/busybox ] || die "/bin/busybox is missing (apt install busybox-static)"
if [ -z "${BERTH_BIN:-}" ]; then
    command -v cargo >/dev/null || die "cargo is missing (hint: rustup)"
    cargo build --release --quiet
    BERTH_BIN="$repo/target/release/berth"
fi

work="$(mktemp -d /tmp/berth-bench.XXXXXX)"
cleanup() {
    # podman leaves a pause process per runtime directory; end it with the run.
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
b() { "${as_user[@]}" "${benv[@]}" "$work/berth" "$@"; }

b import "$work/busybox.tar" busybox >/dev/null || die "berth import failed"
b run --rm --network none busybox true || die "berth run failed; nothing to measure"

berth_cmd="${as_user[*]} ${benv[*]} $work/berth run --rm --network none busybox true"
floor_cmd="${as_user[*]} unshare -Urpf --mount-proc chroot $rootfs /bin/true"
podman_cmd=""
podman_note="not installed"
if command -v podman >/dev/null; then
    if "${as_user[@]}" "${penv[@]}" podman import -q "$work/busybox.tar" busybox >/dev/null 2>"$work/podman.err"; then
        # crun refuses hybrid cgroup machines; runc with cgroupfs runs there.
        for flags in "" "--runtime runc --cgroup-manager=cgroupfs"; do
            # runc cannot run without cgroups, which this script's containers.conf turns off.
            run_flags=""
            [ -z "$flags" ] || run_flags="--cgroups=enabled"
            # shellcheck disable=SC2086
            if "${as_user[@]}" "${penv[@]}" podman $flags run $run_flags --rm --network none busybox true 2>>"$work/podman.err"; then
                podman_cmd="${as_user[*]} ${penv[*]} podman $flags run $run_flags --rm --network none busybox true"
                podman_note="$(podman --version)${flags:+ ($flags)}"
                break
            fi
        done
    fi
    [ -n "$podman_cmd" ] || podman_note="could not run here: $(grep -m1 -i error "$work/podman.err" || tail -n1 "$work/podman.err")"
fi

# median (seconds) of each command, from hyperfine's CSV export.
measure() { # name csv cmd...
    local csv="$1"; shift
    hyperfine -N --warmup 5 --runs "$runs" --export-csv "$csv" "$@" >&2
}
median_ms() { # csv row(1-based)
    awk -F, -v row="$2" 'NR == row + 1 { printf "%.1f", $4 * 1000 }' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

cmds=("$berth_cmd" "$floor_cmd")
[ -n "$podman_cmd" ] && cmds+=("$podman_cmd")
measure "$work/empty.csv" "${cmds[@]}"
berth_ms="$(median_ms "$work/empty.csv" 1)"
floor_ms="$(median_ms "$work/empty.csv" 2)"
podman_ms="n/a"
[ -n "$podman_cmd" ] && podman_ms="$(median_ms "$work/empty.csv" 3)"

# The same start with a crowded store: 200 more images and 200 exited containers.
echo "run-latency: filling the store with $store_size images and $store_size containers" >&2
for i in $(seq 1 "$store_size"); do
    b import --change "ENV=BENCH_IMAGE=$i" "$work/busybox.tar" "filler$i" >/dev/null
    b run --name "filler$i" busybox true
done
measure "$work/full.csv" "$berth_cmd"
full_ms="$(median_ms "$work/full.csv" 1)"

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
section="$(cat <<REPORT

## $(date -u +%Y-%m-%d\ %H:%M) UTC

Machine: kernel $(uname -r), ${cpu:-unknown CPU}, $(nproc) cores; runs as \`$runner\`;
$runs runs per command after 5 warm-up runs (hyperfine -N); medians.

| command | median | vs floor |
|---|---|---|
| floor: \`unshare -Urpf --mount-proc chroot ROOTFS true\` | ${floor_ms} ms | 1.00 |
| \`berth run --rm busybox true\` | ${berth_ms} ms | $(ratio "$berth_ms" "$floor_ms") |
| \`podman run --rm --network none busybox true\` | ${podman_ms}$( [ "$podman_ms" = n/a ] || echo " ms") | $( [ "$podman_ms" = n/a ] && echo n/a || ratio "$podman_ms" "$floor_ms") |
| \`berth run --rm busybox true\`, store with $store_size images + $store_size containers | ${full_ms} ms | $(ratio "$full_ms" "$floor_ms") |

podman: $podman_note.
podman / berth: $( [ "$podman_ms" = n/a ] && echo n/a || ratio "$podman_ms" "$berth_ms"); crowded / empty store: $(ratio "$full_ms" "$berth_ms").
REPORT
)"
echo "$section"
echo "$section" >> "$repo/bench/RESULTS.md"
