#!/usr/bin/env bash
# Network benchmarks: what the default network adds to `berth run --rm busybox true` (pasta,
# slirp4netns and none, next to podman with the same helper), and iperf3 throughput through
# each helper: container -> host (an iperf3 server on host 127.0.0.1, reached through the
# helper's host-loopback mapping) and host -> container (a published port), with podman's
# slirp4netns beside (podman 4.3 has no pasta); and the connection latency through a
# published port (busybox wget to busybox httpd), against the same request to the host. The iperf3 in
# the container is the host's own, run through the host's dynamic loader from a read-only
# bind of /usr (the busybox image has no iperf3). Runs as `berthtest` when started as root.
# Appends a dated section to bench/RESULTS.md.
#
# Usage: bench/net/net.sh [RUNS]     (default 30 runs per command, 3 warm-up runs)
# BERTH_BIN=/path/to/berth measures that binary instead of a fresh release build.
set -euo pipefail
bench_name=net-bench
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"
runs="${1:-30}"
for tool in iperf3 pasta slirp4netns; do
    command -v "$tool" >/dev/null || die "$tool is missing (run scripts/setup.sh)"
done
loader=/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
[ -x "$loader" ] || die "no x86_64 glibc loader at $loader"
iperf_pid=""
prun=""
bench_cleanup_extra() {
    [ -z "$iperf_pid" ] || kill "$iperf_pid" 2>/dev/null || true
    [ -z "$prun" ] || { kill "$(cat "$prun/libpod/tmp/pause.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$prun"; } || true
}
bench_setup net
# podman's slirp4netns API socket (port_handler=slirp4netns) lives under its runtime
# directory with a 64-digit name; socket paths end at 108 bytes, so that directory is short.
prun="$(mktemp -d /tmp/pr.XXXX)"
chmod 700 "$prun"
[ -z "${as_user[*]}" ] || chown "$runner:" "$prun"
for i in "${!penv[@]}"; do
    case "${penv[$i]}" in XDG_RUNTIME_DIR=*) penv[$i]="XDG_RUNTIME_DIR=$prun" ;; esac
done
b import "$work/busybox.tar" busybox >/dev/null || die "berth import failed"


# --- run latency -------------------------------------------------------------------------
cmds=()
names=()
for net in none pasta slirp4netns; do
    b run --rm --network "$net" busybox true || die "berth run --network $net failed"
    cmds+=("${as_user[*]} ${benv[*]} $work/berth run --rm --network $net busybox true")
    names+=("berth run --rm --network $net busybox true")
done
podman_note="not installed"
podman_ok=""
if command -v podman >/dev/null \
   && "${as_user[@]}" "${penv[@]}" podman import -q "$work/busybox.tar" busybox >/dev/null 2>"$work/podman.err"; then
    podman_note="$(podman --version) (--runtime runc --cgroup-manager=cgroupfs)"
    podman_ok=1
    podman_flags="--runtime runc --cgroup-manager=cgroupfs"
    for net in none pasta slirp4netns; do
        p="podman --runtime runc --cgroup-manager=cgroupfs run --cgroups=enabled --rm --network $net busybox true"
        # shellcheck disable=SC2086
        if "${as_user[@]}" "${penv[@]}" $p >/dev/null 2>>"$work/podman.err"; then
            cmds+=("${as_user[*]} ${penv[*]} $p")
            names+=("podman run --rm --network $net busybox true")
        else
            podman_note="$podman_note; --network $net: $(tail -n1 "$work/podman.err")"
        fi
    done
fi
hyperfine -N --warmup 3 --runs "$runs" --export-csv "$work/latency.csv" "${cmds[@]}" >&2
rows=""
none_ms=""
for i in "${!cmds[@]}"; do
    ms="$(median_ms "$work/latency.csv" $((i + 1)))"
    # Each engine's cost is over its own `--network none` (the first of its rows).
    case "${names[$i]}" in *"--network none "*) none_ms="$ms" ;; esac
    rows+="| \`${names[$i]}\` | ${ms} ms | $(awk -v a="$ms" -v b="$none_ms" 'BEGIN { printf "%+.1f ms", a - b }') |"$'\n'
done

# --- throughput --------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
              || echo $((20000 + RANDOM % 20000)); }
in_ctr_iperf=(-v /usr:/host-usr:ro busybox /host-usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
              --library-path /host-usr/lib/x86_64-linux-gnu /host-usr/bin/iperf3)
