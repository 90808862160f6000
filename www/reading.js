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
  const headline = {
    redundancy: `Most of what ${x1} and ${x2} say about ${y} is redundant (${pct(share.redundancy)}): either one alone tells it.`,
    unique1: `Most of what ${x1} and ${x2} say about ${y} comes from ${x1} alone (${pct(share.unique1)} unique to ${x1}).`,
    unique2: `Most of what ${x1} and ${x2} say about ${y} comes from ${x2} alone (${pct(share.unique2)} unique to ${x2}).`,
    synergy: `Most of what ${x1} and ${x2} say about ${y} is synergistic (${pct(share.synergy)}): it appears only when both are seen together.`,
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
