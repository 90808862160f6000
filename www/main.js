// The page: input, settings, runs in the worker with progress and cancel, results.
// The main thread only draws; all computation happens in the engine worker.
import { CancelledError, WorkerBridge } from './bridge.js';
import { atomsBar } from './charts/atomsBar.js';
import { lossCurve, lossPoints, thinned } from './charts/lossCurve.js';
import { bannerMessage, h, hideBanner, showBanner } from './dom.js';
import { assignRole, dropZone, filePreview, rolePicker } from './views/input.js';
import { resultCard, sweepSlot } from './views/results.js';
import { batchConfig, DEFAULT_SETTINGS, estimatorName, estimatorsOf, settingsForm } from './views/settings.js';
import { learnView } from './learn/view.js';
import { shareBox } from './views/share.js';
import { formatDuration } from './format.js';
import { runSweep } from './sweepRun.js';
import META from './meta.js';

// The single-file build carries the worker's code and starts it from a blob (a classic
// worker: module workers from blobs fail under file://); the site loads worker.js.
/* global __WORKER_SOURCE__ */
const newEngine = () =>
  __WORKER_SOURCE__
    ? new WorkerBridge(URL.createObjectURL(new Blob([__WORKER_SOURCE__], { type: 'text/javascript' })), { type: 'classic' })
    : new WorkerBridge(new URL('./worker.js', import.meta.url));
const bridge = newEngine();
/** @type {WorkerBridge[]} more workers for the uncertainty's replicates, made on first use */
const pool = [];
function uncertaintyPool() {
  const size = Math.max(1, Math.min(8, (navigator.hardwareConcurrency || 2) - 1));
  while (pool.length < size) pool.push(newEngine());
  return pool;
}
bridge.addEventListener('crash', (event) => {
  const { detail } = /** @type {CustomEvent<import('./bridge.js').CrashDetail>} */ (event);
  showBanner(
    `The computation engine stopped unexpectedly: ${detail.message}` +
      (detail.restarted ? '\nIt has been restarted; your results on screen are kept.' : '\nReload the page to try again.'),
  );
});

/** @typedef {import('./bridge.js').EngineValue} EngineValue */

const EMPTY_ROLES = { x1: [], x2: [], y: null, y_extra: [], yhat: [], weight: null, id: null, p_x1: [], p_x2: [], p_joint: [] };
/**
 * The page's state; what the engine sent is kept as it came (EngineValue).
 * @typedef {object} PageState
 * @property {{file: File, summary: EngineValue, generation: number}[]} files
 * @property {EngineValue[]} columns
 * @property {typeof EMPTY_ROLES} roles
 * @property {Record<string, string>} readAs how each mixed column (`FILE::column`) is read: 'numeric' or 'text'
 * @property {import('./views/settings.js').Settings} settings
 * @property {EngineValue[]} analyses the page's views of analyses, newest first
 * @property {{controller: AbortController, label: string} | null} run
 * @property {number} nextId
 */
/** @type {PageState} */
const state = {
  files: [], // {file: File, summary, generation}
  columns: [],
  roles: EMPTY_ROLES,
  readAs: {},
  settings: { ...DEFAULT_SETTINGS },
  analyses: [],
  run: null, // {controller, label}
  nextId: 1,
};
// For tests and the curious: the bridge and state are reachable from the console.
window.pidscope = { bridge, state, pool };

const $ = (id) => document.getElementById(id);

// ---------- running things in the worker, one at a time ----------

/** Runs `task(signal, onProgress)`; a new run cancels the one going, so runs never interleave. */
async function exclusive(label, task) {
  state.run?.controller.abort();
  const controller = new AbortController();
  const run = { controller, label };
  state.run = run;
  drawProgress({ stage: label, fraction: null });
  try {
    return await task(controller.signal, drawProgress);
  } finally {
    if (state.run === run) {
      state.run = null;
      drawProgress(null);
    }
  }
}

function drawProgress(progress) {
  const box = $('progress');
  if (!progress) {
    box.hidden = true;
    /** @type {HTMLButtonElement} */ ($('run')).disabled = false;
    return;
  }
  box.hidden = false;
  const bar = box.querySelector('progress');
  if (progress.fraction === null || progress.fraction === undefined) bar.removeAttribute('value');
  else bar.value = Math.min(1, Math.max(0, progress.fraction));
  box.querySelector('.stage').textContent = progress.message ?? progress.stage;
  if (progress.steps?.length) liveLoss.add(progress.steps);
}

