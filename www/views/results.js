// One analysis as a card: the numbers with their certificate, a plain reading, the
// charts and the exports. Pure view code: it draws what the worker computed.
import { atomsBar } from '../charts/atomsBar.js';
import { historyPoints, lossCurve } from '../charts/lossCurve.js';
import { ATOMS, TERMS } from '../charts/atoms.js';
import { pidDiagram } from '../charts/pidDiagram.js';
import { tableHeatmaps } from '../charts/tableHeatmaps.js';
import { h } from '../dom.js';
import { download, pngBlob, safeName, svgText, toCsv } from '../export.js';
import { formatInfo, fromBits } from '../format.js';
import { between, detectedPid, disagreements, followedEstimator, gaussianRemark, isSignificant, readResult } from '../reading.js';
import { disagreementNote, fidelityNote, shortName } from './checks.js';
import { modelComparison } from './models.js';
import { estimatorName } from './settings.js';
import { sharedCheck, shareBox } from './share.js';
import { sweepSection } from './sweep.js';
import META from '../meta.js';


const isBatch = (analysis) => analysis.kind === 'batch';
const isGaussian = (analysis) => analysis.kind === 'gaussian';
/** Which estimator made an analysis: 'batch', 'gaussian' or 'cvx' (a table, an example, a shared link). */
const estimatorOf = (analysis) => (isBatch(analysis) ? 'batch' : isGaussian(analysis) ? 'gaussian' : 'cvx');

/** The Gaussian estimate's extra quantities: bias-corrected information terms and the solve's measures. */
function gaussianQuantities({ pid, corrected, copula }) {
  return [
    ['copula', copula ? 1 : 0],
    ...TERMS.map((t) => [`${t.key}_corrected`, corrected[t.key]]),
    ...['union_bits', 'iterations', 'last_decrease_bits', 'gradient_norm', 'scalar_gap_bits', 'ridge'].map((key) => [key, pid[key] ?? '']),
  ];
}

/** The quantities exported per PID: BATCH has no certificate but a spread across test batches. */
function quantities(analysis, pid) {
  const base = [...ATOMS, ...TERMS].map((t) => t.key);
  if (isGaussian(analysis)) return [...base.map((key) => [key, pid[key]]), ...gaussianQuantities(analysis)];
  if (!isBatch(analysis)) return base.map((key) => [key, pid[key]]);
  return [
    ...base.map((key) => [key, pid[key]]),
    ['mi_q', pid.mi_q],
    ...ATOMS.map((a) => [`${a.key}_raw`, pid.raw[a.key]]),
    ...[...base, 'mi_q'].map((key) => [`${key}_spread`, pid.spread[key]]),
  ];
}

/** The rows of a results CSV / JSON: every atom and term of every PID in the analysis. */
export function resultRows(analysis) {
  const header = ['analysis', 'target', 'quantity', 'bits'];
  const rows = [];
  for (const [target, pid, u] of pidsOf(analysis)) {
    for (const [key, value] of quantities(analysis, pid)) rows.push([analysis.title, target, key, value]);
    if (estimatorOf(analysis) === 'cvx') rows.push([analysis.title, target, 'certificate_bits', pid.certificate_bits]);
    if (u) {
      for (const key of [...ATOMS, ...TERMS].map((t) => t.key)) {
        const t = u[key];
        if (!t) continue;
        for (const [suffix, value] of [['corrected', t.corrected], ['low', t.low], ['high', t.high], ['p', t.p_value], ['null_mean', t.null_mean]]) rows.push([analysis.title, target, `${key}_${suffix}`, value ?? '']);
      }
    }
  }
  return [header, ...rows];
}

function pidsOf(analysis) {
  return [[analysis.names?.y ?? 'Y', analysis.pid, analysis.uncertainty], ...modelsOf(analysis).map((m) => [`${m.name} (model)`, m.pid, m.uncertainty])];
}

