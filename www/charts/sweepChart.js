import * as Plot from '@observablehq/plot';
import { fromBits } from '../format.js';
import { ATOMS, ATOM_COLORS } from './atoms.js';
import { chartWidth, finishPlot } from './figure.js';

/** Each axis's heading and the name of its setting on the x axis. */
export const SWEEP_AXES = {
  clusters: { title: 'Against K, the clusters of each modality', x: 'K, clusters of each modality' },
  pca: { title: 'Against the PCA components kept', x: 'PCA components' },
  samples: { title: 'Against the sample size (nested subsets)', x: 'rows used' },
};

/** How far apart (px) the four atoms' marks sit at one setting, so their bars do not overlap. */
const DODGE = 5;

/**
 * One axis of a sensitivity sweep: the four atoms' corrected values (plug-in without
 * resamples) as lines and points against the setting, each with its interval as a
 * vertical bar, the analysis's own setting marked by a dashed rule named "current".
 * Settings are evenly spaced (K 2, 3, 5 … 30 are categories, not a scale).
 * @param {{axis: string, points: any[]}} sweepAxis the core's SweepPoints of one axis
 * @param {{unit?: import('../format.js').Unit, width?: number, title?: string}} [options]
 * @returns {import('./figure.js').Chart}
 */
export function sweepChart({ axis, points }, { unit = 'bits', width = chartWidth(), title = SWEEP_AXES[axis]?.title ?? axis } = {}) {
  const tick = (p) => (axis === 'samples' ? p.value.toLocaleString('en') : String(p.value));
  const domain = points.map(tick);
  const current = points.find((p) => p.current);
  const data = points.flatMap((p) =>
    ATOMS.map((atom, i) => {
      const a = p.atoms[atom.key];
      const has = a.low !== null && a.low !== undefined;
      return { x: tick(p), atom: atom.label, index: i, y: fromBits(a.corrected, unit), low: has ? fromBits(a.low, unit) : null, high: has ? fromBits(a.high, unit) : null, label: p.label };
    }),
  );
  const values = data.flatMap((d) => [d.y, d.low ?? d.y, d.high ?? d.y]);
  const [lo, hi] = [Math.min(0, ...values), Math.max(...values, 0.01)];
  const describe = points
    .map((p) => `${p.label}${p.current ? ' (current)' : ''}: ${ATOMS.map((a) => `${a.short} ${fromBits(p.atoms[a.key].corrected, unit).toFixed(3)}`).join(', ')}`)
    .join('; ');
  const perAtom = (mark) => ATOMS.map((atom, i) => mark(data.filter((d) => d.index === i), (i - 1.5) * DODGE));
  const figure = Plot.plot({
    title,
    ariaLabel: `Line chart: ${title}, ${unit}`,
    ariaDescription: describe,
    width,
    height: Math.round(Math.min(300, Math.max(220, width * 0.45))),
    marginLeft: 48,
    marginRight: 16,
    marginTop: 20,
    marginBottom: 40,
    x: { type: 'point', domain, label: `${SWEEP_AXES[axis]?.x ?? axis} →`, padding: 0.4 },
    y: { label: `↑ ${unit}`, grid: true, domain: [lo, hi], nice: true },
    color: { ...ATOM_COLORS, legend: true },
    marks: [
      Plot.ruleY([0]),
      current ? Plot.ruleX([tick(current)], { stroke: '#57606a', strokeDasharray: '4,3', className: 'current-setting' }) : null,
      // Named above the plot, not in the tick labels, which have no room for it on a phone.
      current ? Plot.text([tick(current)], { x: (d) => d, frameAnchor: 'top', dy: -9, text: () => 'current', fill: '#57606a', className: 'current-label' }) : null,
      ...perAtom((rows, dx) => Plot.line(rows, { x: 'x', y: 'y', stroke: 'atom', dx, strokeWidth: 1.5 })),
      ...perAtom((rows, dx) => Plot.ruleX(rows.filter((d) => d.low !== null), { x: 'x', y1: 'low', y2: 'high', stroke: 'atom', dx, strokeWidth: 2, className: 'interval' })),
      ...perAtom((rows, dx) =>
        Plot.dot(rows, { x: 'x', y: 'y', fill: 'atom', dx, r: 3, title: (d) => `${d.atom} at ${d.label}: ${d.y.toFixed(3)} ${unit}${d.low !== null ? ` [${d.low.toFixed(3)}, ${d.high.toFixed(3)}]` : ''}` }),
      ),
    ],
  });
  return finishPlot(figure, 'sweep-chart', ATOMS.map((a) => ({ label: a.label, color: a.color })));
}