function reportError(error, context, retrySlow) {
  if (error instanceof CancelledError) return;
  if (error.name === 'EngineCrashError') return; // the crash banner has said it
  const message = context ? `${context}: ${error.message}` : error.message;
  // A solve estimated to be slow is asked about, not run: the user may run it anyway.
  if (error.name === 'SlowSolveError' && retrySlow) showBanner(message, { label: 'Run anyway', onClick: retrySlow });
  else showBanner(message);
}

// ---------- files and roles ----------

async function ensureFilesLoaded(signal, onProgress) {
  const stale = state.files.filter((f) => f.generation !== bridge.generation);
  if (!stale.length) return;
  // The engine was restarted (after a cancel or crash): it lost the parsed files; read them again.
  await bridge.call('loadFiles', { files: state.files.map((f) => f.file), replace: true }, { signal, onProgress });
  for (const f of state.files) f.generation = bridge.generation;
}

const isAnalysisFile = (file) => /\.json$/i.test(file.name);

async function addFiles(dropped) {
  const analysisFiles = dropped.filter(isAnalysisFile);
  if (analysisFiles.length) await openAnalysisFiles(analysisFiles);
  const files = dropped.filter((f) => !isAnalysisFile(f));
  if (!files.length) return;
  try {
    await exclusive('reading', async (signal, onProgress) => {
      await ensureFilesLoaded(signal, onProgress);
      const answer = await bridge.call('loadFiles', { files }, { signal, onProgress });
      for (const [i, summary] of answer.files.entries()) state.files.push({ file: files[i], summary, generation: bridge.generation });
      state.columns = answer.columns;
      state.roles = { ...EMPTY_ROLES, ...answer.roles };
      const notes = answer.files.flatMap(textNotes);
      if (answer.roles_hint) notes.push(rolesHintNote(answer.roles_hint));
      if (notes.length) showBanner(notes.join('\n'));
    });
  } catch (error) {
    reportError(error);
  }
  drawInput();
}

const ROLES_HINT = 'Column roles could not be guessed';
const rolesHintNote = (hint) => `${ROLES_HINT}: ${hint}. Assign them below.`;

/** Once X1, X2 and Y are assigned, the banner no longer asks for roles (its other notes stay). */
function dropRolesHint(roles) {
  const message = bannerMessage();
  if (!message?.includes(ROLES_HINT) || !roles.x1.length || !roles.x2.length || !roles.y) return;
  const rest = message.split('\n').filter((line) => !line.startsWith(ROLES_HINT));
  if (rest.length) showBanner(rest.join('\n'));
  else hideBanner();
}

/** Columns of numbers and other text: said plainly, since a typo there changes the analysis; the preview asks how to read them. */
function textNotes(summary) {
  return summary.columns
    .filter((c) => c.mixed)
    .map(({ name, mixed }) => `${summary.name}, line ${mixed.line}, column '${name}': '${mixed.text}' is not a number, but ${mixed.numbers.toLocaleString()} other values are. Choose below the file's preview whether to read '${name}' as numbers or as text.`);
}

/** The settings of an estimate: the form's, plus how each mixed column is read. */
function estimateSettings(allowSlow = false) {
  const chosen = (how) => Object.keys(state.readAs).filter((column) => state.readAs[column] === how);
  return { ...state.settings, numeric_columns: chosen('numeric'), text_columns: chosen('text'), allow_slow: allowSlow };
}

async function removeFile(index) {
  const [removed] = state.files.splice(index, 1);
  try {
    const answer = await bridge.call('forgetFile', { name: removed.summary.name });
    state.columns = answer.columns;
    state.roles = { ...EMPTY_ROLES, ...answer.roles };
  } catch (error) {
    reportError(error);
  }
  drawInput();
}

/** @type {import('./views/input.js').RolePicker | null} the role picker on screen, kept across role changes */
let picker = null;

