import * as Plot from '@observablehq/plot';
import { finishPlot } from './figure.js';

/** At most this many tick labels per axis; the rest are thinned so they stay legible. */
const MAX_TICKS = 16;

const thin = (labels) => {
  const step = Math.ceil(labels.length / MAX_TICKS);
  return labels.filter((_, i) => i % step === 0);
};

/**
 * The joint distribution as heatmaps over (x1, x2), one small multiple per label y.
 * @param {{shape: number[], labels: string[][], values: number[]}} table row-major (x1, x2, y)
 * @param {{title?: string, which?: string}} [options] `which` names the distribution (p or q*)
 * @returns {import('./figure.js').Chart} a <figure> holding the SVG
 */
export function tableHeatmaps({ shape, labels, values }, { title = 'Joint distribution p(x1, x2, y)', which = 'p' } = {}) {
  const [n1, n2, ny] = shape;
  const [l1, l2, ly] = labels;
  const columns = Math.min(ny, 4);
  const data = [];
  for (let a = 0; a < n1; a += 1) {
    for (let b = 0; b < n2; b += 1) {
      for (let y = 0; y < ny; y += 1) {
        data.push({ x1: l1[a], x2: l2[b], y: ly[y], col: y % columns, row: Math.floor(y / columns), p: values[(a * n2 + b) * ny + y] });
      }
    }
  }
  const facets = ly.map((label, y) => ({ label: `Y = ${label}`, col: y % columns, row: Math.floor(y / columns) }));
  const cellSize = Math.max(6, Math.min(28, Math.floor(560 / columns / Math.max(n2, 1))));
  const rows = Math.ceil(ny / columns);
  const figure = Plot.plot({
    title,
    ariaLabel: `Heatmaps of ${which}(x1, x2, y): ${ny} panels, one per label, each ${n1} by ${n2} cells`,
    ariaDescription: `Each panel shows ${which}(x1, x2, y) for one label y; darker cells hold more probability.`,
    width: Math.max(320, 70 + columns * (n2 * cellSize + 16)),
    height: 70 + rows * (n1 * cellSize + 30),
    marginLeft: 60,
    marginTop: 30,
    padding: 0,
    fx: { axis: null, padding: 0.08 },
    fy: { axis: null, padding: 0.12 },
    x: { label: 'X2 →', domain: l2, ticks: thin(l2), tickRotate: l2.some((s) => s.length > 3) ? -45 : 0 },
    y: { label: '↑ X1', domain: l1, ticks: thin(l1) },
    // The ramp legend's margins ride on the scale (Plot passes them on; its types omit them):
    // room for the end labels, which are otherwise clipped ("0.000" → ".000").
    color: /** @type {any} */ ({ type: 'linear', scheme: 'blues', domain: [0, Math.max(...values, 1e-12)], legend: true, marginLeft: 20, marginRight: 20, label: `${which}(x1, x2, y)` }),
    marks: [
      Plot.cell(data, { fx: 'col', fy: 'row', x: 'x2', y: 'x1', fill: 'p', inset: 0.5, title: (d) => `${which}(x1=${d.x1}, x2=${d.x2}, y=${d.y}) = ${d.p.toPrecision(4)}` }),
      Plot.text(facets, { fx: 'col', fy: 'row', text: 'label', frameAnchor: 'top-left', dy: -14, fontWeight: 'bold' }),
      Plot.frame({ stroke: '#d0d7de' }),
    ],
  });
  return finishPlot(figure, 'table-heatmaps');
}
