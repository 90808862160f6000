// A plain-language reading of a PID result, in one or two sentences. It follows the
// paper's finding: removing a modality costs in proportion to its uniqueness, and
// where uniqueness is tiny, synergy predicts the cost (Liang et al. 2023, §5).

import META from './meta.js';

const pct = (x) => `${Math.round(x * 100)}%`;

/** Atoms with a p-value at or above this are not distinguishable from noise (the core's level). */
export const SIGNIFICANCE = META.defaults.significance_level;

const ATOM_KEYS = META.terms.filter((t) => t.atom).map((t) => t.key);

/**
 * Whether an atom is distinguishable from noise: true without a p-value (no test was run).
 * @param {any} uncertainty the core's Uncertainty, or null
 * @param {string} key
 */
export function isSignificant(uncertainty, key) {
  const p = uncertainty?.[key]?.p_value;
  return p === null || p === undefined || p < SIGNIFICANCE;
}

/**
 * The atoms the reading and the shares use: with uncertainty, the bias-corrected values of
 * the significant atoms only (the others count as 0); without, the plug-in values.
 * @param {{redundancy:number, unique1:number, unique2:number, synergy:number}} pid
 * @param {any} [uncertainty]
 */
export function atomsForReading(pid, uncertainty) {
  if (!uncertainty) return pid;
  return Object.fromEntries(ATOM_KEYS.map((k) => [k, isSignificant(uncertainty, k) ? Math.max(0, uncertainty[k]?.corrected ?? pid[k]) : 0]));
}

/**
 * What was detected, as a whole PID for the charts: the atoms of [`atomsForReading`] and the
 * information terms they add up to, so noise draws as (almost) nothing, not as plug-in bias.
 * @param {{redundancy:number, unique1:number, unique2:number, synergy:number}} pid
 * @param {any} [uncertainty]
 */
export function detectedPid(pid, uncertainty) {
  if (!uncertainty) return pid;
  const a = atomsForReading(pid, uncertainty);
  return { ...pid, ...a, mi_x1_y: a.redundancy + a.unique1, mi_x2_y: a.redundancy + a.unique2, mi_joint: a.redundancy + a.unique1 + a.unique2 + a.synergy };
}

/**
 * @param {{redundancy:number, unique1:number, unique2:number, synergy:number, mi_joint:number}} rawPid in bits (plug-in)
 * @param {{x1?: string, x2?: string, y?: string, hY?: number, uncertainty?: any}} names display names; hY = H(Y) in bits if known;
 *   uncertainty = the core's Uncertainty, when it was estimated
 * @returns {string[]} one or two sentences
 */
export function readResult(rawPid, { x1 = 'X1', x2 = 'X2', y = 'Y', hY, uncertainty } = {}) {
  if (uncertainty && ATOM_KEYS.every((k) => !isSignificant(uncertainty, k))) {
    return [`No information about ${y} was detected: no atom is distinguishable from noise (permutation p ≥ ${SIGNIFICANCE}), so ${x1} and ${x2} may say nothing about ${y}.`];
  }
  const pid = atomsForReading(rawPid, uncertainty);
  const atoms = {
    redundancy: Math.max(0, pid.redundancy),
    unique1: Math.max(0, pid.unique1),
    unique2: Math.max(0, pid.unique2),
    synergy: Math.max(0, pid.synergy),
  };
  const total = atoms.redundancy + atoms.unique1 + atoms.unique2 + atoms.synergy;
  const negligible = total < 1e-3 || (hY !== undefined && total < 0.01 * hY);
  if (negligible) {
    return [`${x1} and ${x2} together say next to nothing about ${y} (${total.toFixed(3)} bits): there is little to decompose.`];
  }
  const share = Object.fromEntries(Object.entries(atoms).map(([k, v]) => [k, v / total]));
  const [top] = Object.entries(share).sort((a, b) => b[1] - a[1]);
  // "Most" only for a majority; a plurality is "the largest part".
  const lead = top[1] > 0.5 ? 'Most of' : 'The largest part of';
  const headline = {
    redundancy: `${lead} what ${x1} and ${x2} say about ${y} is redundant (${pct(share.redundancy)}): either one alone tells it.`,
    unique1: `${lead} what ${x1} and ${x2} say about ${y} comes from ${x1} alone (${pct(share.unique1)} unique to ${x1}).`,
    unique2: `${lead} what ${x1} and ${x2} say about ${y} comes from ${x2} alone (${pct(share.unique2)} unique to ${x2}).`,
    synergy: `${lead} what ${x1} and ${x2} say about ${y} is synergistic (${pct(share.synergy)}): it appears only when both are seen together.`,
  }[top[0]];
  const small = 0.05;
  const costOfLosing = (name, other, unique) => {
    if (share[unique] >= small) return `losing ${name} would cost at least its ${pct(share[unique])} unique share`;
    if (share.synergy >= small) return `${name} adds little on its own, but losing it would also lose the ${pct(share.synergy)} that is synergy`;
    return `most of what ${name} says is also in ${other}, so losing ${name} should cost little`;
  };
  if (share.unique1 < small && share.unique2 < small) {
    // The same holds for both inputs: say it once.
    const second =
      share.synergy >= small
        ? `Neither ${x1} nor ${x2} adds much on its own, but losing either would also lose the ${pct(share.synergy)} that is synergy.`
        : `Each of ${x1} and ${x2} says what the other says, so losing either one should cost little.`;
    return [headline, second];
  }
  const second = `${capitalize(costOfLosing(x2, x1, 'unique2'))}; ${costOfLosing(x1, x2, 'unique1')}.`;
  return [headline, second];
}

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** BATCH's interval is its value ± this many spreads; smaller differences are never flagged (the core's meta). */
const DISAGREEMENT_SPREADS = META.defaults.disagreement_spreads;
const DISAGREEMENT_MIN_BITS = META.defaults.disagreement_min_bits;