/** Redraws the files and a new role picker: after files come or go (a role change only updates the picker). */
function drawInput() {
  const onChoose = (column, how) => (state.readAs = { ...state.readAs, [column]: how });
  $('files').replaceChildren(...state.files.map((f, i) => filePreview(f.summary, { onRemove: () => removeFile(i), choices: state.readAs, onChoose })));
  const isCounts = state.files.length === 1 && state.files[0].summary.kind === 'counts';
  picker =
    state.files.length && !isCounts
      ? rolePicker(state.columns, state.roles, {
          onAssign: (columns, role) => {
            state.roles = columns.reduce((roles, column) => assignRole(roles, column, role), state.roles);
            picker?.update(state.roles);
            dropRolesHint(state.roles);
          },
          match: (patterns, names) => bridge.call('matchColumns', { patterns, names }),
        })
      : null;
  $('roles').replaceChildren(picker?.element ?? '');
  /** @type {HTMLButtonElement} */ ($('run')).disabled = !state.files.length;
}

// ---------- estimating ----------

/**
 * One estimator's run of an estimate: its card on screen, with `compareWith` (the columns
 * of the estimators that ran before it) on the last card of a side-by-side run.
 * @typedef {{roles: object, title: string, files: string[], allowSlow: boolean, compareWith: object[] | null, signal: AbortSignal, onProgress: (p: object) => void}} RunContext
 * @type {Record<'cvx' | 'gaussian' | 'batch', (run: RunContext) => Promise<EngineValue>>}
 */
const RUNS = {
  async cvx({ roles, title, files, allowSlow, compareWith, signal, onProgress }) {
    const settings = estimateSettings(allowSlow);
    const cvx = await bridge.call('estimate', { roles, settings, title }, { signal, onProgress });
    const entry = addAnalysis({ ...cvx, files, compareWith });
    await addUncertainty(entry, settings, signal, onProgress);
    await addFidelity(entry, settings, signal, onProgress);
    return entry;
  },
  async gaussian({ roles, title, files, compareWith, signal, onProgress }) {
    const settings = estimateSettings();
    const gaussian = { copula: settings.gaussian_copula };
    // The point estimate first, so the card appears at once; then its intervals and p-values.
    const result = await bridge.call('estimateGaussian', { roles, settings, gaussian: { ...gaussian, point_only: true }, title }, { signal, onProgress });
    const entry = addAnalysis({ ...result, files, compareWith });
    if (settings.resamples > 0 || settings.permutations > 0) {
      entry.uncertainty = await bridge.call('gaussianUncertainty', { roles, settings, gaussian }, { signal, onProgress });
      drawResults();
    }
    return entry;
  },
  async batch({ roles, title, files, compareWith, signal, onProgress }) {
    liveLoss.start();
    const settings = estimateSettings();
    const config = batchConfig(settings);
    const result = await bridge.call('estimateBatch', { roles, settings, config, title }, { signal, onProgress });
    const entry = addAnalysis({ ...result, files, compareWith });
    liveLoss.stop();
    await addBatchFloor(entry, { roles, settings, config }, signal, onProgress);
    return entry;
  },
};

/** A finished estimate as a column of a later side-by-side card. */
function sideColumn(entry, estimator) {
  const title = estimator === 'cvx' ? `CVX, ${state.settings.clusters} clusters` : estimatorName(estimator);
  return { estimator, title, pid: entry.pid, uncertainty: entry.uncertainty, fidelity: entry.fidelity, target_encoding: entry.target_encoding, y_binned: entry.report?.y_binned };
}

