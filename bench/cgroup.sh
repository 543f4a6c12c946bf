#!/usr/bin/env bash
# The cost of a container's cgroup: `berth run --rm --network none busybox true` with its leaf
# cgroup (made, C cloned into it with CLONE_INTO_CGROUP, removed at the end) against the same
# run with `--cgroups=disabled`, and podman where it runs. berth runs inside the delegated
# subtree scripts/setup.sh makes (this script, as root, moves itself into its harness leaf,
# as the test harness does). Appends a dated section to bench/RESULTS.md.
#
# Usage: bench/cgroup.sh [RUNS]      (default 50 runs per command, 5 warm-up runs)
# BERTH_BIN=/path/to/berth measures that binary instead of a fresh release build.
bench_name=cgroup
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
runs="${1:-50}"
bench_setup cgroup

cg2="$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)"
[ -n "$cg2" ] || die "no cgroup2 mount: nothing to measure"
harness="$cg2/berth-tests/harness"
[ -d "$harness" ] || die "no delegated subtree $harness (run scripts/setup.sh)"
if [ "$(id -u)" -eq 0 ]; then
    echo $$ > "$harness/cgroup.procs"
fi
grep -q "^0::/berth-tests/harness$" /proc/self/cgroup || die "not inside $harness"

b import "$work/busybox.tar" busybox >/dev/null || die "berth import failed"
b run --rm --network none busybox true || die "berth run failed; nothing to measure"
b run --rm --network none --cgroups=disabled busybox true || die "berth run --cgroups=disabled failed"

with_cmd="${as_user[*]} ${benv[*]} $work/berth run --rm --network none busybox true"
without_cmd="${as_user[*]} ${benv[*]} $work/berth run --rm --network none --cgroups=disabled busybox true"
podman_cmd=""
podman_note="not installed"
if command -v podman >/dev/null; then
    # Rootless podman on a hybrid host cannot use cgroups: lib.sh's containers.conf turns
    # them off, so podman's figure compares with berth's --cgroups=disabled run.
    # crun refuses this hybrid host, and podman's default systemd cgroup manager waits about
    # 20 s per run for a D-Bus it does not reach here: runc with cgroupfs, as the other
    # benchmarks run it (runc refuses `cgroups = "disabled"`, so the run asks for them).
    podman_flags="--runtime runc --cgroup-manager=cgroupfs"
    if p import -q "$work/busybox.tar" busybox >/dev/null 2>"$work/podman.err" \
        && p run --rm --cgroups=enabled --network none busybox true 2>>"$work/podman.err"; then
        podman_cmd="${as_user[*]} ${penv[*]} podman $podman_flags run --rm --cgroups=enabled --network none busybox true"
        podman_note="$(podman --version) ($podman_flags, run with --cgroups=enabled)"
    else
        podman_note="$(podman --version) could not run here: $(grep -m1 -i error "$work/podman.err" || tail -n1 "$work/podman.err")"
    fi
fi

# podman runs outside berth's delegated subtree, from the cgroup2 root where this script (as
# root) puts it first, as it would run outside berth's test harness.
podman_outside=""
if [ -n "$podman_cmd" ]; then
    podman_outside="sh -c 'echo \$\$ > $cg2/cgroup.procs && exec $podman_cmd'"
fi
if [ -n "$podman_outside" ]; then
    hyperfine -N --warmup 5 --runs "$runs" --export-csv "$work/cg.csv" "$with_cmd" "$without_cmd" "$podman_outside" >&2
else
    hyperfine -N --warmup 5 --runs "$runs" --export-csv "$work/cg.csv" "$with_cmd" "$without_cmd" >&2
fi
with_ms="$(median_ms "$work/cg.csv" 1)"
without_ms="$(median_ms "$work/cg.csv" 2)"
podman_ms="n/a"
ratio="n/a"
if [ -n "$podman_outside" ]; then
    podman_ms="$(median_ms "$work/cg.csv" 3) ms"
    ratio="$(awk -v a="$(median_ms "$work/cg.csv" 3)" -v b="$with_ms" 'BEGIN { printf "%.1f", a / b }')"
fi
cost="$(awk -v a="$with_ms" -v b="$without_ms" 'BEGIN { printf "%.1f", a - b }')"

cpu="$(cpu_model)"
section="$(cat <<REPORT

## $(date -u +%Y-%m-%d\ %H:%M) UTC: the container's cgroup

Machine: kernel $(uname -r), ${cpu:-unknown CPU}, $(nproc) cores; runs as \`$runner\` in the
delegated subtree \`$cg2/berth-tests\` (hybrid host: cgroup2 has no controllers here);
$runs runs per command after 5 warm-up runs (hyperfine -N); medians.

| command | median |
|---|---|
| \`berth run --rm --network none busybox true\` (leaf cgroup) | ${with_ms} ms |
| \`berth run --rm --network none --cgroups=disabled busybox true\` | ${without_ms} ms |
| \`podman run --rm --network none busybox true\` | ${podman_ms} |

The cgroup costs ${cost} ms per run (target: under 1 ms). podman / berth (with its cgroup):
${ratio}. podman: $podman_note, run from the cgroup2 root.
REPORT
)"
echo "$section"
echo "$section" >> "$repo/bench/RESULTS.md"
