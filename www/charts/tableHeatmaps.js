import * as Plot from '@observablehq/plot';
import { chartWidth, finishPlot, textWidth } from './figure.js';

/** Room (px) for the y-axis label and ticks on the left, and between panels. */
const LEFT = 60;
const GAP = 16;
/** A panel's cells are at most this large (px), and no smaller than this while more than one panel fits per line. */
const MAX_CELL = 28;
const MIN_CELL = 9;
/** Tick labels closer than this (px, beyond their own width) are thinned. */
const TICK_GAP = 4;
/**
 * Above this ratio of the largest cell to the median non-zero one, a linear ramp from white
 * draws half the non-zero cells in its lightest eighth, next to indistinguishable from 0:
 * use a log scale.
 */
const LOG_RATIO = 8;
/** The log ramp starts at a light blue, not white, so the smallest non-zero cell stays apart from an empty (white) one. */
const LOG_RANGE = ['#c6dbef', '#08306b'];

/**
 * Every `step`-th label, the step chosen so that labels of `size` px, `cell` px apart, do not overlap.
 * @param {string[]} labels
 * @param {number} cell the distance between neighbouring ticks (px)
 * @param {(label: string) => number} size a label's extent along the axis (px)
 */
export function thinTicks(labels, cell, size) {
  const widest = Math.max(0, ...labels.map(size));
  const step = Math.max(1, Math.ceil((widest + TICK_GAP) / Math.max(cell, 1e-9)));
  return labels.filter((_, i) => i % step === 0);
}

/**
 * The colour scale of a table: linear from 0 when the non-zero cells are of comparable size,
 * else logarithmic between the smallest and largest non-zero values (zeros stay white), so a
 * large table whose probability is spread thin still shows its structure; the legend says which.
 * @param {number[]} values
 * @param {string} which the distribution's name (p or q*)
 */
export function colorScale(values, which) {
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  const max = positive.at(-1) ?? 1e-12;
  const median = positive[Math.floor(positive.length / 2)] ?? max;
  const log = positive.length > 1 && max / median > LOG_RATIO;
  return log
    ? // Three ticks, evenly spaced on the log ramp (its minor ticks crowd the legend).
      { type: 'log', domain: [positive[0], max], ticks: [positive[0], Math.sqrt(positive[0] * max), max], label: `${which}(x1, x2, y), log scale (white: 0)`, log }
    : { type: 'linear', domain: [0, max], label: `${which}(x1, x2, y)`, log };
}

/**
 * The joint distribution as heatmaps over (x1, x2), one small multiple per label y. The
 * panels per line and the cell size follow the width the page leaves, so the text keeps its
 * size on a phone; tick labels are thinned so they never overlap.
 * @param {{shape: number[], labels: string[][], values: number[]}} table row-major (x1, x2, y)
 * @param {{title?: string, which?: string, width?: number}} [options] `which` names the distribution (p or q*);
 *   width: the most the chart may take (px; default what the page leaves, up to 900)
 * @returns {import('./figure.js').Chart} a <figure> holding the SVG
 */
export function tableHeatmaps({ shape, labels, values }, { title = 'Joint distribution p(x1, x2, y)', which = 'p', width = chartWidth(900, 280) } = {}) {
  const [n1, n2, ny] = shape;
  const [l1, l2, ly] = labels;
  const cellFor = (c) => Math.min(MAX_CELL, Math.floor((width - LEFT - 20 - c * GAP) / c / Math.max(n2, 1)));
  let columns = Math.min(ny, 4);
  while (columns > 1 && cellFor(columns) < MIN_CELL) columns -= 1;
  const cellSize = Math.max(4, cellFor(columns));
  const data = [];
  for (let a = 0; a < n1; a += 1) {
    for (let b = 0; b < n2; b += 1) {
      for (let y = 0; y < ny; y += 1) {
        data.push({ x1: l1[a], x2: l2[b], y: ly[y], col: y % columns, row: Math.floor(y / columns), p: values[(a * n2 + b) * ny + y] });
      }
    }
  }
  const facets = ly.map((label, y) => ({ label: `Y = ${label}`, col: y % columns, row: Math.floor(y / columns) }));
  const rows = Math.ceil(ny / columns);
  // Long x labels are turned 45° (then they need only a line's height of room each).
  const rotate = l2.some((s) => s.length > 3);
  const xTicks = thinTicks(l2, cellSize, (l) => (rotate ? 12 : textWidth(l)));
  const yTicks = thinTicks(l1, cellSize, () => 11);
  const color = colorScale(values, which);
  const figure = Plot.plot({
    title,
    ariaLabel: `Heatmaps of ${which}(x1, x2, y): ${ny} panels, one per label, each ${n1} by ${n2} cells`,
    ariaDescription: `Each panel shows ${which}(x1, x2, y) for one label y; darker cells hold more probability${color.log ? ' (colours on a log scale; white cells are 0)' : ''}.`,
    width: Math.min(width, Math.max(280, LEFT + 20 + columns * (n2 * cellSize + GAP))),
    height: 70 + rows * (n1 * cellSize + 30) + (rotate ? 24 : 0),
    marginLeft: LEFT,
    marginTop: 30,
    marginBottom: rotate ? 54 : 30,
    padding: 0,
    fx: { axis: null, padding: 0.08 },
    fy: { axis: null, padding: 0.12 },
    x: { label: 'X2 →', domain: l2, ticks: xTicks, tickRotate: rotate ? -45 : 0 },
    y: { label: '↑ X1', domain: l1, ticks: yTicks },
    // The ramp legend's margins ride on the scale (Plot passes them on; its types omit them):
    // room for the end labels, which are otherwise clipped ("0.000" → ".000").
    color: /** @type {any} */ ({ type: color.type, ...(color.log ? { range: LOG_RANGE, interpolate: 'hcl' } : { scheme: 'blues' }), domain: color.domain, legend: true, marginLeft: 20, marginRight: 20, label: color.label, ...(color.log ? { ticks: color.ticks, tickFormat: (/** @type {number} */ d) => d.toPrecision(1) } : {}) }),
    marks: [
      // On a log scale an empty cell has no colour: it is left out, and the panel's white shows through.
      Plot.cell(color.log ? data.filter((d) => d.p > 0) : data, { fx: 'col', fy: 'row', x: 'x2', y: 'x1', fill: 'p', inset: 0.5, title: (d) => `${which}(x1=${d.x1}, x2=${d.x2}, y=${d.y}) = ${d.p.toPrecision(4)}` }),
      Plot.text(facets, { fx: 'col', fy: 'row', text: 'label', frameAnchor: 'top-left', dy: -14, fontWeight: 'bold' }),
      Plot.frame({ stroke: '#d0d7de' }),
    ],
  });
  return finishPlot(figure, 'table-heatmaps');
}
