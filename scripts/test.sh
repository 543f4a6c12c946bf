#!/usr/bin/env bash
# berth's whole check: setup, formatting, lints, unit and integration tests.
# As root, the integration tests drop to the user `berthtest`. Set CI=true to turn every
# "skipped: <why>" (a machine that lacks a capability) into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
    bash scripts/setup.sh
else
    sudo --preserve-env=PATH bash scripts/setup.sh
fi

export CI="${CI:-}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets -- -D warnings
echo "== cargo test"
cargo test