/**
 * A side-by-side column's value of an atom and the range the disagreement check allows
 * it: BATCH its value ± DISAGREEMENT_SPREADS standard deviations across test batches;
 * CVX its bootstrap interval of the corrected value, or its plug-in value (a point)
 * without one; the Gaussian estimator its bootstrap interval likewise, or its plug-in value
 * (a point) without resamples.
 * `interval` says whether the range comes from a measure of noise.
 * @param {{estimator: string, pid: any, uncertainty?: any}} column
 * @param {string} key
 * @returns {{value: number, range: number[], interval: boolean}}
 */
export function atomRange(column, key) {
  const value = column.pid[key];
  if (column.estimator === 'batch') {
    const s = DISAGREEMENT_SPREADS * (column.pid.spread?.[key] ?? 0);
    return { value, range: [value - s, value + s], interval: true };
  }
  const u = column.uncertainty?.[key];
  if (u && u.low !== null && u.low !== undefined) return { value: u.corrected, range: [u.low, u.high], interval: true };
  return { value, range: [value, value], interval: false };
}

/**
 * The atoms on which two side-by-side columns disagree beyond their intervals: their
 * ranges ({@link atomRange}) do not overlap and their values differ by more than
 * DISAGREEMENT_MIN_BITS. Every pair of columns is checked, except a pair of which
 * neither has an interval of its own making (the Gaussian beside a CVX run without
 * resamples): nothing then says how far apart noise could put two points. BATCH's
 * spread counts as an interval even when it is 0 (one test batch), as it always has.
 * @param {{estimator: string, title: string, pid: any, uncertainty?: any}[]} columns
 * @returns {{key: string, estimators: string[], titles: string[], values: number[], ranges: number[][]}[]}
 */
export function disagreements(columns) {
  const out = [];
  const hasIntervals = (c) => c.estimator === 'batch' || ATOM_KEYS.some((k) => atomRange(c, k).interval);
  for (const [i, a] of columns.entries()) {
    for (const b of columns.slice(i + 1)) {
      if (!hasIntervals(a) && !hasIntervals(b)) continue;
      for (const key of ATOM_KEYS) {
        const ra = atomRange(a, key);
        const rb = atomRange(b, key);
        const apart = ra.range[1] < rb.range[0] || rb.range[1] < ra.range[0];
        if (apart && Math.abs(ra.value - rb.value) > DISAGREEMENT_MIN_BITS) {
          out.push({ key, estimators: [a.estimator, b.estimator], titles: [a.title, b.title], values: [ra.value, rb.value], ranges: [ra.range, rb.range] });
        }
      }
    }
  }
  return out;
}