/** The models' PIDs: computed here, or (for a shared analysis) as the link stored them. */
function modelsOf(analysis) {
  const shared = analysis.shared?.storedModel ? [{ name: 'Ŷ, as shared', pid: analysis.shared.storedModel }] : [];
  return [...(analysis.models ?? []), ...shared];
}

/**
 * The side-by-side columns of a card: the estimators that ran before it on the same
 * roles (`compareWith`), then its own; one column alone when it ran by itself.
 * @returns {{estimator: string, title: string, pid: any, uncertainty?: any, fidelity?: any, target_encoding?: string}[]}
 */
function columnsOf(analysis) {
  const own = { estimator: estimatorOf(analysis), title: estimatorName(estimatorOf(analysis)), pid: analysis.pid, uncertainty: analysis.uncertainty, fidelity: analysis.fidelity, target_encoding: analysis.target_encoding, y_binned: analysis.report?.y_binned };
  return [...(analysis.compareWith ?? []), own];
}

/**
 * The atoms and terms; with `compareWith` (the estimators before it, on the same roles)
 * a column each, side by side. BATCH values carry their spread (s.d. across test
 * batches); a Gaussian estimate alone adds its bias-corrected information terms.
 * @param {Map<string, string>} flagged the disagreeing atoms, each with what disagrees
 */
function numbersTable(analysis, unit, flagged = new Map()) {
  const columns = [
    ...(analysis.compareWith ?? []).map((c) => ({ name: c.title, pid: c.pid, prefix: `${c.estimator}-`, spread: c.pid.spread, batches: c.pid.test_batches })),
    { name: analysis.compareWith ? estimatorName(estimatorOf(analysis)) : 'value', pid: analysis.pid, prefix: '', spread: analysis.pid.spread, batches: analysis.pid.test_batches },
  ];
  const gc = isGaussian(analysis) && !analysis.compareWith ? analysis.corrected : null;
  const correctedCell = (key) => (gc?.[key] === undefined ? h('td', {}) : h('td', { class: 'value', dataset: { testid: `gc-${key}`, label: 'bias-corrected' } }, formatInfo(gc[key], unit, 4)));
  // Beside another column, each value names its own (shown on a phone, where the header row is not).
  const labelled = columns.length > 1 || gc;
  const cell = (column, key) =>
    h(
      'td',
      { class: 'value', dataset: labelled ? { testid: `${column.prefix}${key}`, label: gc ? 'plug-in' : column.name } : { testid: `${column.prefix}${key}` } },
      formatInfo(column.pid[key], unit, 4),
      column.spread && column.batches > 1 ? h('span', { class: 'spread', title: 'standard deviation across test batches' }, ` ± ${formatInfo(column.spread[key], unit, 3)}`) : null,
    );
  const u = analysis.uncertainty;
  const bu = analysis.batchUncertainty;
  const atomKeys = new Set(ATOMS.map((a) => a.key));
  // `→ corrected [low, high] p`, muted when the atom is not distinguishable from noise.
  const intervalCell = (t, key, testid, noise, label) => {
    const num = (bits) => fromBits(bits, unit).toFixed(4);
    const interval = t.low === null || t.low === undefined ? '' : ` [${num(t.low)}, ${num(t.high)}]`;
    const p = t.p_value === null || t.p_value === undefined ? '' : ` p = ${t.p_value.toFixed(3)}`;
    return h(
      'td',
      { class: noise ? 'value uncertainty noise' : 'value uncertainty', dataset: { testid, significant: String(!noise), label } },
      `→ ${num(t.corrected)}${interval}${p}`,
      noise ? h('span', { class: 'noise-label' }, 'not distinguishable from noise') : null,
    );
  };
  const uncertaintyCell = (key) => (u?.[key] ? intervalCell(u[key], key, `u-${key}`, atomKeys.has(key) && !isSignificant(u, key), `corrected [${Math.round(u.confidence * 100)}% interval] p`) : h('td', {}));
  // BATCH: minus its shuffled-label floor, with the read-out interval and (20+ runs) a p-value.
  const batchCell = (key) => (bu?.[key] ? intervalCell(bu[key], key, `bu-${key}`, atomKeys.has(key) && bu[key].detected === false, 'minus the shuffled-label floor [read-out interval]') : h('td', {}));
  const row = (key, label, meaning) =>
    h(
      'tr',
      flagged.has(key) ? { class: 'disagree', dataset: { disagree: 'true' }, title: `${flagged.get(key)} disagree beyond their intervals` } : {},
      h('th', { scope: 'row' }, flagged.has(key) ? `≠ ${label}` : label),
      columns.map((c) => cell(c, key)),
      u ? uncertaintyCell(key) : null,
      bu ? batchCell(key) : null,
      gc ? correctedCell(key) : null,
      h('td', {}, meaning),
    );
  return h(
    'table',
    { class: 'terms', 'aria-label': `PID of ${analysis.title}` },
    columns.length > 1 || u || bu || gc
      ? h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, ''),
            columns.map((c) => h('th', { scope: 'col' }, u || gc ? 'plug-in' : c.name)),
            u ? h('th', { scope: 'col' }, `corrected (${unit}) [${Math.round(u.confidence * 100)}% interval] p`) : null,
            bu ? h('th', { scope: 'col' }, `minus the shuffled-label floor (${unit}) [read-out interval]${bu.null_runs >= 20 ? ' p' : ''}`) : null,
            gc ? h('th', { scope: 'col' }, `bias-corrected (${unit})`) : null,
            h('th', {}, ''),
          ),
        )
      : null,
    h('tbody', {}, [...ATOMS.map((a) => row(a.key, `${a.label} (${a.short})`, a.meaning)), ...TERMS.map(({ key, label, meaning }) => row(key, label, meaning))]),
  );
}

