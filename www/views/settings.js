// Estimator settings with sensible defaults and a one-line explanation each.
import { h } from '../dom.js';
import META from '../meta.js';

/**
 * One of the core's estimators (src/meta.rs `Estimator`: META.estimators), or a set of
 * them side by side: 'both' (CVX and BATCH) or 'all' (CVX, Gaussian and BATCH).
 * @typedef {'cvx' | 'batch' | 'gaussian' | 'both' | 'all'} Estimator
 */

/**
 * The page's settings: meta.json's defaults, whose enum names the JSON types as strings,
 * narrowed to the values the core writes (src/meta.rs `Estimator`, `Units`).
 * @typedef {typeof META.defaults & {estimator: Estimator, units: import('../format.js').Unit}} Settings
 */

/**
 * The core's defaults (src/meta.rs): CVX's are the paper's clustering, BATCH's its training settings.
 * @type {Settings}
 */
export const DEFAULT_SETTINGS = /** @type {Settings} */ ({ ...META.defaults });

/**
 * The BATCH settings the core takes (`BatchConfig`; the rest keep the paper's values).
 * @param {Settings} settings
 */
export function batchConfig(settings) {
  const { batch_size, alignment_epochs, classifier_epochs, learning_rate, seed, batch_null_runs: null_runs } = settings;
  return { batch_size, alignment_epochs, classifier_epochs, learning_rate, seed, null_runs };
}

const integer = (text) => (/^\s*\d+\s*$/.test(text) ? Number.parseInt(text, 10) : NaN);

const { limits } = META;
const { defaults } = META;
// [key, label, min, max, help, parse, step]: bounds from the core, words the page's own.
const spec = (key, label, help, parse, step) => [key, label, limits[key].min, limits[key].max, help, parse, step];
const CVX_FIELDS = [
  spec('clusters', 'Clusters per modality', `Numeric features of each modality are grouped into this many clusters (k-means) before the exact PID (default ${defaults.clusters}).`),
  spec('pca', 'PCA components', `Features are standardised (or, with the paper’s settings, each row L2-normalised) and reduced to this many principal components before clustering (default ${defaults.pca}).`),
];
// The discretisation presets (src/meta.rs `Preset`), with what each sets; 'default' is the core's defaults.
const PAPER = META.presets.find((p) => p.preset === 'paper');
const DISCRETISATIONS = [
  ['default', `pidscope’s: each feature standardised (PCA ${defaults.pca}, K = ${defaults.clusters})`],
  ['paper', `paper’s settings: each row L2-normalised, PCA ${PAPER.pca}, K = ${PAPER.clusters}, best of ${PAPER.restarts} k-means runs`],
];
/** What choosing a discretisation sets. @param {string} choice */
const discretisation = (choice) => {
  const { normalisation, pca, clusters, restarts } = choice === 'paper' ? PAPER : defaults;
  return { normalisation, pca, clusters, restarts };
};
const Y_BINS = spec('y_bins', 'Y bins', `A scalar Y (a measurement, not a class) is cut into this many quantile bins of about equal counts for CVX and BATCH (default ${defaults.y_bins}).`);
const TARGET_KINDS = [
  ['auto', 'decide from its values'],
  ['class', 'a class label (every value a class)'],
  ['scalar', 'a scalar (cut into bins)'],
];
const SEED = spec('seed', 'Seed', 'Fixes the random starts (the clustering; BATCH’s split, initialisation and shuffles): the same seed gives the same result.');
const BATCH_FIELDS = [
  spec('batch_size', 'Batch size', `Samples per mini-batch m; the learned coupling pairs every sample of a batch with every other (default ${defaults.batch_size}).`),
  spec('classifier_epochs', 'Classifier epochs', `Training epochs of the three classifiers p̂(y|x1), p̂(y|x2), p̂(y|x1,x2) (default ${defaults.classifier_epochs}; early stopping may end sooner).`),
  spec('alignment_epochs', 'Alignment epochs', `Training epochs of the alignment model that learns q̃ (default ${defaults.alignment_epochs}; early stopping may end sooner).`),
  spec('learning_rate', 'Learning rate', `Adam’s step size for every model (default ${defaults.learning_rate}).`, Number, 'any'),
  spec('batch_null_runs', 'Shuffled-label runs', `BATCH trained again with Y shuffled, after the estimate is shown: their mean is BATCH’s bias floor, subtracted from each atom; 20 or more give each atom a p-value. Each run costs one more training (default ${defaults.batch_null_runs}; 0 turns it off).`),
];

