// The live explorable: p(x1, x2, y) for small alphabets, edited by typing a
// probability or dragging a cell; the other cells renormalise so the total stays 1, and
// every edit says how (setCell's note).

/** Largest number of states per variable in the editor. */
export const MAX_STATES = 4;

/**
 * Sets cell `index` to `value` (clamped to [0, 1]) and rescales the others so the total is 1;
 * if the others are all zero they share the rest equally. Never silent: `note` says what
 * happened to the other cells. A table must hold some probability, so setting the only
 * non-zero cell to 0 is refused (`refused`, `p` unchanged) rather than turning another cell into 1.
 * @param {number[]} p probabilities summing to 1
 * @param {number} index
 * @param {number} value
 * @returns {{p: number[], note: string, refused: boolean}}
 */
export function setCell(p, index, value) {
  const v = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
  const clamped = Number.isFinite(value) && value !== v ? `${value} is not a probability, so the cell is set to ${v}. ` : Number.isFinite(value) ? '' : 'That is not a number, so the cell is set to 0. ';
  const others = p.reduce((sum, x, i) => (i === index ? sum : sum + x), 0);
  const rest = 1 - v;
  if (others <= 0 && v === 0) {
    return { p: [...p], refused: true, note: 'Not changed: this is the only cell with any probability, and a table cannot be all zeros. Raise another cell first.' };
  }
  if (others <= 0) {
    const each = rest / (p.length - 1);
    const note = rest > 0 ? `The other cells were all 0, so they now share the remaining ${round(rest)} equally (${round(each)} each).` : 'The other cells are all 0 and stay 0.';
    return { p: p.map((_, i) => (i === index ? v : each)), refused: false, note: clamped + note };
  }
  const factor = rest / others;
  const note = Math.abs(factor - 1) < 1e-9
    ? 'The table still sums to 1; no other cell changed.'
    : rest === 0
      ? 'This cell now holds all the probability: the other cells were set to 0 so the table sums to 1.'
      : `The other cells were scaled by ${round(factor)} so the table sums to 1.`;
  return { p: p.map((x, i) => (i === index ? v : x * factor)), refused: false, note: clamped + note };
}

/** Up to four significant digits, without trailing zeros. */
const round = (x) => String(+x.toPrecision(4));

/**
 * Resizes a table to a new shape, keeping the overlapping cells, renormalised (uniform if
 * nothing is left); `note` says so when the kept cells did not already sum to 1.
 * @param {number[]} p row-major (x1, x2, y)
 * @param {number[]} shape its sizes [n1, n2, ny]
 * @param {number[]} next the new sizes
 * @returns {{p: number[], note: string}}
 */
export function reshape(p, [n1, n2, ny], [m1, m2, my]) {
  const out = new Array(m1 * m2 * my).fill(0);
  for (let a = 0; a < Math.min(n1, m1); a += 1) {
    for (let b = 0; b < Math.min(n2, m2); b += 1) {
      for (let y = 0; y < Math.min(ny, my); y += 1) out[(a * m2 + b) * my + y] = p[(a * n2 + b) * ny + y];
    }
  }
  const total = out.reduce((s, x) => s + x, 0);
  if (total <= 0) return { p: out.map(() => 1 / out.length), note: 'No probability was left in the kept cells, so the new table is uniform.' };
  const note = Math.abs(total - 1) < 1e-9 ? '' : `The removed states held ${round(1 - total)} of the probability; the kept cells were scaled by ${round(1 / total)} so the table sums to 1.`;
  return { p: out.map((x) => x / total), note };
}