/** @param {{allowSlow?: boolean} | Event} [options] `allowSlow`: solve a table estimated to be slow (asked first) */
async function estimate(options) {
  const allowSlow = !(options instanceof Event) && options?.allowSlow === true;
  const title = state.files.map((f) => f.summary.name).join(' + ');
  const files = state.files.map((f) => f.summary.name);
  let chosen = estimatorsOf(state.settings.estimator);
  const counts = state.files.find((f) => f.summary.kind === 'counts');
  const needSamples = chosen.filter((e) => e !== 'cvx');
  if (counts && needSamples.length) {
    const names = needSamples.map(estimatorName).join(' and ');
    showBanner(`${names} ${needSamples.length > 1 ? 'need' : 'needs'} samples (one row per observation); ${counts.summary.name} is a counts table, so only CVX can analyse it.`);
    chosen = chosen.filter((e) => e === 'cvx');
    if (!chosen.length) return;
  }
  const sideBySide = chosen.length > 1;
  try {
    await exclusive('estimating', async (signal, onProgress) => {
      await ensureFilesLoaded(signal, onProgress);
      const done = [];
      let cvx = null;
      for (const [i, estimator] of chosen.entries()) {
        const last = i === chosen.length - 1;
        const run = { roles: state.roles, title: sideBySide ? `${title} (${estimatorName(estimator)})` : title, files, allowSlow, compareWith: sideBySide && last ? [...done] : null, signal, onProgress };
        const entry = await RUNS[estimator](run);
        if (estimator === 'cvx') cvx = entry;
        done.push(sideColumn(entry, estimator));
      }
      // Last, so every estimate is on screen before it (it repeats the analysis many times).
      if (cvx) await addSweep(cvx, estimateSettings(allowSlow), signal, onProgress);
    });
    $('results').firstElementChild?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (error) {
    reportError(error, `Could not analyse ${title}`, () => estimate({ allowSlow: true }));
  } finally {
    liveLoss.stop();
  }
}

/**
 * The dataset target's bootstrap intervals and permutation p-values: the rows come from
 * the engine, the replicates are spread over the pool (and the engine), the records summed
 * up at the end. A table of probabilities has no sample size: then nothing is added.
 * @param {EngineValue} entry the analysis on screen, given `uncertainty` when done
 * @param {import('./views/settings.js').Settings} settings
 * @param {AbortSignal} signal
 * @param {(p: object) => void} onProgress
 */
async function addUncertainty(entry, settings, signal, onProgress) {
  if (!(settings.resamples > 0 || settings.permutations > 0)) return;
  let input;
  try {
    // A shared analysis has no rows in the engine: its table of whole counts stands in for them.
    input = entry.shared ? await bridge.call('uncertaintyInputOfTable', { table: entry.table }, { signal }) : await bridge.call('uncertaintyInput', { target: entry.target }, { signal });
  } catch (error) {
    if (error.name === 'AnalysisError' || error.name === 'BoundaryError') return; // probabilities: no sample size
    throw error;
  }
  entry.uncertainty = await replicatesOnPool(input, settings, signal, onProgress, entry.target);
  drawResults();
  // Then each model's prediction Ŷ, from the rows the engine kept for it.
  for (const model of entry.models ?? []) {
    const rows = await bridge.call('uncertaintyInput', { target: model.name }, { signal });
    model.uncertainty = await replicatesOnPool(rows, settings, signal, onProgress, `the model’s ${model.name}`);
    drawResults();
  }
}

/**
 * One target's replicates spread over the pool (and the engine), summed up at the end.
 * @returns {Promise<EngineValue>} the core's Uncertainty
 */
async function replicatesOnPool(input, settings, signal, onProgress, what) {
  const workers = [...uncertaintyPool(), bridge];
  const jobs = await bridge.call('uncertaintyJobs', { settings, pieces: 4 * workers.length }, { signal });
  const total = jobs.reduce((sum, job) => sum + job.end - job.start, 0);
  let done = 0;
  const started = performance.now();
  // The time left is measured on this machine from the replicates done so far.
  const left = () => (done > 0 && done < total ? `, about ${formatDuration(((performance.now() - started) / 1000 / done) * (total - done))} left` : '');
  const report = () => onProgress({ stage: 'uncertainty', message: `Estimating uncertainty of ${what}: ${done} of ${total} replicates${left()}`, fraction: total ? done / total : null });
  report();
  const queue = [...jobs];
  const records = [];
  // Cancel stops every pool worker too (their bridges restart them for the next run).
  const cancelPool = () => {
    for (const worker of workers) worker.cancelAll();
  };
  signal.addEventListener('abort', cancelPool, { once: true });
  try {
    await Promise.all(
      workers.map(async (worker) => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const part = await worker.call('uncertaintyReplicates', { input, settings, job }, { signal });
          records.push(...part);
          done += job.end - job.start;
          report();
        }
      }),
    );
  } finally {
    signal.removeEventListener('abort', cancelPool);
  }
  return bridge.call('uncertaintySummarise', { input, settings, records }, { signal });
}

