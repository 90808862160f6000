// The core's defaults, limits and names (src/meta.rs): written at build time by
// scripts/build.mjs from the wasm module itself, so the page and the CLI share one
// source. Nothing here may be edited by hand.
import META from '../target/pkg/meta.json' with { type: 'json' };

export default META;
