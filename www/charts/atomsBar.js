import * as Plot from '@observablehq/plot';
import { fromBits } from '../format.js';
import { ATOMS, ATOM_COLORS } from './atoms.js';
import { finishPlot } from './figure.js';

/**
 * Stacked bars of R, U1, U2, S: one bar per analysis, in bits (or nats) or as shares
 * of I(X1,X2;Y). Each segment is labelled with its atom and share where it fits.
 * @param {{name: string, pid: import('./atoms.js').PidAtoms}[]} rows
 * @param {{unit?: import('../format.js').Unit, mode?: 'amount'|'share', title?: string}} [options]
 * @returns {import('./figure.js').Chart} a <figure> holding the SVG
 */
export function atomsBar(rows, { unit = 'bits', mode = 'amount', title = 'PID of I(X1,X2;Y)' } = {}) {
  const data = rows.flatMap(({ name, pid }) => {
    const total = Math.max(0, ATOMS.reduce((sum, a) => sum + Math.max(0, pid[a.key]), 0));
    return ATOMS.map((atom) => {
      const bits = Math.max(0, pid[atom.key]);
      const share = total > 0 ? bits / total : 0;
      return { analysis: name, atom: atom.label, short: atom.short, bits, share, value: mode === 'share' ? share * 100 : fromBits(bits, unit) };
    });
  });
  const axisLabel = mode === 'share' ? 'share of I(X1,X2;Y) (%) →' : `information (${unit}) →`;
  const describe = rows
    .map(({ name, pid }) => `${name}: ${ATOMS.map((a) => `${a.label} ${fromBits(Math.max(0, pid[a.key]), unit).toFixed(3)} ${unit}`).join(', ')}`)
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
      Plot.barX(data, Plot.stackX({ x: 'value', y: 'analysis', fill: 'atom', order: ATOM_COLORS.domain, title: (d) => `${d.atom}: ${d.bits.toFixed(4)} bits (${(d.share * 100).toFixed(1)}%)`, inset: 0.5 })),
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
  return finishPlot(figure, 'atoms-bar', ATOMS.map((a) => ({ label: a.label, color: a.color })));
}
