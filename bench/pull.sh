#!/usr/bin/env bash
# Pull throughput (issue 3): a multi-layer image of about 120 MB (busybox plus four layers
# of 30 MB of random data each, made with `berth commit`) is pushed to the distribution
# registry (Debian's docker-registry) on 127.0.0.1, then pulled into an empty store by berth,
# by `podman pull`, and copied by `skopeo copy` to an OCI directory. Reports MB/s and ratios,
# and the time of a second pull of an image already present. As root, runs as `berthtest`.
# Appends a dated section to bench/RESULTS.md (BENCH_NO_RECORD=1 only prints).
#
# Usage: bench/pull.sh [RUNS]     (default 5 runs per contender)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
runs="${1:-5}"
die() { echo "pull: $*" >&2; exit 1; }
for tool in hyperfine docker-registry skopeo; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh installs it)"
done
if [ -z "${BERTH_BIN:-}" ]; then
    cargo build --release --quiet
    BERTH_BIN="$repo/target/release/berth"
fi

work="$(mktemp -d /tmp/berth-bench-pull.XXXXXX)"
chmod 755 "$work"
mkdir -p "$work"/{rootfs/bin,rootfs/etc,rootfs/tmp,reg,home,data,config,run,p/home,p/data,p/config,p/run}
chmod 700 "$work/run" "$work/p/run"
cp /bin/busybox "$work/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$work/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$work/rootfs/etc/passwd"
tar --numeric-owner --owner=0 --group=0 -C "$work/rootfs" -cf "$work/busybox.tar" .
install -m 0755 "$BERTH_BIN" "$work/berth"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$work/reg.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/reg
http:
  addr: 127.0.0.1:$port
YML
if [ "$(id -u)" -eq 0 ]; then
    chown -R berthtest: "$work"
    chown root: "$work"
    as_user="setpriv --reuid=berthtest --regid=berthtest --init-groups --"
else
    as_user=""
fi
docker-registry serve "$work/reg.yml" >"$work/reg.log" 2>&1 &
reg_pid=$!
benv="env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run"
penv="env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C HOME=$work/p/home XDG_DATA_HOME=$work/p/data XDG_CONFIG_HOME=$work/p/config XDG_RUNTIME_DIR=$work/p/run"
B="$as_user $benv $work/berth"
P="$as_user $penv podman --runtime runc --cgroup-manager=cgroupfs"
cleanup() {
    kill "$reg_pid" 2>/dev/null || true
    $B rm -af >/dev/null 2>&1 || true
    $B rmi -af >/dev/null 2>&1 || true
    $P rmi -af >/dev/null 2>&1 || true
    [ -f "$work/p/run/libpod/tmp/pause.pid" ] && kill "$(cat "$work/p/run/libpod/tmp/pause.pid")" 2>/dev/null || true
    rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
cd "$work"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

ref="127.0.0.1:$port/bench/big:latest"
# The image: busybox, then four layers of incompressible data.
$B import "$work/busybox.tar" bench-base >/dev/null
img=bench-base
for i in 1 2 3 4; do
    $B run --name "layer$i" "$img" sh -c "head -c 30000000 /dev/urandom > /blob$i" >/dev/null
    $B commit -q "layer$i" "bench-l$i" >/dev/null 2>&1 || $B commit "layer$i" "bench-l$i" >/dev/null
    $B rm "layer$i" >/dev/null
    img="bench-l$i"
done
$B push --tls-verify=false "$img" "$ref" >/dev/null 2>&1
size_mb="$(du -sm "$work/reg/docker/registry/v2/blobs" | cut -f1)"
$B rmi -af >/dev/null

median() { awk -F, -v row="$2" 'NR == row + 1 { printf "%.3f", $4 }' "$1"; }
bench() { local csv="$1"; shift; hyperfine -N --warmup 1 --runs "$runs" --export-csv "$csv" "$@" >&2; }
rate() { awk -v mb="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", mb / s; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }'; }

bench "$work/berth.csv" --prepare "$B rmi -af" "$B pull -q --tls-verify=false $ref"
berth_s="$(median "$work/berth.csv" 1)"
# The image is present now: a second pull only checks the manifest.
bench "$work/again.csv" "$B pull -q --tls-verify=false $ref"
again_ms="$(awk -v s="$(median "$work/again.csv" 1)" 'BEGIN { printf "%.1f", s * 1000 }')"

skopeo_s="n/a"
bench "$work/skopeo.csv" --prepare "rm -rf $work/ocidir" \
    "skopeo copy -q --src-tls-verify=false docker://$ref oci:$work/ocidir:big"
skopeo_s="$(median "$work/skopeo.csv" 1)"

podman_s="n/a"
if command -v podman >/dev/null && $P pull -q --tls-verify=false "$ref" >/dev/null 2>&1; then
    bench "$work/podman.csv" --prepare "$P rmi -af" "$P pull -q --tls-verify=false $ref"
    podman_s="$(median "$work/podman.csv" 1)"
fi

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
section="$(cat <<REPORT

## pull, $(date -u +%Y-%m-%d\ %H:%M) UTC

Machine: kernel $(uname -r), ${cpu:-unknown CPU}, $(nproc) cores; a ${size_mb} MB image (6 layers,
four of them 30 MB of random data) in docker-registry on 127.0.0.1, plain HTTP; $runs runs
each (hyperfine -N), medians, from an empty store each time.

| contender | median | MB/s | vs berth |
|---|---|---|---|
| \`berth pull\` | ${berth_s} s | $(rate "$size_mb" "$berth_s") | 1.00 |
| \`podman pull\` | ${podman_s} s | $(rate "$size_mb" "$podman_s") | $(ratio "$podman_s" "$berth_s") |
| \`skopeo copy\` to an OCI dir | ${skopeo_s} s | $(rate "$size_mb" "$skopeo_s") | $(ratio "$skopeo_s" "$berth_s") |

A second \`berth pull\` of the image already present: ${again_ms} ms.
REPORT
)"
echo "$section"
[ -n "${BENCH_NO_RECORD:-}" ] || echo "$section" >> "$repo/bench/RESULTS.md"
