// The computation engine: owns the wasm module; answers {id, method, params} messages
// with {id, type: 'result'|'progress'|'error'}. The main thread only draws.
import init, * as core from 'pidscope-wasm';

const ready = init({ module_or_path: new URL('./pidscope_bg.wasm', import.meta.url) });

const methods = {
  version: () => core.version(),
  examples: () => core.exampleNames(),
  example: ({ name }) => core.analyseExample(String(name)),
  table: ({ shape, weights }) => core.analyseTable(Uint32Array.from(shape), Float64Array.from(weights)),
  panicForTest: ({ message }) => core.panicForTest(String(message ?? '')),
};

function describe(error) {
  // A trap leaves the instance in an unknown state: the bridge restarts the worker.
  const panic = core.takePanicMessage?.();
  const fatal = Boolean(panic) || error instanceof WebAssembly.RuntimeError;
  return { name: error?.name ?? 'Error', message: panic ?? error?.message ?? String(error), fatal };
}

self.onmessage = async ({ data }) => {
  const { id, method, params } = data ?? {};
  try {
    await ready;
  } catch (error) {
    self.postMessage({ id, type: 'error', error: { name: 'EngineLoadError', message: `the computation engine could not load: ${error.message}`, fatal: false } });
    return;
  }
  const run = methods[method];
  if (!run) {
    self.postMessage({ id, type: 'error', error: { name: 'UnknownMethod', message: `unknown engine method '${method}'`, fatal: false } });
    return;
  }
  try {
    const progress = (update) => self.postMessage({ id, type: 'progress', data: update });
    const result = await run(params ?? {}, progress);
    self.postMessage({ id, type: 'result', data: result });
  } catch (error) {
    self.postMessage({ id, type: 'error', error: describe(error) });
  }
};
