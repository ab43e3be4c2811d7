#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every check and test.
#   tests/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "formatting"
cargo fmt --all -- --check

step "lints"
cargo clippy --release --all-targets -- -D warnings

step "unit and integration tests"
cargo test --release

step "the repository's own site builds, with no warning and every page translated"
cargo run --release --quiet -- check --strict
cargo run --release --quiet -- build --output target/site-check

step "the site in a browser, by axe and by the Nu HTML checker"
tests/e2e/run.sh

step "fuzzing: every target for a short while, where nightly Rust is installed"
if command -v rustup >/dev/null && rustup toolchain list | grep -q '^nightly'; then
  # Seeded with the fixtures and the corpus found so far; a crash fails the run.
  fuzz/run.sh "${FUZZ_SECONDS:-10}"
else
  echo "Skipped: nightly Rust is not installed here (cargo-fuzz needs it). fuzz/run.sh runs the targets where it is."
fi
