// The computation engine: owns the wasm module and the parsed files; answers
// {id, method, params} messages with {id, type: 'result'|'progress'|'error'}.
// The main thread only draws; rows never leave this worker.
import init, * as core from 'pidscope-wasm';

const ready = init({ module_or_path: new URL('./pidscope_bg.wasm', import.meta.url) }).then(() => {
  workspace = new core.Workspace();
});
/** @type {core.Workspace} the parsed files, kept between requests */
let workspace;

const MB = 1 << 20;
const mb = (bytes) => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;

/** Progress updates at most every 50 ms, so a fast loop does not flood the page. */
function throttled(progress) {
  let last = 0;
  return (update, force = false) => {
    const now = performance.now();
    if (force || now - last > 50) {
      last = now;
      progress(update);
    }
  };
}

async function loadFiles({ files, replace = false }, progress) {
  if (replace) workspace.clear();
  const report = throttled(progress);
  const summaries = [];
  for (const file of files) {
    workspace.startFile(file.name, file.size);
    const reader = file.stream().getReader();
    let loaded = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        workspace.push(value);
        loaded += value.byteLength;
        report({ stage: 'reading', message: `Reading ${file.name}: ${mb(loaded)} of ${mb(file.size)}`, fraction: file.size ? loaded / file.size : 1 });
      }
    } finally {
      reader.releaseLock();
    }
    summaries.push(workspace.finishFile());
  }
  return { files: summaries, ...workspace.columnsAndRoles() };
}

const methods = {
  version: () => core.version(),
  examples: () => core.exampleNames(),
  example: ({ name }) => core.analyseExample(String(name)),
  table: ({ shape, weights, labels }) => core.analyseTable(Uint32Array.from(shape), Float64Array.from(weights), labels ?? null),
  loadFiles,
  forgetFile: ({ name }) => {
    workspace.removeFile(String(name));
    return workspace.columnsAndRoles();
  },
  estimate: ({ roles, settings }, progress) => workspace.estimate(roles, settings, throttled(progress)),
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
