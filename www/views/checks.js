// What the checks beside an estimate say on its card: the fidelity of the discrete table
// (docs/fidelity.md) and, in "Both", the atoms on which CVX and BATCH disagree.
import { ATOMS } from '../charts/atoms.js';
import { h } from '../dom.js';
import { formatInfo } from '../format.js';
import META from '../meta.js';

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

/**
 * "Both": which atoms differ by more than their intervals allow.
 * @param {ReturnType<typeof import('../reading.js').disagreements>} disagreeing
 * @param {import('../format.js').Unit} unit
 */
export function disagreementNote(disagreeing, unit) {
  if (!disagreeing.length) return h('p', { class: 'stats', dataset: { testid: 'disagreement', count: '0' } }, 'CVX and BATCH agree within their intervals on every atom.');
  /** @param {number[]} r */
  const range = ([low, high]) => (low === high ? formatInfo(low, unit, 3) : `[${formatInfo(low, unit, 3)}, ${formatInfo(high, unit, 3)}]`);
  return h(
    'div',
    { class: 'stats warn', dataset: { testid: 'disagreement', count: String(disagreeing.length) } },
    h(
      'p',
      { role: 'note' },
      `⚠ CVX and BATCH disagree beyond their intervals on ${disagreeing.map((d) => shortName(d.key)).join(', ')}: ` +
        disagreeing.map((d) => `${shortName(d.key)} CVX ${range(d.cvxRange)}, BATCH ${range(d.batchRange)}`).join('; ') +
        `. (CVX: its bootstrap interval, or its value without one; BATCH: ± ${META.defaults.disagreement_spreads} standard deviations across test batches.)`,
    ),
  );
}