/**
 * BATCH's bias floor, after its estimate is on screen: the same training on shuffled
 * labels, `config.null_runs` times, one after another in the engine (Cancel stops them).
 * @param {EngineValue} entry
 * @param {{roles: object, settings: object, config: object}} request
 * @param {AbortSignal} signal
 * @param {(p: object) => void} onProgress
 */
async function addBatchFloor(entry, request, signal, onProgress) {
  const nulls = [];
  entry.floorPending = (request.config.null_runs ?? 0) > 0;
  drawResults();
  try {
    for (let index = 0; index < (request.config.null_runs ?? 0); index += 1) {
      const run = await bridge.call('estimateBatchNull', { ...request, index }, { signal, onProgress });
      if (!run) return; // the model's own probabilities: nothing to shuffle
      nulls.push(run);
    }
    if (nulls.length) entry.batchUncertainty = await bridge.call('batchUncertainty', { pid: entry.pid, nulls }, { signal });
  } finally {
    entry.floorPending = false;
    drawResults();
  }
}

/**
 * The fidelity check of a CVX estimate of samples (docs/fidelity.md): classifiers on the
 * continuous features, trained in the engine, set against the table; `null` for a table
 * with nothing clustering could lose. Too few rows: the card says the check was skipped.
 * @param {EngineValue} entry the analysis on screen, given `fidelity` when done
 * @param {import('./views/settings.js').Settings} settings
 * @param {AbortSignal} signal
 * @param {(p: object) => void} onProgress
 */
async function addFidelity(entry, settings, signal, onProgress) {
  if (entry.kind !== 'samples') return;
  onProgress({ stage: 'fidelity', message: "Checking the table's fidelity", fraction: 0 });
  try {
    entry.fidelity = await bridge.call('fidelity', { roles: state.roles, settings, info: entry.info }, { signal, onProgress });
  } catch (error) {
    if (error.name !== 'AnalysisError') throw error;
    entry.fidelity = { skipped: error.message };
  }
  drawResults();
}

/**
 * "How stable is this?": the sensitivity sweep of a CVX estimate of samples (sweepRun.js),
 * each point's replicates over the pool as for the result itself; drawn point by point.
 * @param {EngineValue} entry the analysis on screen, given `sweep`
 * @param {import('./views/settings.js').Settings} settings
 * @param {AbortSignal} signal
 * @param {(p: object) => void} onProgress
 */
async function addSweep(entry, settings, signal, onProgress) {
  if (entry.kind !== 'samples') return;
  // Only the card's sweep section is redrawn: the rest of the card keeps its state.
  const onUpdate = (sweep) => {
    entry.sweep = { ...sweep, axes: sweep.axes.map((a) => ({ ...a, points: [...a.points] })) };
    const slot = document.querySelector(`#results [data-analysis-id="${entry.id}"] .sweep-slot`);
    if (slot) slot.replaceChildren(sweepSlot(entry, state.settings.units));
    else drawResults();
  };
  try {
    await runSweep({ engine: bridge, replicates: replicatesOnPool, roles: state.roles, settings, signal, onProgress, onUpdate });
  } catch (error) {
    if (error.name !== 'AnalysisError') throw error;
    entry.sweep = { error: error.message };
    drawResults();
  }
}

/**
 * The live loss curve under the progress bar while BATCH trains: redrawn at most 4× a
 * second once it has a line (until then at every update, so a short training, early
 * stopping within a quarter second, still shows its curve).
 */
const liveLoss = {
  points: [],
  drawn: 0,
  drawnPoints: 0,
  start() {
    this.points = [];
    this.drawn = 0;
    this.drawnPoints = 0;
    $('loss-live').replaceChildren();
    $('loss-live').hidden = false;
  },
  add(steps) {
    this.points.push(...steps.flatMap(lossPoints));
    const now = performance.now();
    if ((this.drawnPoints >= 2 && now - this.drawn < 250) || !this.points.length) return;
    this.drawn = now;
    this.drawnPoints = this.points.length;
    $('loss-live').replaceChildren(lossCurve(thinned(this.points), { title: 'Training loss, live' }));
  },
  stop() {
    $('loss-live').hidden = true;
    $('loss-live').replaceChildren();
  },
};

function addAnalysis(analysis) {
  const entry = { ...analysis, id: state.nextId++ };
  state.analyses.unshift(entry);
  drawResults();
  // Screen readers hear this line, not the whole card (the card is there to read on demand).
  if (!entry.builtin) $('results-status').textContent = `Result added: ${entry.title}.`;
  return entry;
}

