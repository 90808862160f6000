// What the checks beside an estimate say on its card: the fidelity of the discrete table
// (docs/fidelity.md) and, side by side, the atoms on which the estimators disagree.
import { ATOMS } from '../charts/atoms.js';
import { h } from '../dom.js';
import { formatInfo } from '../format.js';
import META from '../meta.js';
import { estimatorName } from './settings.js';

const percent = (r) => (r === null || r === undefined ? '—' : `${Math.round(r * 100)}%`);

/**
 * The fidelity check's note: nothing while it has not run, a line when skipped, else
 * what the table keeps of each classifier bound, and the core's warning.
 * @param {any} fidelity the core's Fidelity, `{skipped}`, or null
 * @param {import('../format.js').Unit} unit
 */
export function fidelityNote(fidelity, unit) {
  if (!fidelity) return null;
  if (fidelity.skipped) return h('p', { class: 'stats', dataset: { testid: 'fidelity' } }, `Fidelity check skipped: ${fidelity.skipped}.`);
  const term = (label, f) => `${label}: ${formatInfo(f.table_bits, unit, 3)} of ≥ ${formatInfo(f.classifier_bits, unit, 3)} (${percent(f.retained)})`;
  const b = fidelity.bounds;
  return h(
    'div',
    { class: fidelity.warning ? 'stats warn' : 'stats', dataset: { testid: 'fidelity', lost: String(Boolean(fidelity.warning)) } },
    h(
      'p',
      {},
      `Fidelity of the table: what it keeps of the lower bounds I ≥ H(Y) − cross-entropy from classifiers on the continuous features, scored on ${b.test_rows.toLocaleString()} held-out rows — ` +
        `${[term('I(X1,X2;Y)', fidelity.joint), term('I(X1;Y)', fidelity.x1), term('I(X2;Y)', fidelity.x2)].join('; ')}.`,
    ),
    fidelity.warning
      ? h('p', { role: 'note', class: 'warn', dataset: { testid: 'fidelity-warning' } }, `⚠ ${fidelity.warning.charAt(0).toUpperCase()}${fidelity.warning.slice(1)}`)
      : h('p', {}, 'The table keeps what the classifiers find.'),
  );
}

/** An atom's short name (R, U1, U2, S). */
export const shortName = (key) => ATOMS.find((a) => a.key === key)?.short ?? key;

/** How each estimator's range was made, for the note (only those on the card). */
const RANGE_WORDS = {
  cvx: 'CVX: its bootstrap interval, or its value without one',
  batch: `BATCH: ± ${META.defaults.disagreement_spreads} standard deviations across test batches`,
  gaussian: 'Gaussian: its parametric-bootstrap interval, or its value without resamples (then not compared with a CVX run that has none either)',
};

/**
 * Side by side: which atoms differ by more than their intervals allow.
 * @param {ReturnType<typeof import('../reading.js').disagreements>} disagreeing
 * @param {{estimator: string}[]} columns the card's columns
 * @param {import('../format.js').Unit} unit
 */
export function disagreementNote(disagreeing, columns, unit) {
  const how = `(${columns.map((c) => RANGE_WORDS[c.estimator] ?? c.estimator).join('; ')}.)`;
  /** @param {string[]} estimators */
  const list = (estimators) => {
    const n = [...new Set(estimators)].map(estimatorName);
    return n.length > 1 ? `${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}` : n.join('');
  };
  if (!disagreeing.length) return h('p', { class: 'stats', dataset: { testid: 'disagreement', count: '0' } }, `${list(columns.map((c) => c.estimator))} agree within their intervals on every atom. ${how}`);
  /** @param {number[]} r */
  const range = ([low, high]) => (low === high ? formatInfo(low, unit, 3) : `[${formatInfo(low, unit, 3)}, ${formatInfo(high, unit, 3)}]`);
  // One clause per atom: every estimator in one of its flagged pairs, with its range once.
  const byAtom = new Map();
  const order = (d) => ATOMS.findIndex((a) => a.key === d.key);
  for (const d of [...disagreeing].sort((a, b) => order(a) - order(b))) {
    const ranges = byAtom.get(d.key) ?? new Map();
    d.estimators.forEach((e, i) => ranges.set(e, d.ranges[i]));
    byAtom.set(d.key, ranges);
  }
  const clauses = [...byAtom].map(([key, ranges]) => `${shortName(key)}: ${[...ranges].map(([e, r]) => `${estimatorName(e)} ${range(r)}`).join(', ')}`);
  return h(
    'div',
    { class: 'stats warn', dataset: { testid: 'disagreement', count: String(byAtom.size) } },
    h('p', { role: 'note' }, `⚠ ${list(disagreeing.flatMap((d) => d.estimators))} disagree beyond their intervals on ${[...byAtom.keys()].map(shortName).join(', ')}: ${clauses.join('; ')}. ${how}`),
  );
}
