#!/usr/bin/env bash
# Every test of the project, in order of cost: formatting, lints, native Rust tests,
# wasm tests in headless Chromium, then the site build, JS unit tests and end-to-end
# tests in headless Chromium. Stops at the first failure with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "setup"
bash scripts/setup.sh --browser

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native and wasm32), warnings denied"
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --tests --target wasm32-unknown-unknown --all-features -- -D warnings

step "cargo doc, warnings denied"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet

step "native Rust tests"
cargo test

step "wasm tests in headless Chromium"
# determinism: the same fingerprints as natively, so a seed gives the same bits on both.
cargo test --target wasm32-unknown-unknown --test wasm --test determinism --test determinism_rigor

step "build the site (and the CLI the end-to-end tests call)"
cargo build --bin pidscope
bash scripts/build.sh

step "type-check the page (tsc --checkJs against the core's .d.ts and meta.json)"
npx tsc -p tsconfig.json

step "JS unit and end-to-end tests (headless Chromium)"
node --test --test-concurrency=1 tests/js/ tests/e2e/