/** The disagreements between two estimators, in either order. */
export const between = (disagreeing, one, other) => disagreeing.filter((d) => d.estimators.includes(one) && d.estimators.includes(other) && one !== other);

/**
 * What a side-by-side reading says of the Gaussian column, beside the column it
 * follows: whether the two differ, and that a class label makes the Gaussian model an
 * approximation. The reading never follows the Gaussian column when CVX or BATCH is
 * there: it sees only the linear-Gaussian part of the relation, which no check on the
 * page tests (its intervals, when it has them, are those of the Gaussian model).
 * @param {{estimator: string, pid: any, uncertainty?: any, target_encoding?: string, y_binned?: {bins: number}}} gaussian the Gaussian column
 * @param {{estimator: string, title: string, pid: any, uncertainty?: any}} followed the column the reading follows
 * @param {ReturnType<typeof disagreements>} disagreeing
 * @param {(key: string) => string} short
 * @param {(estimator: string) => string} name an estimator's name on the page
 * @returns {string}
 */
export function gaussianRemark(gaussian, followed, disagreeing, short, name) {
  const other = name(followed.estimator);
  const apart = between(disagreeing, 'gaussian', followed.estimator);
  const own = ATOM_KEYS.some((k) => atomRange(gaussian, k).interval);
  const hasInterval = own || followed.estimator === 'batch' || ATOM_KEYS.some((k) => atomRange(followed, k).interval);
  const whose = own ? 'their intervals' : `${other}'s interval (the Gaussian has none without resamples)`;
  const base = !hasInterval
    ? `The Gaussian column is not checked against ${other}: neither has an interval here (both come with resamples).`
    : apart.length
      ? `The Gaussian column differs from ${other} on ${apart.map((d) => short(d.key)).join(', ')} beyond ${whose}: it is exact only for a Gaussian model of the data, which sees only the linear part of the relation.`
      : `The Gaussian column agrees with ${other} within ${whose}.`;
  if (gaussian.target_encoding === 'one_hot') return `${base} Y is a class label, so the Gaussian model of it is only an approximation.`;
  // A scalar Y: CVX and BATCH see it cut into bins, which loses information the Gaussian column keeps.
  if (gaussian.y_binned) return `${base} It also sees Y's values as they are, where CVX and BATCH see Y cut into ${gaussian.y_binned.bins} bins, so its information terms can be larger.`;
  return base;
}

/**
 * Which estimator a side-by-side reading follows, and why, in one sentence.
 * The table's fidelity decides: a table that lost information (the fidelity warning) is
 * not a guide, so BATCH; a faithful table with a disagreement, CVX (exact on it); agreement
 * or no check, BATCH (it sees the continuous features), saying which.
 * @param {any} fidelity the CVX table's fidelity check, or null
 * @param {{key: string}[]} disagreeing from {@link disagreements}
 * @param {(key: string) => string} short an atom's short name (R, U1, U2, S)
 * @returns {{estimator: 'cvx' | 'batch', why: string}}
 */
export function followedEstimator(fidelity, disagreeing, short) {
  const names = disagreeing.map((d) => short(d.key)).join(', ');
  const checked = fidelity && !fidelity.skipped && fidelity.classifier_bits !== undefined;
  if (checked && fidelity.warning) {
    const kept = fidelity.retained === null || fidelity.retained === undefined ? '' : ` (it keeps ${pct(fidelity.retained)} of what classifiers find in the features)`;
    return { estimator: 'batch', why: `This reading follows BATCH: the clustered table CVX solved lost information${kept}${disagreeing.length ? `, and the two disagree on ${names}` : ''}.` };
  }
  if (disagreeing.length && checked) {
    return { estimator: 'cvx', why: `This reading follows CVX: the two disagree on ${names}, and the fidelity check found the table keeps what the features carry, so CVX's exact answer on it is the better guide (BATCH's networks may be under-trained).` };
  }
  if (disagreeing.length) {
    return { estimator: 'batch', why: `This reading follows BATCH, which sees the continuous features; CVX and BATCH disagree on ${names} beyond their intervals and no fidelity check says which to trust.` };
  }
  return { estimator: 'batch', why: 'This reading follows BATCH; CVX and BATCH agree within their intervals.' };
}

