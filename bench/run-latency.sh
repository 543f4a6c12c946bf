#!/usr/bin/env bash
# Run latency: `berth run --rm --network none busybox true` (podman runs with no network too;
# bench/net/net.sh measures the networks) against the floor (unshare + chroot of the same
# tree) and podman (same rootfs imported), then again with 200 images and 200 containers in
# the store. Runs as the test user `berthtest` when started as root. Prints medians and
# ratios and appends a dated section to bench/RESULTS.md.
#
# Usage: bench/run-latency.sh [RUNS]      (default 50 runs per command, 5 warm-up runs)
# BERTH_BIN=/path/to/berth measures that binary instead of a fresh release build.
bench_name=run-latency
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
runs="${1:-50}"
store_size=200
# podman: no network (as berth here).
bench_setup run $'netns = "none"\n'

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

cpu="$(cpu_model)"
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
