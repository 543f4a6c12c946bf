#!/usr/bin/env bash
# Build speed: the same multi-step Dockerfile (FROM, ARG, ENV, WORKDIR, COPY, three RUNs,
# LABEL, EXPOSE, CMD) built by `berth build` and `podman build`, on the same busybox rootfs
# imported into each store:
#   - a first build: `build --no-cache` (every step runs; the base is in the store);
#   - a fully cached rebuild: `build` again with nothing changed.
# Runs as the test user `berthtest` when started as root. Prints medians and ratios and
# appends a dated section to bench/RESULTS.md (set BENCH_NO_RECORD=1 to only print).
# Targets: a cached rebuild under 150 ms, and berth at least 3x faster than podman on both.
#
# Usage: bench/build/build.sh [RUNS]     (default 20 runs per command, 3 warm-up runs)
# BERTH_BIN=/path/to/berth measures that binary instead of a fresh release build.
bench_name="build bench"
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"
runs="${1:-20}"
podman_flags="--runtime runc --cgroup-manager=cgroupfs"
bench_cleanup_extra() {
    # podman's overlay layers may belong to subordinate ids: remove them from its namespace.
    [ -d "$work/podman/data" ] && p unshare rm -rf "$work/podman/data" 2>/dev/null || true
    [ -d "$work/data" ] && b system prune -a -f >/dev/null 2>&1 || true
}
bench_setup build

# The context: a Dockerfile and a few files.
ctx="$work/ctx"
mkdir -p "$ctx/src/lib"
for i in $(seq 1 20); do head -c 4096 /dev/urandom | base64 > "$ctx/src/lib/file$i.txt"; done
printf 'echo app\n' > "$ctx/src/app.sh"
printf '*.log\n' > "$ctx/.dockerignore"
cat > "$ctx/Dockerfile" <<'EOF'
FROM localhost/busybox
ARG VERSION=1.0
ENV APP_HOME=/app VERSION=$VERSION
WORKDIR /app
COPY src/ /app/src/
RUN mkdir -p /app/bin && cp /app/src/app.sh /app/bin/app && chmod +x /app/bin/app
RUN find /app/src -type f | wc -l > /app/count
RUN echo "version $VERSION" > /app/version
LABEL org.example.bench=build
EXPOSE 8080
CMD ["/app/bin/app"]
EOF

[ "$(id -u)" -ne 0 ] || chown -R berthtest: "$ctx"

b import "$work/busybox.tar" busybox >/dev/null || die "berth import failed"
b build -q -t bench "$ctx" >/dev/null || die "berth build failed; nothing to measure"

berth_first="${as_user[*]} ${benv[*]} $work/berth build -q --no-cache -t bench $ctx"
berth_cached="${as_user[*]} ${benv[*]} $work/berth build -q -t bench $ctx"
podman_first=""
podman_cached=""
podman_note="not installed"
if command -v podman >/dev/null; then
    if p import -q "$work/busybox.tar" localhost/busybox >/dev/null 2>"$work/podman.err"; then
        # chroot isolation: RUN steps without an OCI runtime, podman's fastest rootless mode.
        for iso in chroot oci; do
            if p build -q --isolation "$iso" -t bench "$ctx" >/dev/null 2>>"$work/podman.err"; then
                podman_first="${as_user[*]} ${penv[*]} podman $podman_flags build -q --isolation $iso --no-cache -t bench $ctx"
                podman_cached="${as_user[*]} ${penv[*]} podman $podman_flags build -q --isolation $iso -t bench $ctx"
                podman_note="$(podman --version) ($podman_flags build --isolation $iso)"
                break
            fi
        done
    fi
    [ -n "$podman_first" ] || podman_note="could not build here: $(grep -m1 -i error "$work/podman.err" || tail -n1 "$work/podman.err")"
fi


cmds=("$berth_first" "$berth_cached")
[ -n "$podman_first" ] && cmds+=("$podman_first" "$podman_cached")
hyperfine -N --warmup 3 --runs "$runs" --export-csv "$work/build.csv" "${cmds[@]}" >&2
bf="$(median_ms "$work/build.csv" 1)"
bc="$(median_ms "$work/build.csv" 2)"
pf="n/a"; pc="n/a"
if [ -n "$podman_first" ]; then
    pf="$(median_ms "$work/build.csv" 3)"
    pc="$(median_ms "$work/build.csv" 4)"
fi
ms() { [ "$1" = n/a ] && echo n/a || echo "$1 ms"; }
vs() { [ "$1" = n/a ] && echo n/a || echo "$(ratio "$1" "$2")x"; }

cpu="$(cpu_model)"
section="$(cat <<REPORT

## $(date -u +%Y-%m-%d\ %H:%M) UTC: build

Machine: kernel $(uname -r), ${cpu:-unknown CPU}, $(nproc) cores; runs as \`$runner\`;
$runs runs per command after 3 warm-up runs (hyperfine -N); medians. The Dockerfile has 11
steps (three RUNs, a COPY of 21 files); see bench/build/build.sh. Targets: a cached rebuild
under 150 ms; berth at least 3x faster than podman on both.

| build | berth | podman | podman / berth |
|---|---|---|---|
| first (\`--no-cache\`) | $(ms "$bf") | $(ms "$pf") | $(vs "$pf" "$bf") |
| fully cached rebuild | $(ms "$bc") | $(ms "$pc") | $(vs "$pc" "$bc") |

podman: $podman_note.
REPORT
)"
echo "$section"
[ -n "${BENCH_NO_RECORD:-}" ] || echo "$section" >> "$repo/bench/RESULTS.md"