const UNCERTAINTY_FIELDS = [
  spec('resamples', 'Resamples', `Bootstrap resamples of the rows behind each interval (default ${defaults.resamples}; 0 turns the intervals off). More take longer.`),
  spec('permutations', 'Permutations', `Surrogate datasets with the link to Y broken: their mean is the bias subtracted from each atom, and the share as large as the observed one is its p-value (default ${defaults.permutations}; 0 turns it off).`),
];

// The core's estimators (META.estimators) with the page's words, then the side-by-side sets.
const WORDS = {
  cvx: ['CVX', 'exact PID of the clustered features'],
  batch: ['BATCH', 'neural estimate on the continuous features (slower; trains in your browser)'],
  gaussian: ['Gaussian', 'exact PID of a Gaussian model of the features and Y, from their covariance (fast; a scalar Y as it is)'],
};
/** The estimators each choice runs, in the order they run: the last one's card shows every column. */
const SETS = {
  ...Object.fromEntries(META.estimators.map((e) => [e, [e]])),
  both: ['cvx', 'batch'],
  all: ['cvx', 'gaussian', 'batch'],
};
const ESTIMATORS = [
  ...META.estimators.map((e) => [e, ...WORDS[e]]),
  ['both', 'Both, side by side (CVX and BATCH)', 'CVX, then BATCH on the same roles'],
  ['all', 'All three, side by side (CVX, Gaussian, BATCH)', 'CVX, then the Gaussian estimator, then BATCH on the same roles'],
];

/**
 * The core's estimators a choice runs, in order.
 * @param {Estimator} choice
 * @returns {('cvx' | 'batch' | 'gaussian')[]}
 */
export const estimatorsOf = (choice) => SETS[choice] ?? ['cvx'];

/** An estimator's name on the page. @param {string} estimator */
export const estimatorName = (estimator) => WORDS[estimator]?.[0] ?? estimator;

/** A number input that accepts only valid values: `set(value)` after each, else it reverts to `get()`. */
function numberField(get, set, [key, label, min, max, help, parse = integer, step = 1]) {
  const input = h('input', { type: 'number', id: `setting-${key}`, min, max, step, value: get(), 'aria-describedby': `help-${key}`, inputmode: step === 1 ? 'numeric' : 'decimal' });
  input.addEventListener('change', () => {
    const value = parse(input.value);
    if (Number.isFinite(value) && value >= min && value <= max) set(value);
    else input.value = get();
  });
  return h('div', { class: 'field' }, h('label', { for: `setting-${key}` }, label), input, h('p', { class: 'help', id: `help-${key}` }, help));
}

function radioGroup(legend, name, options, current, onPick, help) {
  return h(
    'fieldset',
    { class: 'field' },
    h('legend', {}, legend),
    options.map(([value, label, hint]) =>
      h('label', { title: hint ?? '' }, h('input', { type: 'radio', name, value, checked: current === value, onchange: () => onPick(value) }), ` ${label}`),
    ),
    h('p', { class: 'help' }, help),
  );
}

/**
 * The settings form; `onChange(settings)` after every valid edit.
 * @param {Settings} settings
 * @param {(settings: Settings) => void} onChange
 */
