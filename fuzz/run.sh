#!/usr/bin/env bash
# Runs the fuzz targets with libFuzzer (cargo-fuzz, nightly Rust), each for a while, seeded
# with the test fixtures.
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
# Crashes land in fuzz/artifacts/TARGET/; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(front_matter shortcodes markdown csv jsonstat relative_links)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal

seed() {
  local target="$1"; shift
  mkdir -p "fuzz/corpus/$target"
  find "$@" -type f -size -200k -exec cp -n {} "fuzz/corpus/$target/" \; 2>/dev/null || true
}
seed front_matter tests/fixtures/sites tests/fixtures/invalid tests/fixtures/hostile content -name '*.md'
seed shortcodes tests/fixtures/sites tests/fixtures/hostile content -name '*.md'
seed markdown tests/fixtures/sites tests/fixtures/hostile content -name '*.md'
seed csv tests/fixtures/data tests/fixtures/sites data -name '*.csv'
seed jsonstat tests/fixtures/data tests/fixtures/sites data -name '*.json'
seed relative_links tests/fixtures/sites public -name '*.html'

for target in "${targets[@]}"; do
  echo "== fuzzing $target for $seconds s"
  cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1
done