gbits() { # iperf3 -J output on stdin -> Gbit/s received
    sed -n '/"sum_received"/,/}/p' | awk -F: '/bits_per_second/ { gsub(/[ ,]/, "", $2); printf "%.2f", $2 / 1e9; exit }'
}
port="$(free_port)"
iperf3 -s -B 127.0.0.1 -p "$port" -D -I "$work/iperf.pid" >/dev/null
sleep 0.2
iperf_pid="$(cat "$work/iperf.pid")"
tput_rows=""
# The median and range of the numbers on stdin.
spread() { sort -n | awk 'NF { v[++n] = $1 } END { if (!n) print "failed"; else printf "%s (%s-%s)", v[int((n + 1) / 2)], v[1], v[n] }'; }
# One row: three 5 s runs each way. ENGINE is b or p; EXTRA its run flags.
measure_tput() { # ENGINE EXTRA UP_NETWORK TARGET DOWN_NETWORK LABEL
    local run="$1" extra="$2" up_net="$3" target="$4" down_net="$5" label="$6"
    local ups="" downs="" id pport d _
    for _ in 1 2 3; do
        # shellcheck disable=SC2086
        ups+="$($run run $extra --rm --network "$up_net" "${in_ctr_iperf[@]}" -c "$target" -p "$port" -t 5 -J | gbits)"$'\n'
    done
    pport="$(free_port)"
    # shellcheck disable=SC2086
    id="$($run run $extra -d --network "$down_net" -p "127.0.0.1:$pport:5201" "${in_ctr_iperf[@]}" -s)" || id=""
    for _ in 1 2 3; do
        d=""
        for _ in $(seq 1 50); do
            d="$(iperf3 -c 127.0.0.1 -p "$pport" -t 5 -J 2>/dev/null | gbits)" && [ -n "$d" ] && break
            sleep 0.1
        done
        downs+="$d"$'\n'
    done
    [ -z "$id" ] || $run rm -f "$id" >/dev/null 2>&1 || true
    tput_rows+="| $label | $(printf '%s' "$ups" | spread) Gbit/s | $(printf '%s' "$downs" | spread) Gbit/s |"$'\n'
}
measure_tput b "" pasta:--map-gw host.containers.internal pasta "berth | pasta"
measure_tput b "" slirp4netns:allow_host_loopback=true 10.0.2.2 slirp4netns "berth | slirp4netns"
# podman with the same helper and the same port handler (podman 4.3 has no pasta).
if [ -n "$podman_ok" ]; then
    measure_tput p --cgroups=enabled slirp4netns:allow_host_loopback=true,port_handler=slirp4netns 10.0.2.2 \
        slirp4netns:port_handler=slirp4netns "podman | slirp4netns (port_handler=slirp4netns)"
fi

# --- connection latency ------------------------------------------------------------------
# One TCP connection and HTTP GET per run (busybox wget) to busybox httpd in a container
# through a published port, next to the same request to httpd on the host itself.
mkdir -p "$work/www" && echo ok > "$work/www/index.html" && chmod -R a+rX "$work/www"
hport="$(free_port)"
/bin/busybox httpd -f -p "127.0.0.1:$hport" -h "$work/www" & httpd_pid=$!
lat_cmds=("/bin/busybox wget -q -O /dev/null http://127.0.0.1:$hport/")
lat_names=("host httpd, no helper")
lat_ids=()
serve=(busybox sh -c 'mkdir /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www')
for net in pasta slirp4netns; do
    lport="$(free_port)"
    lat_ids+=("b:$(b run -d --network "$net" -p "127.0.0.1:$lport:80" "${serve[@]}")")
    lat_cmds+=("/bin/busybox wget -q -O /dev/null http://127.0.0.1:$lport/")
    lat_names+=("berth, $net")
done
if [ -n "$podman_ok" ]; then
    lport="$(free_port)"
    if id="$(p run --cgroups=enabled -d --network slirp4netns:port_handler=slirp4netns -p "127.0.0.1:$lport:80" "${serve[@]}")"; then
        lat_ids+=("p:$id")
        lat_cmds+=("/bin/busybox wget -q -O /dev/null http://127.0.0.1:$lport/")
        lat_names+=("podman, slirp4netns (port_handler=slirp4netns)")
    fi
fi
for c in "${lat_cmds[@]}"; do # wait until each server answers
    for _ in $(seq 1 50); do $c 2>/dev/null && break; sleep 0.1; done
done
hyperfine -N --warmup 10 --runs 200 --export-csv "$work/conn.csv" "${lat_cmds[@]}" >&2
kill "$httpd_pid" 2>/dev/null || true
for e in "${lat_ids[@]}"; do
    case "$e" in b:*) b rm -f "${e#b:}" >/dev/null 2>&1 || true ;; p:*) p rm -f "${e#p:}" >/dev/null 2>&1 || true ;; esac
done
# Medians to a hundredth of a millisecond: the differences here are small.
median_ms2() { awk -F, -v row="$2" 'NR == row + 1 { printf "%.2f", $4 * 1000 }' "$1"; }
lat_rows=""
base_ms="$(median_ms2 "$work/conn.csv" 1)"
for i in "${!lat_cmds[@]}"; do
    ms="$(median_ms2 "$work/conn.csv" $((i + 1)))"
    lat_rows+="| ${lat_names[$i]} | ${ms} ms | $(awk -v a="$ms" -v b="$base_ms" 'BEGIN { printf "%+.2f ms", a - b }') |"$'\n'
done

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
section="$(cat <<REPORT

## $(date -u +%Y-%m-%d\ %H:%M) UTC — network (bench/net/net.sh)

Machine: kernel $(uname -r), ${cpu:-unknown CPU}, $(nproc) cores; runs as \`$runner\`;
pasta $(dpkg-query -W -f='${Version}' passt 2>/dev/null || echo '?'), $(slirp4netns --version | head -n1).
Run latency: $runs runs per command after 3 warm-up runs (hyperfine -N); medians, and the
cost of each network over \`--network none\`.

| command | median | network cost |
|---|---|---|
${rows}
podman: $podman_note.

Throughput (iperf3 3.12, one TCP stream, three 5 s runs each way: median (min-max); the
container runs the host's iperf3 through the host's loader from a read-only bind of /usr):

| engine | helper | container -> host 127.0.0.1 (loopback mapping) | host -> published port |
|---|---|---|---|
${tput_rows}
Connection latency: one TCP connection and HTTP GET (busybox wget, 200 runs after 10
warm-up runs, median) to busybox httpd published on 127.0.0.1, and the same to httpd on the
host itself; the difference is what the published path adds.

| server | median | over the host's own |
|---|---|---|
${lat_rows}
REPORT
)"
echo "$section"
echo "$section" >> "$repo/bench/RESULTS.md"