/** The analyses "Compare analyses" draws: the session's own, not the built-in example. */
const compared = () => state.analyses.filter((a) => !a.builtin);

function drawResults() {
  const unit = state.settings.units;
  $('results').replaceChildren(...state.analyses.map((a) => resultCard(a, { unit, share: shareActions(a) })));
  const compare = $('compare');
  if (compared().length < 2 || !$('learn-slot').hidden) {
    compare.hidden = true;
    return;
  }
  compare.hidden = false;
  const rows = [...compared()].reverse().map((a) => ({ name: a.title, pid: a.pid, uncertainty: a.uncertainty }));
  const checked = /** @type {HTMLInputElement | null} */ (compare.querySelector('input[name=compare-mode]:checked'));
  // The radio buttons' values are the modes atomsBar takes (built below).
  const mode = /** @type {'amount' | 'share'} */ (checked?.value ?? 'amount');
  compare.querySelector('.slot').replaceChildren(atomsBar(rows, { unit, mode, title: 'PID profiles of this session’s analyses' }));
}

// ---------- sharing ----------

function shareMeta(analysis) {
  return { title: analysis.title, units: state.settings.units, files: analysis.kind === 'samples' || analysis.kind === 'counts' ? analysis.files ?? [] : [] };
}

function shareActions(analysis) {
  return {
    makeLink: () => bridge.call('shareLink', { analysis: strip(analysis), meta: shareMeta(analysis) }),
    makeFile: () => bridge.call('shareFile', { analysis: strip(analysis), meta: shareMeta(analysis) }),
    // The core's one counts-CSV writer (every cell, zero counts included), as the CLI reads it.
    countsCsv: (table) => bridge.call('countsCsv', { table }),
  };
}

/** What the core needs of an analysis to share it (not the page's own bookkeeping). */
function strip({ id, shared, title, subtitle, files, ...rest }) {
  return rest;
}

/** Opens a `#s=` link: recomputes it in the engine and shows it on top. */
async function openLinkFromLocation(options) {
  const allowSlow = !(options instanceof Event) && options?.allowSlow === true;
  const hash = location.hash;
  if (!hash.startsWith('#s=')) return;
  try {
    await showShared(await bridge.call('openLink', { text: hash.slice(3), allowSlow }));
  } catch (error) {
    reportError(error, 'This share link could not be opened', () => openLinkFromLocation({ allowSlow: true }));
  }
}

async function openAnalysisFiles(files) {
  for (const file of files) {
    try {
      await showShared(await bridge.call('openFile', { file }));
    } catch (error) {
      reportError(error, 'This analysis file could not be opened');
    }
  }
}

/**
 * A shared analysis on top, then its uncertainty: estimated again with the link's
 * settings and checked against the stored figures, or (rows the table cannot stand in
 * for: weighted, a time series) shown as stored and said so.
 * @param {EngineValue} opened
 */
async function showShared(opened) {
  const entry = addAnalysis(opened);
  const { storedUncertainty, uncertaintyUnchecked } = opened.shared;
  if (storedUncertainty && uncertaintyUnchecked) {
    entry.uncertainty = asStoredUncertainty(storedUncertainty, entry);
    drawResults();
    return;
  }
  if (!entry.stats) return; // probabilities: no sample size (the card says so)
  await exclusive('uncertainty', async (signal, onProgress) => {
    await addUncertainty(entry, entry.settings, signal, onProgress);
    if (storedUncertainty && entry.uncertainty) {
      entry.shared.uncertaintyMismatches = await bridge.call('uncertaintyMismatches', { stored: storedUncertainty, recomputed: entry.uncertainty }, { signal });
      drawResults();
    }
  }).catch((error) => reportError(error, 'The shared analysis’s uncertainty could not be estimated'));
}

/** A link's stored figures in the shape the card draws (plug-in values from the recomputed PID). */
function asStoredUncertainty(stored, entry) {
  const terms = Object.fromEntries(META.terms.map(({ key }) => [key, { ...stored[key], plug_in: entry.pid[key] }]));
  const { resamples, permutations, surrogates } = entry.settings;
  return { ...terms, resamples, permutations, surrogates, confidence: META.defaults.confidence, approximate: Boolean(stored.approximate), samples_per_cell: entry.stats ? entry.stats.samples / entry.stats.cells : 0, stored: true };
}

