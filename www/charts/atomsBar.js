import * as Plot from '@observablehq/plot';
import { fromBits } from '../format.js';
import { ATOMS, ATOM_COLORS } from './atoms.js';
import { finishPlot } from './figure.js';

/**
 * Stacked bars of R, U1, U2, S: one bar per analysis, in bits (or nats) or as shares
 * of I(X1,X2;Y). Each segment is labelled with its atom and share where it fits.
 * With a row's `uncertainty`, its segments are the bias-corrected atoms, each with a rule
 * for its interval (drawn at the segment's stacked position), and an atom not
 * distinguishable from noise (p ≥ 0.05) is drawn faded with a dashed outline.
 * @param {{name: string, pid: import('./atoms.js').PidAtoms, uncertainty?: any}[]} rows
 * @param {{unit?: import('../format.js').Unit, mode?: 'amount'|'share', title?: string}} [options]
 * @returns {import('./figure.js').Chart} a <figure> holding the SVG
 */
export function atomsBar(rows, { unit = 'bits', mode = 'amount', title = 'PID of I(X1,X2;Y)' } = {}) {
  const valueOf = (pid, u, key) => Math.max(0, u?.[key] ? u[key].corrected : pid[key]);
  const data = rows.flatMap(({ name, pid, uncertainty: u }) => {
    const total = Math.max(0, ATOMS.reduce((sum, a) => sum + valueOf(pid, u, a.key), 0));
    let start = 0;
    return ATOMS.map((atom) => {
      const bits = valueOf(pid, u, atom.key);
      const share = total > 0 ? bits / total : 0;
      const t = u?.[atom.key];
      const noise = t?.p_value !== null && t?.p_value !== undefined && t.p_value >= 0.05;
      const scale = (b) => (mode === 'share' ? (total > 0 ? (b / total) * 100 : 0) : fromBits(b, unit));
      // The interval around the segment's end, in the segment's own stacked coordinates.
      const interval = t && t.low !== null && t.low !== undefined ? [scale(start + Math.max(0, t.low)), scale(start + Math.max(0, t.high))] : null;
      start += bits;
      return { analysis: name, atom: atom.label, short: atom.short, bits, share, noise, interval, value: scale(bits) };
    });
  });
  const intervals = data.filter((d) => d.interval);
  const axisLabel = mode === 'share' ? 'share of I(X1,X2;Y) (%) →' : `information (${unit}) →`;
  const describe = rows
    .map(({ name, pid, uncertainty: u }) => `${name}: ${ATOMS.map((a) => `${a.label} ${fromBits(valueOf(pid, u, a.key), unit).toFixed(3)} ${unit}${u?.[a.key]?.p_value >= 0.05 ? ' (not distinguishable from noise)' : ''}`).join(', ')}`)
    .join('; ');
  const figure = Plot.plot({
    title,
    ariaLabel: `Stacked bar chart: ${title}`,
    ariaDescription: describe,
    width: 640,
    height: 48 + 44 * rows.length,
    marginLeft: rows.length > 1 ? 130 : 20,
    marginRight: 24,
    x: { label: axisLabel, grid: true, ...(mode === 'share' ? { domain: [0, 100] } : {}) },
    y: { label: null, domain: rows.map((r) => r.name), axis: rows.length > 1 ? 'left' : null },
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
          text: (d) => (d.share >= 0.09 ? `${d.short} ${(d.share * 100).toFixed(0)}%` : ''),
          fill: 'white',
          fontWeight: 'bold',
        }),
      ),
      Plot.ruleX([0]),
    ],
  });
  const noisy = new Set(data.filter((d) => d.noise).map((d) => d.atom));
  return finishPlot(figure, 'atoms-bar', ATOMS.map((a) => ({ label: noisy.has(a.label) ? `${a.label} (not distinguishable from noise)` : a.label, color: a.color })));
}
