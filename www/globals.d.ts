// Globals the page's code uses but no module of it defines.

// Replaced by esbuild (scripts/build.mjs): null for the site; in the single file
// pidscope.html, the wasm as base64 (read by the worker) and the worker's code (the page).
declare const __WASM_BASE64__: string | null;
declare const __WORKER_SOURCE__: string | null;

interface Window {
  /** For tests and the curious (set by main.js): the engine bridge and the page's state. */
  pidscope: { bridge: import('./bridge.js').WorkerBridge; state: import('./main.js').PageState; pool: import('./bridge.js').WorkerBridge[] };
}