export function settingsForm(settings, onChange) {
  // Each edit starts from the latest settings, so edits of different fields add up.
  let current = settings;
  const change = (next) => {
    current = next;
    onChange(next);
  };
  const field = (spec) => numberField(() => current[spec[0]], (value) => change({ ...current, [spec[0]]: value }), spec);
  const usesBatch = (choice) => estimatorsOf(choice).includes('batch');
  const usesGaussian = (choice) => estimatorsOf(choice).includes('gaussian');
  const copula = h('input', { type: 'checkbox', id: 'setting-gaussian_copula', checked: settings.gaussian_copula, 'aria-describedby': 'help-gaussian_copula', onchange: () => change({ ...current, gaussian_copula: copula.checked }) });
  const gaussianGroup = h(
    'fieldset',
    { class: 'group', id: 'gaussian-settings', hidden: !usesGaussian(settings.estimator) },
    h('legend', {}, 'Gaussian'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'setting-gaussian_copula' }, copula, ' Gaussian copula'),
      h('p', { class: 'help', id: 'help-gaussian_copula' }, 'Replaces every column by the normal scores of its ranks (ties at their average rank) before the covariance: the result no longer depends on any strictly increasing transform of a column, so heavy tails or skew do not mislead the Gaussian model (off by default).'),
    ),
  );
  const batchGroup = h('fieldset', { class: 'group', id: 'batch-settings', hidden: !usesBatch(settings.estimator) }, h('legend', {}, 'BATCH (neural estimator)'), BATCH_FIELDS.map(field));
  const estimator = radioGroup(
    'Estimator',
    'estimator',
    ESTIMATORS,
    settings.estimator,
    (value) => {
      batchGroup.hidden = !usesBatch(value);
      gaussianGroup.hidden = !usesGaussian(value);
      change({ ...current, estimator: value });
    },
    'CVX clusters each modality and computes the exact PID of the table; BATCH learns the PID from the continuous features with small neural networks (Liang et al. 2023), and takes longer; Gaussian computes the exact PID of the Gaussian model fitted to the samples (their covariance), which sees only linear relations, and uses a scalar Y as it is.',
  );
  const units = radioGroup('Units', 'units', [['bits', 'bits'], ['nats', 'nats']], settings.units, (unit) => change({ ...current, units: unit }), 'Bits use log base 2 (the paper’s convention); nats use the natural log.');
  const surrogates = radioGroup(
    'Rows are',
    'surrogates',
    [
      ['shuffle', 'independent samples (shuffle)'],
      ['circular', 'a time series (circular shifts)'],
    ],
    settings.surrogates,
    (value) => change({ ...current, surrogates: value }),
    'How noise is imitated: shuffling rows breaks every dependence, right for independent samples; circular shifts keep each series’ own autocorrelation, right for rows in time order.',
  );
  const target = radioGroup(
    'A numeric Y is',
    'target_kind',
    TARGET_KINDS,
    settings.target_kind,
    (value) => change({ ...current, target_kind: value }),
    `Decided from its values: a class when it has at most ${defaults.y_class_max_distinct} distinct values, or only whole numbers and at most ${defaults.y_integer_class_max_distinct}; otherwise a scalar. The card says which was used.`,
  );
  const cvxFields = CVX_FIELDS.map(field);
  const preprocessing = radioGroup(
    'Discretisation',
    'discretisation',
    DISCRETISATIONS,
    settings.normalisation === PAPER.normalisation ? 'paper' : 'default',
    (choice) => {
      const next = { ...current, ...discretisation(choice) };
      // The number fields show what the choice set (they can still be edited after it).
      for (const key of /** @type {const} */ (['clusters', 'pca'])) {
        const input = /** @type {HTMLInputElement | undefined} */ (cvxFields.map((div) => div.querySelector(`#setting-${key}`)).find(Boolean));
        if (input) input.value = String(next[key]);
      }
      change(next);
    },
    `The paper’s released code L2-normalises each sample’s features (scikit-learn’s normalize) before PCA, keeps ${PAPER.pca} components and the best of ${PAPER.restarts} k-means runs; pidscope’s default standardises each feature instead, which does not depend on the features’ units. An explicit number below, typed after the choice, wins. The card says which was used.`,
  );
  const targetGroup = h('fieldset', { class: 'group', id: 'target-settings' }, h('legend', {}, 'Target Y'), target, field(Y_BINS));
  const uncertaintyGroup = h('fieldset', { class: 'group', id: 'uncertainty-settings' }, h('legend', {}, 'Uncertainty (CVX)'), UNCERTAINTY_FIELDS.map(field), surrogates);
  return h('div', { class: 'settings' }, estimator, h('fieldset', { class: 'group' }, h('legend', {}, 'CVX (clustering)'), preprocessing, cvxFields), targetGroup, uncertaintyGroup, gaussianGroup, batchGroup, field(SEED), units);
}
