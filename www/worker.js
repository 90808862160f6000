// The computation engine: owns the wasm module and the parsed files; answers
// {id, method, params} messages with {id, type: 'result'|'progress'|'error'}.
// The main thread only draws; rows never leave this worker.
import init, * as core from 'pidscope-wasm';
import { BATCH_MODELS } from './batchModels.js';
import META from './meta.js';

/** A request: `methods[method](params)`. @typedef {{id: number, method: string, params?: object}} EngineRequest */
/** A failed request; `fatal` has the page restart the worker. @typedef {{name: string, message: string, fatal: boolean}} EngineError */
/**
 * The answers to request `id`: any progress updates, then one result or one error.
 * @typedef {{id: number, type: 'progress', data: import('./bridge.js').EngineValue}
 *   | {id: number, type: 'result', data: import('./bridge.js').EngineValue}
 *   | {id: number, type: 'error', error: EngineError}} EngineReply
 */

/**
 * This worker's global scope, as far as the engine uses it. The page and the worker are
 * checked as one program with the DOM lib (tsconfig.json), where `self` is a Window.
 * @type {{onmessage: ((event: MessageEvent<EngineRequest>) => void) | null, postMessage: (reply: EngineReply) => void}}
 */
const scope = self;

// The single-file build (pidscope.html) inlines the wasm as base64; the site fetches it.
/* global __WASM_BASE64__ */
const wasmSource = __WASM_BASE64__ ? Uint8Array.from(atob(__WASM_BASE64__), (c) => c.charCodeAt(0)) : new URL('./pidscope_bg.wasm', import.meta.url);
// A one-function module using a SIMD instruction: the engine is built with WebAssembly
// SIMD, so a browser without it gets this message instead of a compile error.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const simd = WebAssembly.validate(SIMD_PROBE);
const ready = (simd ? init({ module_or_path: wasmSource }) : Promise.reject(new Error('this browser lacks WebAssembly SIMD (Chrome and Edge 91+, Firefox 89+, Safari 16.4+ have it)'))).then(() => {
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
    if (/\.parq(uet)?$/i.test(file.name)) {
      // Parquet's reader is loaded only when such a file is dropped (its own chunk).
      const { readParquet } = await import('./parquet.js');
      await readParquet(workspace, file, (rows) => report({ stage: 'reading', message: `Reading ${file.name}: ${rows} rows`, fraction: null }));
      // The core saw columns, not bytes: the file's size is the worker's to give.
      summaries.push({ ...workspace.finishFile(), bytes: file.size });
      continue;
    }
    // CSV streams through the parser; .npy and .npz are collected and parsed at the end.
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

/** The page's view of an analysis: the dataset's PID at the top level, models beside it. */
function forPage(analysis, title) {
  const { dataset, ...rest } = analysis;
  return { ...rest, title, target: dataset.name, pid: dataset.pid, info: dataset.info, table: dataset.table, stats: dataset.stats };
}

/** Back from the page's view to the core's Analysis (the uncertainty, once estimated, is the dataset's). */
function fromPage({ target, pid, info, table, stats, uncertainty, ...rest }) {
  return { ...rest, dataset: { name: target, pid, info, table, stats, uncertainty: uncertainty ?? undefined } };
}

/** A shared analysis, recomputed: the page's view plus what the link said. */
function openedForPage(shared) {
  const { analysis, stored, stored_model: storedModel, mismatches, tolerance_bits: tolerance, title, note, units, files } = shared;
  const { stored_uncertainty: storedUncertainty, uncertainty_unchecked: uncertaintyUnchecked } = shared;
  const view = forPage(analysis, title ? `Shared: ${title}` : 'Shared analysis');
  return { ...view, shared: { stored, storedModel, mismatches, tolerance, note, units, files, storedUncertainty, uncertaintyUnchecked } };
}

/** Largest analysis file read (the core refuses more anyway). */
const MAX_ANALYSIS_FILE = META.limits.analysis_file_bytes;

const STAGE_NAMES = { standardise: 'standardising', pca: 'PCA', seeding: 'k-means++ seeding', quantile_bins: 'quantile bins', table: 'counting the table' };

/** A progress report from the core, as the page's progress bar shows it. */
function describeStage(update) {
  if (update.phase === 'solving') return { stage: 'solving', message: `Solving the PID for ${update.target}`, fraction: 0.95 };
  const base = update.modality === 'X1' ? 0 : update.modality === 'X2' ? 0.45 : 0.9;
  const within = update.stage === 'lloyd' ? update.iteration / Math.max(1, update.max_iterations) : 0;
  const what =
    update.stage === 'lloyd'
      ? `k-means iteration ${update.iteration}`
      : update.stage === 'pca' && update.passes > 1
        ? `PCA, pass ${update.pass} of ${update.passes} over the rows`
        : (STAGE_NAMES[update.stage] ?? update.stage);
  return { stage: 'clustering', message: update.modality === 'Y' ? 'Counting the joint table' : `Clustering ${update.modality}: ${what}`, fraction: base + 0.45 * within };
}

/** The page's view of a BATCH estimate: its atoms as `pid`, like a CVX analysis. */
function batchForPage({ dataset, uncertainty, ...rest }, title) {
  return { ...rest, kind: 'batch', title, target: rest.names.y, pid: dataset, batchUncertainty: uncertainty };
}

/** The page's view of a Gaussian estimate: its atoms as `pid`, like a CVX analysis. */
function gaussianForPage(analysis, title) {
  return { ...analysis, kind: 'gaussian', title, target: analysis.names.y };
}

/** An alignment epoch costs about ten classifier epochs (docs/batch.md's benchmark). */
const ALIGNMENT_EPOCH_COST = 10;

/** A BATCH training step as the page's progress bar shows it (early stopping may skip ahead). */
function describeBatchStep(step, { classifier_epochs: classifierEpochs, alignment_epochs: alignmentEpochs }) {
  const index = BATCH_MODELS.findIndex((m) => m.stage === step.stage);
  const within = step.epoch - 1 + (step.batch > 0 ? step.batch / step.batches : 1);
  const total = 3 * classifierEpochs + ALIGNMENT_EPOCH_COST * alignmentEpochs;
  const done = index < 3 ? index * classifierEpochs + within : 3 * classifierEpochs + ALIGNMENT_EPOCH_COST * within;
  const where = step.batch > 0 ? `epoch ${step.epoch} of ${step.epochs}, batch ${step.batch} of ${step.batches}` : `epoch ${step.epoch} of ${step.epochs} done`;
  return { stage: 'training', message: `BATCH: training the ${BATCH_MODELS[index]?.label ?? step.stage}, ${where}`, fraction: total > 0 ? done / total : null };
}

/** A step of the fidelity check's classifiers as the page's progress bar shows it. */
function describeFidelityStep(step) {
  const index = BATCH_MODELS.findIndex((m) => m.stage === step.stage);
  const within = (step.epoch - 1 + (step.batch > 0 ? step.batch / step.batches : 1)) / Math.max(1, step.epochs);
  const where = step.batch > 0 ? `epoch ${step.epoch} of at most ${step.epochs}` : `epoch ${step.epoch} done`;
  return { stage: 'fidelity', message: `Checking the table's fidelity: training the ${BATCH_MODELS[index]?.label ?? step.stage}, ${where}`, fraction: (Math.max(0, index) + within) / 3 };
}

const methods = {
  version: () => core.version(),
  examples: () => core.exampleNames(),
  example: ({ name }) => forPage(core.analyseExample(String(name)), `Example: the ${String(name).toUpperCase()} gate`),
  table: ({ shape, weights, labels, title }) => forPage(core.analyseTable(Uint32Array.from(shape), Float64Array.from(weights), labels ?? null), title ?? 'Table'),
  loadFiles,
  forgetFile: ({ name }) => {
    workspace.removeFile(String(name));
    return workspace.columnsAndRoles();
  },
  estimate: ({ roles, settings, title }, progress) => {
    const report = throttled(progress);
    return forPage(workspace.estimate(roles, settings, (update) => report(describeStage(update))), title);
  },
  estimateBatch: ({ roles, settings, config, title }, progress) => {
    // Every step's loss reaches the page's live curve, sent in bunches at most every 50 ms.
    let steps = [];
    const report = throttled((update) => {
      progress({ ...update, steps });
      steps = [];
    });
    const analysis = workspace.estimateBatch(roles, settings, config, (step) => {
      steps.push(step);
      report(describeBatchStep(step, config), step.validation_loss !== null && step.validation_loss !== undefined);
    });
    return batchForPage(analysis, title);
  },
  // One pass for the covariance, then the solve: milliseconds, so one progress line before it.
  gaussianUncertainty: ({ roles, settings, gaussian }, progress) => {
    progress({ stage: 'uncertainty', message: `Gaussian: intervals and p-values (${settings.resamples} parametric bootstrap draws, ${settings.permutations} per null)`, fraction: null });
    return workspace.estimateGaussian(roles, settings, { ...gaussian, point_only: false }).uncertainty;
  },
  estimateGaussian: ({ roles, settings, gaussian, title }, progress) => {
    progress({ stage: 'gaussian', message: 'Gaussian: the covariance of the samples, then the solve', fraction: null });
    return gaussianForPage(workspace.estimateGaussian(roles, settings, gaussian), title);
  },
  // BATCH's bias floor: the same training on shuffled labels (run `index`), after the estimate is shown.
  estimateBatchNull: ({ roles, settings, config, index }, progress) => {
    const report = throttled(progress);
    return workspace.estimateBatchNull(roles, settings, config, BigInt(index), (step) => report({ ...describeBatchStep(step, config), message: `Bias floor: shuffled-label training ${Number(index) + 1} of ${config.null_runs}` }));
  },
  batchUncertainty: ({ pid, nulls }) => core.batchUncertainty(pid, nulls),
  // The fidelity check of the last CVX estimate's table: held-out classifiers on the features.
  fidelity: ({ roles, settings, info }, progress) => {
    const report = throttled(progress);
    return workspace.fidelity(roles, settings, info, (step) => report(describeFidelityStep(step)));
  },
  // Uncertainty (bootstrap intervals, permutation p-values): the input comes from the
  // Workspace that estimated; replicates and the summary are stateless, so any worker of the pool runs them.
  uncertaintyInput: ({ target }) => workspace.uncertaintyInput(String(target)),
  uncertaintyInputOfTable: ({ table }) => core.uncertaintyInputOfTable(table),
  uncertaintyJobs: ({ settings, pieces }) => core.uncertaintyJobs(settings, Number(pieces)),
  uncertaintyReplicates: ({ input, settings, job }) => core.uncertaintyReplicates(input, settings, job),
  uncertaintySummarise: ({ input, settings, records }) => core.uncertaintySummarise(input, settings, records),
  uncertaintyMismatches: ({ stored, recomputed }) => core.uncertaintyMismatches(stored, recomputed),
  // The sensitivity sweep (sweepRun.js): plan and tables in the Workspace, points and readings stateless.
  sweepPlan: ({ roles, settings }) => workspace.sweepPlan(roles, settings),
  sweepTable: ({ setting }) => workspace.sweepTable(setting),
  sweepPoint: ({ table, uncertainty }) => core.sweepPoint(table, uncertainty ?? null),
  sweepReading: ({ points, perBit, unit }) => core.sweepReading(points, Number(perBit), String(unit)),
  gallery: () => core.gallery(),
  gaussianLesson: ({ model }) => core.gaussianLesson(model),
  scenarios: () => core.scenarioList(),
  runScenario: ({ id, seed }, progress) => {
    const report = throttled(progress);
    const run = core.runScenario(String(id), BigInt(seed), (update) => report(describeStage(update)));
    return { ...forPage(run.analysis, run.title), intended: run.intended };
  },
  scenarioCsv: ({ id, seed }) => core.scenarioCsv(String(id), BigInt(seed)),
  countsCsv: ({ table }) => core.countsCsv(table),
  // The role picker's pattern box, by the CLI's rule (the core's matcher).
  matchColumns: ({ patterns, names }) => [...core.matchColumns(String(patterns), names.map(String))],
  shareLink: ({ analysis, meta }) => core.shareLink(fromPage(analysis), meta),
  shareFile: ({ analysis, meta }) => core.shareFile(fromPage(analysis), meta),
  openLink: ({ text, allowSlow }) => openedForPage(core.openLink(String(text), allowSlow === true)),
  openFile: async ({ file }) => {
    if (file.size > MAX_ANALYSIS_FILE) throw Object.assign(new Error(`${file.name}: an analysis file is at most ${mb(MAX_ANALYSIS_FILE)}; this one is ${mb(file.size)}`), { name: 'ShareError' });
    try {
      return openedForPage(core.openFile(await file.text(), false));
    } catch (error) {
      throw Object.assign(new Error(`${file.name}: ${error.message}`), { name: error.name });
    }
  },
  panicForTest: ({ message }) => core.panicForTest(String(message ?? '')),
};

function describe(error) {
  // A trap leaves the instance in an unknown state: the bridge restarts the worker.
  const panic = core.takePanicMessage?.();
  const fatal = Boolean(panic) || error instanceof WebAssembly.RuntimeError;
  return { name: error?.name ?? 'Error', message: panic ?? error?.message ?? String(error), fatal };
}

scope.onmessage = async ({ data }) => {
  const { id, method, params } = data ?? {};
  try {
    await ready;
  } catch (error) {
    scope.postMessage({ id, type: 'error', error: { name: 'EngineLoadError', message: `the computation engine could not load: ${error.message}`, fatal: false } });
    return;
  }
  const run = methods[method];
  if (!run) {
    scope.postMessage({ id, type: 'error', error: { name: 'UnknownMethod', message: `unknown engine method '${method}'`, fatal: false } });
    return;
  }
  try {
    const progress = (update) => scope.postMessage({ id, type: 'progress', data: update });
    const result = await run(params ?? {}, progress);
    scope.postMessage({ id, type: 'result', data: result });
  } catch (error) {
    scope.postMessage({ id, type: 'error', error: describe(error) });
  }
};
