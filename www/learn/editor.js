// The live explorable: p(x1, x2, y) for small alphabets, edited by typing a
// probability or dragging a cell; the other cells renormalise so the total stays 1.

/** Largest number of states per variable in the editor. */
export const MAX_STATES = 4;

/**
 * Sets cell `index` to `value` (clamped to [0, 1]) and rescales the others so the
 * total is 1; if the others are all zero they share the rest equally.
 * @param {number[]} p probabilities summing to 1
 * @param {number} index
 * @param {number} value
 * @returns {number[]}
 */
export function setCell(p, index, value) {
  const v = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
  const others = p.reduce((sum, x, i) => (i === index ? sum : sum + x), 0);
  const rest = 1 - v;
  return p.map((x, i) => {
    if (i === index) return v;
    if (others > 0) return (x / others) * rest;
    return rest / (p.length - 1);
  });
}

/**
 * Resizes a table to a new shape, keeping the overlapping cells, renormalised (uniform if nothing is left).
 * @param {number[]} p row-major (x1, x2, y)
 * @param {number[]} shape its sizes [n1, n2, ny]
 * @param {number[]} next the new sizes
 * @returns {number[]}
 */
export function reshape(p, [n1, n2, ny], [m1, m2, my]) {
  const out = new Array(m1 * m2 * my).fill(0);
  for (let a = 0; a < Math.min(n1, m1); a += 1) {
    for (let b = 0; b < Math.min(n2, m2); b += 1) {
      for (let y = 0; y < Math.min(ny, my); y += 1) out[(a * m2 + b) * my + y] = p[(a * n2 + b) * ny + y];
    }
  }
  const total = out.reduce((s, x) => s + x, 0);
  return total > 0 ? out.map((x) => x / total) : out.map(() => 1 / out.length);
}