/** A model's share of an atom must fall below this fraction of the data's to count as "far below". */
const FAR_BELOW = 0.5;
/** A model's unique share of one input must exceed the data's by this much (of its total) to count as leaning on it. */
const LEANS_BY = 0.2;
/** The data's synergy share below which a model's lack of synergy says nothing. */
const SOME_SYNERGY = 0.1;

/**
 * An atom's share of its PID's total, as a point and a range: with uncertainty, the corrected
 * value of a significant atom (0 otherwise, as in {@link atomsForReading}) and its interval,
 * both divided by the total of the corrected significant atoms; without, the plug-in share.
 */
function shareOf(pid, uncertainty) {
  const atoms = atomsForReading(pid, uncertainty);
  const total = ATOM_KEYS.reduce((s, k) => s + Math.max(0, atoms[k]), 0);
  const out = {};
  for (const k of ATOM_KEYS) {
    const v = total > 0 ? Math.max(0, atoms[k]) / total : 0;
    const t = uncertainty?.[k];
    const hasInterval = total > 0 && t && t.low !== null && t.low !== undefined;
    out[k] = { share: v, range: hasInterval ? [Math.max(0, t.low) / total, Math.max(0, t.high) / total] : [v, v] };
  }
  return { total, atoms: out };
}

/**
 * How a model's PID (of its predictions Ŷ) differs from the dataset's (of the true Y), in
 * sentences. The profiles are compared as shares of each one's I(X1,X2;·), so a model that
 * carries less information overall is not penalised for it. The intended use: a model whose
 * synergy share is far below the data's probably relies on one modality or a shortcut and may
 * break under distribution shift; one whose unique share of an input far exceeds the data's
 * leans on that input. A difference is only called when the intervals (when there are any)
 * do not overlap; otherwise the sentence says the intervals do not support it.
 * @param {any} data {pid, uncertainty?} the dataset's PID of Y
 * @param {any} model {pid, uncertainty?, name} the model's PID of Ŷ
 * @param {{x1?: string, x2?: string, y?: string}} [names]
 * @returns {string[]}
 */
export function compareModel(data, model, { x1 = 'X1', x2 = 'X2', y = 'Y' } = {}) {
  const name = `The model (${model.name})`;
  const d = shareOf(data.pid, data.uncertainty);
  const m = shareOf(model.pid, model.uncertainty);
  if (m.total < 1e-3) return [`${name}’s predictions are nearly constant (I(${x1},${x2};Ŷ) = ${m.total.toFixed(3)} bits): there is no profile to compare with the data’s.`];
  if (d.total < 1e-3) return [`${x1} and ${x2} say next to nothing about ${y}, so there is no profile of the data to compare the model with.`];
  const apart = (a, b) => a.range[1] < b.range[0] || b.range[1] < a.range[0];
  const out = [];
  const unsupported = [];
  const sd = d.atoms.synergy;
  const sm = m.atoms.synergy;
  if (sd.share >= SOME_SYNERGY && sm.share <= FAR_BELOW * sd.share) {
    if (apart(sm, sd)) {
      out.push(`${name} has far less synergy than the data: ${pct(sm.share)} of its information against ${pct(sd.share)} of what ${x1} and ${x2} say about ${y}. It probably relies on one modality or a shortcut instead of combining ${x1} and ${x2}, and may break under distribution shift.`);
    } else unsupported.push('synergy');
  }
  for (const [key, xk] of [['unique1', x1], ['unique2', x2]]) {
    const um = m.atoms[key];
    const ud = d.atoms[key];
    if (um.share < ud.share + LEANS_BY) continue;
    if (apart(um, ud)) {
      out.push(`${name} leans on ${xk} far more than the data calls for: ${pct(um.share)} of its information is unique to ${xk}, against ${pct(ud.share)} in the data. If ${xk} is missing, noisy or shifts, expect the model to fail.`);
    } else unsupported.push(`what is unique to ${xk}`);
  }
  if (unsupported.length) out.push(`${name} differs from the data in ${unsupported.join(' and ')}, but the intervals overlap, so the difference may be noise.`);
  if (!out.length) {
    const profile = (s) => ATOM_KEYS.map((k) => pct(s.atoms[k].share)).join(' / ');
    out.push(`${name}’s profile is close to the data’s (R / U1 / U2 / S: ${profile(m)} against ${profile(d)}): it combines ${x1} and ${x2} much as ${y} requires.`);
  }
  return out;
}
