import { fromBits } from '../format.js';
import { ATOMS } from './atoms.js';
import { chartWidth } from './figure.js';
import { pidLayout } from './geometry.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {string} [text]
 */
function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Width (px) kept for the joint caption of two small discs. */
const PAIR_CAPTION = 130;

/**
 * The PID diagram, areas to scale: discs of area I(X1;Y) and I(X2;Y) overlapping in
 * R (the rest of each is U1 and U2), and beside them a disc of area S, the information
 * neither input has alone.
 * @param {import('./atoms.js').PidAtoms} pid in bits
 * @param {{unit?: import('../format.js').Unit, title?: string, uncertainty?: any}} [options] uncertainty: the core's, if estimated
 * @returns {HTMLElement & {legendItems: import('./figure.js').LegendItem[]}} a <figure> holding the SVG
 */
export function pidDiagram(pid, { unit = 'bits', title = 'PID diagram (areas to scale)', uncertainty = null } = {}) {
  const { r1, r2, rs, d, i1, i2 } = pidLayout(pid);
  const [R, U1, U2, S] = ATOMS.map((a) => a.color);
  // Drawn at the width it is shown at (not scaled down), so its 12 px captions stay 12 px on a phone.
  const width = chartWidth();
  const height = Math.round(Math.max(220, (260 * width) / 640));
  const pad = 36;
  // One scale for all three discs, so areas stay comparable.
  const span = Math.max(r1 + d + r2 + (rs > 0 ? 2 * rs + 0.35 * (r1 + r2) : 0), 1e-9);
  const tall = Math.max(2 * r1, 2 * r2, 2 * rs, 1e-9);
  const fit = (reserved) => Math.min((width - 2 * pad - reserved) / span, (height - 2 * pad - 24) / tall);
  // Discs too small for their captions beside a large synergy disc (typical of a learned
  // estimate): one caption for both, with room kept for it before the synergy disc.
  const tiny = (r1 > 0 || r2 > 0) && rs > 0 && fit(0) * (r1 + d + r2) < PAIR_CAPTION;
  const k = fit(tiny ? PAIR_CAPTION : 0);
  const cy = pad + 10 + (k * tall) / 2;
  const cx1 = pad + k * r1;
  const cx2 = cx1 + k * d;
  const cxs = (tiny ? pad + PAIR_CAPTION : cx2 + k * r2) + k * 0.35 * (r1 + r2) + k * rs;
  const fmt = (bits) => `${fromBits(Math.max(0, bits), unit).toFixed(3)} ${unit}`;
  const label = `PID diagram. I(X1;Y) = ${fmt(i1)} and I(X2;Y) = ${fmt(i2)} drawn as overlapping discs; overlap (redundancy) ${fmt(pid.redundancy)}, unique to X1 ${fmt(pid.unique1)}, unique to X2 ${fmt(pid.unique2)}; a separate disc for synergy ${fmt(pid.synergy)}.`;

  const svg = el('svg', { 'data-role': 'plot', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label, class: 'pid-diagram', 'font-family': 'system-ui, sans-serif', 'font-size': 12 });
  svg.append(el('title', {}, title), el('desc', {}, label));
  const defs = el('defs');
  const clip = el('clipPath', { id: `clip-x1-${Math.random().toString(36).slice(2)}` });
  clip.append(el('circle', { cx: cx1, cy, r: k * r1 }));
  defs.append(clip);
  svg.append(defs);
  if (r1 > 0) svg.append(el('circle', { cx: cx1, cy, r: k * r1, fill: U1, 'fill-opacity': 0.85, 'data-atom': 'unique1' }));
  if (r2 > 0) svg.append(el('circle', { cx: cx2, cy, r: k * r2, fill: U2, 'fill-opacity': 0.85, 'data-atom': 'unique2' }));
  if (r1 > 0 && r2 > 0 && pid.redundancy > 0) {
    svg.append(el('circle', { cx: cx2, cy, r: k * r2, fill: R, 'clip-path': `url(#${clip.id})`, 'data-atom': 'redundancy' }));
  }
  if (rs > 0) svg.append(el('circle', { cx: cxs, cy, r: k * rs, fill: S, 'fill-opacity': 0.9, 'data-atom': 'synergy' }));
  // Outlines of the two mutual informations, then the labels.
  if (r1 > 0) svg.append(el('circle', { cx: cx1, cy, r: k * r1, fill: 'none', stroke: '#1b1f24', 'stroke-width': 1 }));
  if (r2 > 0) svg.append(el('circle', { cx: cx2, cy, r: k * r2, fill: 'none', stroke: '#1b1f24', 'stroke-width': 1 }));
  // Captions anchored away from the middle, so they never collide even when the discs coincide.
  const mid = (cx1 + cx2) / 2;
  const caption = (x, anchor, text, sub) => {
    svg.append(
      el('text', { x, y: height - 26, 'text-anchor': anchor, fill: '#1b1f24' }, text),
      el('text', { x, y: height - 10, 'text-anchor': anchor, fill: '#57606a' }, sub),
    );
  };
  if (tiny) caption(pad, 'start', 'I(X1;Y), I(X2;Y)', `${fromBits(Math.max(0, i1), unit).toFixed(3)}, ${fmt(i2)}`);
  else {
    if (r1 > 0) caption(Math.min(cx1, mid - 6), 'end', 'I(X1;Y)', fmt(i1));
    if (r2 > 0) caption(Math.max(cx2, mid + 6), 'start', 'I(X2;Y)', fmt(i2));
  }
  if (rs > 0) caption(cxs, 'middle', 'Synergy', fmt(pid.synergy));
  if (r1 === 0 && r2 === 0 && rs === 0) {
    svg.append(el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', fill: '#57606a' }, 'X1 and X2 carry no information about Y'));
  }

  const figure = document.createElement('figure');
  figure.className = 'chart pid-diagram';
  const heading = document.createElement('h3');
  heading.textContent = title;
  const legend = document.createElement('p');
  legend.className = 'legend';
  /** The legend's words for an atom: the plug-in, or with uncertainty the corrected value and its interval. */
  const words = (atom) => {
    const t = uncertainty?.[atom.key];
    if (!t) return `${atom.label} ${fmt(pid[atom.key])}`;
    const interval = t.low === null || t.low === undefined ? '' : ` [${fromBits(Math.max(0, t.low), unit).toFixed(3)}, ${fromBits(Math.max(0, t.high), unit).toFixed(3)}]`;
    const noise = t.p_value !== null && t.p_value !== undefined && t.p_value >= 0.05 ? ', not distinguishable from noise' : '';
    return `${atom.label} ${fmt(t.corrected)}${interval}${noise}`;
  };
  for (const atom of ATOMS) {
    const item = document.createElement('span');
    item.className = 'swatch';
    item.style.setProperty('--swatch', atom.color);
    item.textContent = words(atom);
    legend.append(item);
  }
  figure.append(heading, legend, svg);
  return Object.assign(figure, { legendItems: ATOMS.map((atom) => ({ label: words(atom), color: atom.color })) });
}