/** What a BATCH estimate rests on: splits, epochs, Sinkhorn, and any negative raw atom. */
function batchNote({ pid, config, roles, batchUncertainty, floorPending, estimate_notes: estimateNotes = [] }) {
  const unused = [
    roles?.weight ? `BATCH does not use the weight column ${roles.weight}: every sample counts once.` : null,
    roles?.yhat?.length ? `BATCH does not analyse the Ŷ column${roles.yhat.length > 1 ? 's' : ''} ${roles.yhat.join(', ')}; CVX does.` : null,
  ].filter(Boolean);
  const { train, validation, test } = pid.samples;
  const small = train < config.batch_size;
  const sinkhornOk = pid.sinkhorn_converged >= 0.999;
  return h(
    'div',
    { class: sinkhornOk ? 'certificate' : 'certificate warn', dataset: { testid: 'batch-note' } },
    h(
      'p',
      {},
      `Learned estimate (BATCH): mean over ${pid.test_batches} test batch${pid.test_batches === 1 ? '' : 'es'} of ${test.toLocaleString()} held-out samples ` +
        `${pid.test_batches > 1 ? '(± is the spread across them)' : '(one batch, so no spread across batches)'}; trained on ${train.toLocaleString()} samples, ${validation.toLocaleString()} for early stopping; ` +
        `${pid.epochs} alignment epoch${pid.epochs === 1 ? '' : 's'}${pid.classifiers_trained ? '' : '; the model’s own probabilities from the file stood in for the classifiers'}. ` +
        `Sinkhorn met its tolerance in ${(pid.sinkhorn_converged * 100).toFixed(0)}% of test batches (mean ${pid.sinkhorn_iterations.toFixed(1)} iterations).`,
    ),
    small
      ? h(
          'p',
          { role: 'note', class: 'warn' },
          `⚠ The training split (${train.toLocaleString()} samples) is smaller than one batch (${config.batch_size}): every epoch is a single optimisation step, so the networks are probably undertrained and the atoms too small. Add samples, lower the batch size or raise the epochs.`,
        )
      : null,
    unused.map((text) => h('p', { role: 'note' }, text)),
    estimateNotes.map((text) => h('p', { role: 'note', class: 'warn', dataset: { testid: 'batch-estimate-note' } }, `⚠ ${text}`)),
    batchUncertaintyNote(batchUncertainty, floorPending),
  );
}

