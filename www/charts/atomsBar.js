import * as Plot from '@observablehq/plot';
import { fromBits } from '../format.js';
import { ATOMS, ATOM_COLORS } from './atoms.js';
import { chartWidth, finishPlot, textWidth } from './figure.js';

/**
 * Stacked bars of R, U1, U2, S: one bar per analysis, in bits (or nats) or as shares
 * of I(X1,X2;Y). Each segment is labelled with its atom and share where the label fits;
 * with several bars each one's name is written above it. A PID with I(X1,X2;Y) = 0 draws
 * no bar (a bar over a zero axis would be all noise), only the sentence that says so.
 * With a row's `uncertainty`, its segments are the bias-corrected atoms, each with a rule
 * for its interval (drawn at the segment's stacked position), and an atom not
 * distinguishable from noise (p ≥ 0.05) is drawn faded with a dashed outline.
 * @param {{name: string, pid: import('./atoms.js').PidAtoms, uncertainty?: any}[]} rows
 * @param {{unit?: import('../format.js').Unit, mode?: 'amount'|'share', title?: string, width?: number}} [options] width in px (default: what the page leaves, up to 640)
 * @returns {import('./figure.js').Chart} a <figure> holding the SVG
 */
export function atomsBar(rows, { unit = 'bits', mode = 'amount', title = 'PID of I(X1,X2;Y)', width = chartWidth() } = {}) {
  const valueOf = (pid, u, key) => Math.max(0, u?.[key] ? u[key].corrected : pid[key]);
  const totals = rows.map(({ pid, uncertainty: u }) => Math.max(0, ATOMS.reduce((sum, a) => sum + valueOf(pid, u, a.key), 0)));
  const data = rows.flatMap(({ name, pid, uncertainty: u }, row) => {
    const total = totals[row];
    let start = 0;
    return ATOMS.map((atom) => {
      const bits = valueOf(pid, u, atom.key);
      const share = total > 0 ? bits / total : 0;
      const t = u?.[atom.key];
      const noise = t?.p_value !== null && t?.p_value !== undefined && t.p_value >= 0.05;
      const scale = (b) => (mode === 'share' ? (total > 0 ? (b / total) * 100 : 0) : fromBits(b, unit));
      // The interval around the segment's end, in the segment's own stacked coordinates.
      // (As shares, clamped to the 100% the axis ends at.)
      const end = (b) => (mode === 'share' ? Math.min(100, scale(b)) : scale(b));
      const interval = t && t.low !== null && t.low !== undefined ? [end(start + Math.max(0, t.low)), end(start + Math.max(0, t.high))] : null;
      start += bits;
      return { analysis: String(row), name, atom: atom.label, short: atom.short, bits, share, noise, interval, value: scale(bits) };
    });
  });
  const intervals = data.filter((d) => d.interval);
  // A table with I(X1,X2;Y) = 0 (all zeros, or Y independent of both): no bar, no axis, a
  // sentence. (Corrected atoms of pure noise are 0 too, but their intervals are still drawn.)
  if (totals.every((t) => t <= EMPTY_BITS) && !intervals.some((d) => d.interval[1] > EMPTY_BITS)) return nothingToDecompose(title, width);
  const axisLabel = mode === 'share' ? 'share of I(X1,X2;Y) (%) →' : `information (${unit}) →`;
  const describe = rows
    .map(({ name, pid, uncertainty: u }) => `${name}: ${ATOMS.map((a) => `${a.label} ${fromBits(valueOf(pid, u, a.key), unit).toFixed(3)} ${unit}${u?.[a.key]?.p_value >= 0.05 ? ' (not distinguishable from noise)' : ''}`).join(', ')}`)
    .join('; ');
  // A fixed x domain so each segment's width in pixels is known, and a label drawn only where it fits.
  const max = mode === 'share' ? 100 : Math.max(...data.map((d) => d.interval?.[1] ?? 0), ...totals.map((t) => fromBits(t, unit)));
  const margin = { left: 14, right: 24, top: 24, bottom: 36 };
  const pxPerUnit = (width - margin.left - margin.right) / max;
  const label = (d) => `${d.short} ${(d.share * 100).toFixed(0)}%`;
  const fits = (d) => d.share > 0 && textWidth(label(d), true) + 6 <= d.value * pxPerUnit;
  // Several bars: each one's name above it, not in a left margin that squeezes the bars
  // (and that in-bar labels ran into).
  const step = rows.length > 1 ? 58 : 44;
  const padding = rows.length > 1 ? 0.42 : 0.2;
  const height = margin.top + margin.bottom + step * rows.length;
  const band = ((height - margin.top - margin.bottom) / (rows.length + padding)) * (1 - padding);
  const figure = Plot.plot({
    title,
    ariaLabel: `Stacked bar chart: ${title}`,
    ariaDescription: describe,
    width,
    height,
    marginLeft: margin.left,
    marginRight: margin.right,
    marginTop: margin.top,
    marginBottom: margin.bottom,
    x: { label: axisLabel, grid: true, domain: [0, max], ticks: Math.max(2, Math.floor(width / 80)) },
    // Rows by position: two analyses may share a title.
    y: { label: null, domain: rows.map((_, i) => String(i)), axis: null, padding },
    color: { ...ATOM_COLORS, legend: true },
    marks: [
      Plot.barX(
        data,
        Plot.stackX({
          x: 'value',
          y: 'analysis',
          fill: 'atom',
          fillOpacity: (d) => (d.noise ? 0.35 : 1),
          stroke: (d) => (d.noise ? '#57606a' : 'none'),
          strokeDasharray: '3,2', // drawn only where the stroke is (the faded atoms)
          order: ATOM_COLORS.domain,
          title: (d) => `${d.atom}: ${d.bits.toFixed(4)} bits (${(d.share * 100).toFixed(1)}%)${d.noise ? ', not distinguishable from noise' : ''}`,
          inset: 0.5,
        }),
      ),
      intervals.length
        ? Plot.ruleY(intervals, { y: 'analysis', x1: (d) => d.interval[0], x2: (d) => d.interval[1], stroke: '#24292f', strokeWidth: 2, dy: 0, className: 'error-bar', title: (d) => `${d.atom}: interval` })
        : null,
      Plot.text(
        data,
        Plot.stackX({
          x: 'value',
          y: 'analysis',
          z: 'atom',
          order: ATOM_COLORS.domain,
          text: (d) => (fits(d) ? label(d) : ''),
          fill: 'white',
          fontWeight: 'bold',
          className: 'segment-label',
        }),
      ),
      rows.length > 1
        ? Plot.text(rows, { y: (_, i) => String(i), text: 'name', frameAnchor: 'left', textAnchor: 'start', lineAnchor: 'bottom', dy: -band / 2 - 3, className: 'row-label', fill: 'currentColor' })
        : null,
      Plot.ruleX([0]),
    ],
  });
  const noisy = new Set(data.filter((d) => d.noise).map((d) => d.atom));
  return finishPlot(figure, 'atoms-bar', ATOMS.map((a) => ({ label: noisy.has(a.label) ? `${a.label} (not distinguishable from noise)` : a.label, color: a.color })));
}

/** Below this many bits a PID has nothing to decompose (rounding noise of an all-zero table). */
const EMPTY_BITS = 1e-12;

/** The chart of a PID with I(X1,X2;Y) = 0: the sentence, where the bar would be. */
function nothingToDecompose(title, width) {
  const text = 'Nothing to decompose: I(X1,X2;Y) = 0';
  const figure = Plot.plot({
    title,
    ariaLabel: `${title}: ${text}`,
    ariaDescription: `${text}, so there is no bar to draw.`,
    width,
    height: 48,
    margin: 0,
    x: { axis: null },
    y: { axis: null },
    marks: [Plot.text([text], { frameAnchor: 'left', dx: 4, fontSize: 13, fill: 'currentColor', className: 'nothing' })],
  });
  return finishPlot(figure, 'atoms-bar', []);
}
