#!/usr/bin/env bash
# Exec latency: `berth exec CTR true` into a running busybox container, against the run floor
# of the foundation issue (unshare + chroot of the same tree: exec should stay within 3x of
# it) and `podman exec CTR true` (same rootfs imported). Runs as the test user `berthtest`
# when started as root. Prints medians and ratios and appends a dated section to
# bench/RESULTS.md (set BENCH_NO_RECORD=1 to only print).
#
# Usage: bench/exec-latency.sh [RUNS]     (default 50 runs per command, 5 warm-up runs)
# BERTH_BIN=/path/to/berth measures that binary instead of a fresh release build.
bench_name=exec-latency
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
runs="${1:-50}"
podman_flags=""
podman_started=""
berth_started=""
bench_cleanup_extra() {
    # Both containers go before the workspace.
    [ -z "$berth_started" ] || b rm -f bench >/dev/null 2>&1 || true
    [ -z "$podman_started" ] || p rm -f -t 0 bench >/dev/null 2>&1 || true
}
# podman: no network (as berth here).
bench_setup exec $'netns = "none"\n'

b import "$work/busybox.tar" busybox >/dev/null || die "berth import failed"
b run -d --network none --name bench busybox sleep 3600 >/dev/null || die "berth run -d failed; nothing to measure"
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


cmds=("$berth_cmd" "$floor_cmd")
[ -n "$podman_cmd" ] && cmds+=("$podman_cmd")
hyperfine -N --warmup 5 --runs "$runs" --export-csv "$work/exec.csv" "${cmds[@]}" >&2
berth_ms="$(median_ms "$work/exec.csv" 1)"
floor_ms="$(median_ms "$work/exec.csv" 2)"
podman_ms="n/a"
[ -n "$podman_cmd" ] && podman_ms="$(median_ms "$work/exec.csv" 3)"

cpu="$(cpu_model)"
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