/** What BATCH's extra column means, in words (docs/batch.md, "Uncertainty"). */
function batchUncertaintyNote(bu, pending) {
  if (!bu) return null;
  const floor = pending
    ? 'BATCH’s bias floor (the same training with Y shuffled) is being computed; until then the second column subtracts nothing. '
    : bu.null_runs
    ? `The second column subtracts BATCH’s bias floor: the mean of ${bu.null_runs} training${bu.null_runs === 1 ? '' : 's'} with Y shuffled, where every true atom is 0. `
    : 'No shuffled-label run was made (Settings → Shuffled-label runs), so no bias floor is subtracted. ';
  const interval = bu.test_batches > 1
    ? `Its interval is how the read-out varies across the ${bu.test_batches} test batches, given the trained networks: their training noise is not in it, so it is narrower than a confidence interval. `
    : 'There is one test batch, so no interval (more samples, or a smaller batch size, give more). ';
  const test = bu.null_runs >= 20 ? 'p is the share of shuffled-label runs at least as large.' : 'With fewer than 20 shuffled-label runs there is no p-value, so no atom is tested.';
  return h('p', { dataset: { testid: 'batch-uncertainty-note' } }, floor + interval + test);
}

/** What a Gaussian estimate rests on: samples, dimensions, Y's encoding and the solve's convergence measure. */
function gaussianNote({ pid, samples, target_encoding: encoding, columns, copula, uncertainty }) {
  const { dims } = pid;
  const gap = pid.scalar_gap_bits;
  const measure =
    gap !== null && gap !== undefined
      ? `Y is one-dimensional, so the exact union information is max(I1, I2) (Barrett 2015) and the solver's gap to it, ${gap.toExponential(1)} bits, bounds its error`
      : `the union information fell by ${pid.last_decrease_bits.toExponential(1)} bits over the solver's last iterations (stop: ${pid.stop.replace('_', ' ')}); for a multi-dimensional Y there is no certificate`;
  const ok = pid.converged !== false;
  const encoded =
    encoding === 'one_hot'
      ? `Y is a class label, one-hot encoded (${columns.y.length} indicator column${columns.y.length === 1 ? '' : 's'}): the Gaussian model is then only an approximation of its PID; prefer CVX or BATCH for a class.`
      : columns.y.length > 1
        ? `Y is multivariate: ${columns.y.length} numeric target columns (${columns.y.join(', ')}), entering the model as they are.`
        : 'Y is numeric and enters the model as it is.';
  return h(
    'div',
    { class: ok ? 'certificate' : 'certificate warn', dataset: { testid: 'gaussian-note' } },
    h(
      'p',
      {},
      `Exact PID of the Gaussian model fitted to ${samples.toLocaleString()} samples (their covariance; dimensions X1 ${dims.x1}, X2 ${dims.x2}, Y ${dims.y}). ` +
        `${ok ? 'Converged' : 'NOT converged (iteration limit)'} after ${pid.iterations} iterations: ${measure}.`,
    ),
    h('p', { dataset: { testid: 'gaussian-encoding' } }, encoded),
    copula ? h('p', { dataset: { testid: 'gaussian-copula' } }, 'Gaussian copula: every column was replaced by the normal scores of its ranks before the covariance, so this is the PID of a Gaussian copula of the data, unchanged by any strictly increasing transform of a column.') : null,
    h(
      'p',
      {},
      `These are plug-in values of the sample covariance; the bias-corrected column subtracts each information term’s analytic bias (Cai et al. 2015). ${uncertainty ? 'Every term’s interval and p-value are from a parametric bootstrap (below).' : 'Intervals and p-values follow when Settings has resamples or permutations (docs/gaussian.md).'}`,
    ),
    pid.ridge > 0 ? h('p', { role: 'note', class: 'warn', dataset: { testid: 'gaussian-ridge' } }, `⚠ A ridge of ${pid.ridge.toExponential(0)} × the mean variance was added: the features are collinear or duplicated.`) : null,
  );
}

