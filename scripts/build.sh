#!/usr/bin/env bash
# Builds the release wasm, binds it for the browser, optimises it and writes the static
# site to dist/. Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --lib --target wasm32-unknown-unknown
rm -rf target/pkg && mkdir -p target/pkg
# The .d.ts it writes types the page's calls into the core (checked by tsc in npm test).
wasm-bindgen --target web --out-dir target/pkg \
  target/wasm32-unknown-unknown/release/pidscope.wasm
# npm binaryen's wasm-opt: Debian's (v108) writes modules that fail to load.
node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd \
  target/pkg/pidscope_bg.wasm -o target/pkg/pidscope_bg.wasm
node scripts/build.mjs
