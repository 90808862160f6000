// A plain-language reading of a PID result, in one or two sentences. It follows the
// paper's finding: removing a modality costs in proportion to its uniqueness, and
// where uniqueness is tiny, synergy predicts the cost (Liang et al. 2023, §5).

const pct = (x) => `${Math.round(x * 100)}%`;

/**
 * @param {{redundancy:number, unique1:number, unique2:number, synergy:number, mi_joint:number}} pid in bits
 * @param {{x1?: string, x2?: string, y?: string, hY?: number}} names display names; hY = H(Y) in bits if known
 * @returns {string[]} one or two sentences
 */
export function readResult(pid, { x1 = 'X1', x2 = 'X2', y = 'Y', hY } = {}) {
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