function certificateNote(pid) {
  const cert = pid.certificate_bits;
  const ok = pid.converged !== false && cert <= 1e-6;
  return h(
    'p',
    { class: ok ? 'certificate' : 'certificate warn', dataset: { testid: 'certificate' } },
    ok
      ? `Exact to within ${cert.toExponential(1)} bits (certified by the solver's duality gap; ${pid.iterations} iterations).`
      : `Accuracy only certified to ${Number(cert).toExponential(1)} bits: the solver stopped before reaching its tolerance.`,
  );
}

function uncertaintyNote(u, gaussian = false) {
  if (!u) return null;
  if (gaussian) {
    return h(
      'div',
      { class: 'stats', dataset: { testid: 'uncertainty-note' } },
      h(
        'p',
        {},
        `Corrected values and ${Math.round(u.confidence * 100)}% intervals come from ${u.resamples} parametric bootstrap draws: sample covariances of as many Gaussian rows as the data, from the fitted covariance (Wishart). ` +
          `p compares the value with ${u.permutations} draws of a Gaussian model in which the input concerned (or Y) is independent of the rest, as a shuffle of its rows would make it; an atom's p is also the bootstrap's (the larger of the two).`,
      ),
    );
  }
  const parts = [
    u.stored ? 'As the link stores them: ' : '',
    `Corrected values subtract the bias that noise alone produces (the mean over ${u.permutations} permutation${u.permutations === 1 ? '' : 's'}); ` +
      `intervals are ${Math.round(u.confidence * 100)}% bootstrap intervals over ${u.resamples} resample${u.resamples === 1 ? '' : 's'}; p is the share of ${u.surrogates === 'circular' ? 'circularly shifted' : 'shuffled'} surrogates at least as large.`,
  ];
  return h(
    'div',
    { class: 'stats', dataset: { testid: 'uncertainty-note' } },
    h('p', {}, parts),
    u.approximate ? h('p', { role: 'note', class: 'warn', dataset: { testid: 'approximate' } }, `Intervals approximate (few samples per cell: ${u.samples_per_cell.toFixed(1)}).`) : null,
  );
}

function statsNote(stats, uncertainty) {
  if (!stats) return null;
  const text =
    `${stats.samples.toLocaleString()} samples in ${stats.occupied_cells.toLocaleString()} occupied cells of ${stats.cells.toLocaleString()} ` +
    `(median ${stats.median_samples_per_occupied_cell.toLocaleString()} samples per occupied cell; plug-in bias of I(X1,X2;Y) about ` +
    `${stats.miller_madow_bias_bits.toFixed(3)} bits).`;
  return h(
    'div',
    { class: stats.warning ? 'stats warn' : 'stats', dataset: { testid: 'sample-stats' } },
    h('p', {}, text),
    stats.warning ? h('p', { role: 'note' }, `⚠ ${stats.warning}${uncertainty ? ' The corrected values allow for this bias.' : ''}`) : null,
  );
}

/** What happened to rows and columns on the way to the table (the core's sentences, as the CLI prints them). */
function dataNotes(notes) {
  if (!notes?.length) return null;
  return h('div', { class: 'stats', dataset: { testid: 'data-notes' } }, notes.map((note) => h('p', { role: 'note' }, note)));
}

function chartBlock(figure, baseName) {
  const exportSvg = () => download(`${baseName}.svg`, svgText(figure), 'image/svg+xml');
  const exportPng = async () => download(`${baseName}.png`, await pngBlob(figure));
  return h(
    'div',
    { class: 'chart-block' },
    figure,
    h('div', { class: 'chart-actions' }, h('button', { type: 'button', onclick: exportSvg }, 'SVG'), h('button', { type: 'button', onclick: exportPng }, 'PNG')),
  );
}

/**
 * The card's "How stable is this?" section (views/sweep.js): redrawn alone, in its
 * `.sweep-slot`, as the sweep's points arrive, so the rest of the card (an open share
 * box, a chosen heatmap) stays as it is.
 * @param {import('../bridge.js').EngineValue} analysis
 * @param {import('../format.js').Unit} unit
 */
