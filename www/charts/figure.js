// What every Plot chart gets after drawing: its main SVG marked for export, and the
// legend entries kept as data so an exported SVG can redraw them.

/** @typedef {{label: string, color: string}} LegendItem */

/**
 * A drawn chart: a <figure> (or Plot's bare <svg>) with the legend entries that
 * svgText (export.js) redraws.
 * @typedef {(HTMLElement | SVGSVGElement) & {legendItems?: LegendItem[]}} Chart
 */

/**
 * @template {HTMLElement | SVGSVGElement} F
 * @param {F} figure what Plot.plot returned (a <figure> when a title is set)
 * @param {string} kind a CSS class naming the chart
 * @param {LegendItem[]} [legendItems]
 * @returns {F & {legendItems: LegendItem[]}}
 */
export function finishPlot(figure, kind, legendItems = []) {
  const svgs = [...figure.querySelectorAll(':scope > svg')];
  const main = svgs.at(-1);
  main?.setAttribute('data-role', 'plot');
  main?.setAttribute('role', 'img');
  // Plot names its marks' groups (aria-label="cell", "rule"…), which ARIA forbids on a <g>
  // without a role; as groups they are allowed, and inside role=img they stay silent.
  for (const g of figure.querySelectorAll('svg g[aria-label]:not([role])')) g.setAttribute('role', 'group');
  // Plot titles are <h2>; inside a result card a chart is one level below.
  const title = figure.querySelector(':scope > h2');
  if (title) {
    const h3 = document.createElement('h3');
    h3.textContent = title.textContent;
    title.replaceWith(h3);
  }
  figure.classList.add('chart', kind);
  return Object.assign(figure, { legendItems });
}

/** What a card takes from the page's width around a chart: body and card padding, borders. */
const CARD_CHROME = 80;

/**
 * The width (px) to draw a chart at: its natural width, or what the page leaves for it
 * when that is narrower. Drawn at the width it is shown at, a chart keeps its text at
 * full size instead of being scaled down with the SVG (10 px text at 640 px is 5 px at 320).
 * @param {number} [natural] the width the chart is designed for
 * @param {number} [least] never narrower than this
 */
export function chartWidth(natural = 640, least = 240) {
  const page = globalThis.document?.documentElement?.clientWidth || natural + CARD_CHROME;
  return Math.max(least, Math.min(natural, page - CARD_CHROME));
}

/** The width (px) of `text` in Plot's default 10 px sans-serif, bold if asked: an upper estimate, for deciding whether a label fits. */
export function textWidth(text, bold = false) {
  // Digits and capitals are about 0.6 em wide in the common sans-serif faces; '%' about 0.9 em.
  const em = [...text].reduce((s, c) => s + (c === '%' ? 0.9 : c === ' ' ? 0.3 : /[a-z.]/.test(c) ? 0.55 : 0.65), 0);
  return em * 10 * (bold ? 1.08 : 1);
}
