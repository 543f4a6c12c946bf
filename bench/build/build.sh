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
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
runs="${1:-20}"

die() { echo "build bench: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

command -v hyperfine >/dev/null || {
    echo "build bench: installing hyperfine"
    as_root apt-get update -qq && as_root apt-get install -y -qq hyperfine
}
[ -x /bin/busybox ] || die "/bin/busybox is missing (apt install busybox-static)"
if [ -z "${BERTH_BIN:-}" ]; then
    command -v cargo >/dev/null || die "cargo is missing (hint: rustup)"
    cargo build --release --quiet
    BERTH_BIN="$repo/target/release/berth"
fi

work="$(mktemp -d /tmp/berth-bench-build.XXXXXX)"
b() { "${as_user[@]}" "${benv[@]}" "$work/berth" "$@"; }
p() { "${as_user[@]}" "${penv[@]}" podman $podman_flags "$@"; }
podman_flags="--runtime runc --cgroup-manager=cgroupfs"
cleanup() {
    if [ -f "$work/podman/run/libpod/tmp/pause.pid" ]; then
        kill "$(cat "$work/podman/run/libpod/tmp/pause.pid")" 2>/dev/null || true
    fi
    # podman's overlay layers may belong to subordinate ids: remove them from its namespace.
    [ -d "$work/podman/data" ] && p unshare rm -rf "$work/podman/data" 2>/dev/null || true
    [ -d "$work/data" ] && "${as_user[@]}" "${benv[@]}" "$work/berth" system prune -a -f >/dev/null 2>&1 || true
    rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
chmod 755 "$work"

# The same busybox tree for both.
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,dev,proc,sys,tmp,root,home,var/tmp,run}
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$rootfs/etc/group"
tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/busybox.tar" .
rm -rf "$rootfs"

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

install -m 0755 "$BERTH_BIN" "$work/berth"
mkdir -p "$work"/{home,data,config,run,podman/home,podman/data,podman/config/containers,podman/run}
chmod 700 "$work/run" "$work/podman/run"
printf '[containers]\ncgroups = "disabled"\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
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

median_ms() { # csv row(1-based)
    awk -F, -v row="$2" 'NR == row + 1 { printf "%.1f", $4 * 1000 }' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }

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

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
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