// ---------- learn mode ----------

/** @type {import('./learn/view.js').LearnView | null} */
let learn = null;

/** Shows the analysis view or learn mode; learn mode is built on first visit. */
function showView(name) {
  const learning = name === 'learn';
  $('analyse-panel').hidden = learning;
  $('compare').hidden = learning || compared().length < 2;
  for (const tab of tabs()) {
    const selected = tab.dataset.view === name;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1; // one tab stop for the tab list; arrows move within it
  }
  if (learning && !learn) {
    learn = learnView({
      bridge,
      unit: () => state.settings.units,
      shareControls: (analysis) => shareBox(analysis, shareActions(analysis)),
      renderResult: (analysis) => resultCard({ ...analysis, id: state.nextId++ }, { unit: state.settings.units, share: shareActions(analysis) }),
      report: reportError,
    });
    $('learn-slot').replaceChildren(learn);
    learn.load();
  }
  $('learn-slot').hidden = !learning;
}

// ---------- the page ----------

/** The mode tabs (index.html's tablist). */
const tabs = () => [.../** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('[role=tablist] [role=tab]'))];

function selectTab(tab) {
  showView(tab.dataset.view);
  history.replaceState(null, '', tab.dataset.view === 'learn' ? '#learn' : location.pathname + location.search);
}

/** The ARIA tabs pattern: arrows, Home and End move to a tab and select it. */
function onTabKey(event) {
  const all = tabs();
  const at = all.indexOf(event.currentTarget);
  const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const tab = all[(to + all.length) % all.length];
  tab.focus();
  selectTab(tab);
}

function build() {
  for (const tab of tabs()) {
    tab.addEventListener('click', () => selectTab(tab));
    tab.addEventListener('keydown', onTabKey);
  }
  $('input').replaceChildren(
    h('h2', {}, 'Analyse your data'),
    dropZone(addFiles),
    h('div', { id: 'files' }),
    h('div', { id: 'roles' }),
    h('details', { class: 'settings-box' }, h('summary', {}, 'Settings'), settingsForm(state.settings, onSettings)),
    h(
      'div',
      { class: 'run' },
      h('button', { type: 'button', id: 'run', class: 'primary', disabled: true, onclick: estimate }, 'Estimate PID'),
      h(
        'div',
        { id: 'progress', class: 'progress', hidden: true },
        h('progress', { max: 1, 'aria-label': 'Progress' }),
        h('span', { class: 'stage', role: 'status' }),
        h('button', { type: 'button', id: 'cancel', onclick: () => state.run?.controller.abort() }, 'Cancel'),
      ),
    ),
    h('div', { id: 'loss-live', class: 'loss-live', hidden: true, dataset: { testid: 'loss-live' } }),
  );
  const compare = $('compare');
  compare.replaceChildren(
    h('h2', {}, 'Compare analyses'),
    h(
      'fieldset',
      { class: 'toggle' },
      h('legend', {}, 'Show'),
      ['amount', 'share'].map((mode, i) =>
        h('label', {}, h('input', { type: 'radio', name: 'compare-mode', value: mode, checked: i === 0, onchange: drawResults }), mode === 'amount' ? ' amounts' : ' shares of I(X1,X2;Y)'),
      ),
    ),
    h('div', { class: 'slot' }),
  );
}

function onSettings(settings) {
  const unitsChanged = settings.units !== state.settings.units;
  state.settings = settings;
  if (unitsChanged) drawResults();
}

async function main() {
  build();
  try {
    const [version, example] = await Promise.all([bridge.call('version'), bridge.call('example', { name: 'XOR' })]);
    $('core-version').textContent = `pidscope core ${version}`;
    // The built-in example shows the page at work; it is not one of the user's analyses to compare.
    addAnalysis({ ...example, builtin: true });
    await openLinkFromLocation();
    if (location.hash === '#learn') showView('learn');
    $('results').dataset.ready = 'true';
  } catch (error) {
    reportError(error, 'The built-in example could not be computed');
  }
}

window.addEventListener('hashchange', openLinkFromLocation);
main();
