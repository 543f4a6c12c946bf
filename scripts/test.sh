#!/usr/bin/env bash
# berth's whole check: setup, formatting, lints, unit and integration tests.
# As root, the integration tests drop to the user `berthtest`. Set CI=true to turn every
# "skipped: <why>" (a machine that lacks a capability) into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
    bash scripts/setup.sh
elif command -v sudo >/dev/null; then
    sudo --preserve-env=PATH bash scripts/setup.sh
else
    echo "note: not root and no sudo: skipping scripts/setup.sh (run it once as root)" >&2
fi

export CI="${CI:-}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Run every step even when one fails, so one run shows everything; fail at the end.
failed=()
step() {
    echo "== $*"
    "$@" || failed+=("$*")
}
step cargo fmt --check
step cargo clippy --all-targets -- -D warnings
step cargo test

if [ "${#failed[@]}" -gt 0 ]; then
    printf 'test.sh: failed: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "test.sh: all passed"