export function sweepSlot(analysis, unit) {
  return sweepSection(analysis, { unit, block: chartBlock, base: safeName(analysis.title) }) ?? '';
}

/**
 * @param {import('../bridge.js').EngineValue} analysis what the worker returned, plus a `title`
 * @param {{unit?: import('../format.js').Unit, share?: import('./share.js').ShareActions}} [options]
 * @returns {HTMLElement}
 */
export function resultCard(analysis, { unit = 'bits', share } = {}) {
  const base = safeName(analysis.title);
  const names = analysis.names ?? {};
  // Side by side: the atoms any two estimators disagree on, and which one the reading follows.
  const columns = columnsOf(analysis);
  const disagreeing = analysis.compareWith ? disagreements(columns) : [];
  const followed = analysis.compareWith ? followedColumn(columns, disagreeing) : null;
  const source = followed?.column ?? analysis;
  const reading = readResult(source.pid, { x1: names.x1 ?? 'X1', x2: names.x2 ?? 'X2', y: names.y ?? 'Y', hY: analysis.info?.h_y, uncertainty: source.uncertainty });
  if (followed) reading.unshift(...followed.why);
  if (isGaussian(analysis) && analysis.target_encoding === 'one_hot') reading.push('Caution: Y is a class label, so this Gaussian reading is only an approximation (see below).');
  if (analysis.fidelity?.warning) reading.push('Caution: this reading describes the clustered table, which lost information (see the fidelity check below).');
  const bars = analysis.compareWith ? columns.map((c) => ({ name: c.title, pid: c.pid, uncertainty: c.uncertainty })) : [{ name: analysis.title, pid: analysis.pid, uncertainty: analysis.uncertainty }];
  const flagged = new Map();
  for (const d of disagreeing) flagged.set(d.key, [...new Set([...(flagged.get(d.key)?.split(' and ') ?? []), ...d.estimators.map(estimatorName)])].join(' and '));
  const charts = [
    chartBlock(atomsBar(bars, { unit, title: analysis.compareWith ? `${columns.map((c) => estimatorName(c.estimator)).join(', ')}, same roles: ${analysis.title}` : `PID of I(X1,X2;Y): ${analysis.title}` }), `${base}-pid-bar`),
    chartBlock(pidDiagram(detectedPid(analysis.pid, analysis.uncertainty), { unit, uncertainty: analysis.uncertainty }), `${base}-pid-diagram`),
  ];
  const models = modelsOf(analysis);
  const modelView = models.length ? modelComparison(analysis, models, { unit, block: chartBlock, base }) : null;
  if (modelView) charts.push(modelView.chart);
  const heatmapSlot = h('div', { class: 'heatmap-slot' });
  const drawHeatmap = (which) => {
    const values = which === 'q*' ? analysis.pid.q_star : analysis.table.p;
    const title = which === 'q*' ? 'Optimal coupling q*(x1, x2, y)' : 'Joint distribution p(x1, x2, y)';
    heatmapSlot.replaceChildren(chartBlock(tableHeatmaps({ ...analysis.table, values }, { title, which }), `${base}-${which === 'q*' ? 'qstar' : 'p'}-heatmap`));
  };
  const toggle = h(
    'fieldset',
    { class: 'toggle' },
    h('legend', {}, 'Heatmap shows'),
    ['p', 'q*'].map((which, i) =>
      h('label', {}, h('input', { type: 'radio', name: `heat-${analysis.id}`, value: which, checked: i === 0, onchange: () => drawHeatmap(which) }), which === 'p' ? ' the data p' : ' the optimum q*'),
    ),
  );
  if (analysis.table && analysis.table.p.length <= 60_000) {
    drawHeatmap('p');
    charts.push(h('div', {}, analysis.pid.q_star ? toggle : null, heatmapSlot));
  }
  if (isBatch(analysis)) charts.push(chartBlock(lossCurve(historyPoints(analysis.pid.history), { title: 'Training and validation loss per epoch' }), `${base}-loss`));
  const exports = h(
    'div',
    { class: 'exports' },
    h('span', {}, 'Download: '),
    h('button', { type: 'button', onclick: () => download(`${base}.json`, JSON.stringify(exportJson(analysis), null, 2), 'application/json') }, 'results JSON'),
    h('button', { type: 'button', onclick: () => download(`${base}.csv`, toCsv(resultRows(analysis)), 'text/csv') }, 'results CSV'),
    analysis.table && share?.countsCsv ? h('button', { type: 'button', onclick: async () => download(`${base}-counts.csv`, await share.countsCsv(analysis.table), 'text/csv') }, 'counts table CSV') : null,
  );
  return h(
    'article',
    { class: 'card result', dataset: { testid: 'result', analysisId: analysis.id }, 'aria-label': `Result: ${analysis.title}` },
    h('h2', {}, analysis.title),
    analysis.subtitle ? h('p', { class: 'status' }, analysis.subtitle) : null,
    sharedCheck(analysis.shared),
    h('div', { class: 'reading', dataset: { testid: 'reading' } }, reading.map((s) => h('p', {}, s))),
    h('div', { class: 'terms-scroll' }, numbersTable(analysis, unit, flagged)),
    analysis.compareWith ? disagreementNote(disagreeing, columns, unit) : null,
    { batch: () => batchNote(analysis), gaussian: () => gaussianNote(analysis), cvx: () => certificateNote(analysis.pid) }[estimatorOf(analysis)](),
    analysis.preprocessing ? h('p', { class: 'status', dataset: { testid: 'preprocessing' } }, `Discretised: ${analysis.preprocessing}.`) : null,
    statsNote(analysis.stats, analysis.uncertainty),
    dataNotes(analysis.notes),
    uncertaintyNote(analysis.uncertainty, isGaussian(analysis)),
    estimatorOf(analysis) === 'cvx' && !analysis.stats ? h('p', { class: 'stats', dataset: { testid: 'no-sample-size' } }, `No intervals or p-values: ${META.messages.no_sample_size}.`) : null,
    fidelityNote(analysis.fidelity, unit),
    modelView?.section,
    h('div', { class: 'charts' }, charts),
    h('div', { class: 'sweep-slot' }, sweepSlot(analysis, unit)),
    exports,
    estimatorOf(analysis) !== 'cvx'
      ? h('p', { class: 'help', dataset: { testid: 'batch-share' } }, `A ${estimatorName(estimatorOf(analysis))} result cannot be shared as a link: it is computed from your samples, which never leave this browser. Download the results JSON to pass it on.`)
      : share
        ? shareBox(analysis, share)
        : null,
  );
}

/**
 * Which column a side-by-side reading follows, and why: between CVX and BATCH as
 * {@link followedEstimator} decides; the Gaussian column is remarked on, never followed
 * while another is there ({@link gaussianRemark}).
 * @returns {{column: any, why: string[]}}
 */
function followedColumn(columns, disagreeing) {
  const of = (estimator) => columns.find((c) => c.estimator === estimator);
  const [cvx, batch, gaussian] = ['cvx', 'batch', 'gaussian'].map(of);
  const choice = cvx && batch ? followedEstimator(cvx.fidelity, between(disagreeing, 'cvx', 'batch'), shortName) : null;
  const column = choice ? of(choice.estimator) : columns.find((c) => c.estimator !== 'gaussian') ?? columns[columns.length - 1];
  const why = choice ? [choice.why] : [`This reading follows ${estimatorName(column.estimator)}.`];
  if (gaussian && column !== gaussian) why.push(gaussianRemark(gaussian, column, disagreeing, shortName, estimatorName));
  return { column, why };
}

/** What the JSON export holds: the numbers, the settings, the table; never raw rows. */
export function exportJson(analysis) {
  const { id, shared, ...rest } = analysis;
  return { format: 'pidscope-results', version: 1, ...rest };
}
