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
