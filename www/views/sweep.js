// "How stable is this?" on a result card: the sensitivity sweep's charts, one per axis,
// each with the sentence on what moves and its numbers as a table (the chart's text
// alternative). Pure view code: it draws what sweepRun.js collected.
import { ATOMS } from '../charts/atoms.js';
import { SWEEP_AXES, sweepChart } from '../charts/sweepChart.js';
import { h } from '../dom.js';
import { fromBits } from '../format.js';
import META from '../meta.js';

const NO_SWEEP_FOR_COUNTS = 'No sensitivity sweep: a counts table’s cells are fixed, so there is no clustering or PCA to vary and there are no rows to subsample.';

/** "0.123 [0.100, 0.150]", or the plug-in value alone without an interval. */
function cell(a, unit) {
  const v = (x) => fromBits(x, unit).toFixed(3);
  return a.low !== null && a.low !== undefined ? `${v(a.corrected)} [${v(a.low)}, ${v(a.high)}]` : v(a.plug_in);
}

/** The numbers of one axis as a table: the chart's text alternative. */
function sweepTable(axis, unit) {
  return h(
    'details',
    { class: 'sweep-numbers' },
    h('summary', {}, 'These numbers as a table'),
    h(
      'div',
      { class: 'terms-scroll' },
      h(
        'table',
        { class: 'terms', dataset: { testid: `sweep-table-${axis.axis}` } },
        h('caption', {}, `${SWEEP_AXES[axis.axis]?.title ?? axis.axis}: corrected atoms [95% interval], ${unit}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'setting'), ATOMS.map((a) => h('th', { scope: 'col' }, a.short)), h('th', { scope: 'col' }, 'samples per cell'), h('th', { scope: 'col' }, 'intervals'))),
        h(
          'tbody',
          {},
          axis.points.map((p) =>
            h(
              'tr',
              { class: p.current ? 'current' : null },
              h('th', { scope: 'row' }, `${p.label}${p.current ? ' (current)' : ''}`),
              ATOMS.map((a) => h('td', { class: 'value' }, cell(p.atoms[a.key], unit))),
              h('td', { class: 'value' }, p.samples_per_cell.toFixed(1)),
              h('td', {}, p.reliability),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * The sweep's section of a card, or a note for a counts table; null before it starts.
 * @param {any} analysis the page's analysis (with `sweep` from sweepRun.js)
 * @param {{unit: import('../format.js').Unit, block: (figure: any, name: string) => HTMLElement, base: string}} options
 */
export function sweepSection(analysis, { unit, block, base }) {
  if (analysis.kind === 'counts' && !analysis.builtin) return h('p', { class: 'stats', dataset: { testid: 'sweep-none' } }, NO_SWEEP_FOR_COUNTS);
  const sweep = analysis.sweep;
  if (!sweep) return null;
  if (sweep.error) return h('p', { class: 'stats', dataset: { testid: 'sweep-none' } }, `No sensitivity sweep: ${sweep.error}.`);
  const fewer = sweep.resamples < (analysis.settings?.resamples ?? META.defaults.resamples) ? ` (the result above: ${analysis.settings?.resamples ?? META.defaults.resamples}, fewer here for speed)` : '';
  const how =
    sweep.resamples > 0
      ? `Each point repeats the analysis with one setting changed: bias-corrected atoms with 95% intervals from ${sweep.resamples} resamples per point${fewer}; no p-values.`
      : 'Each point repeats the analysis with one setting changed: plug-in atoms (resamples are off, so no intervals).';
  const status = sweep.running ? `Computing: ${sweep.done} of ${sweep.total} points.` : sweep.cancelled ? `Cancelled after ${sweep.done} of ${sweep.total} points.` : null;
  return h(
    'section',
    { class: 'sweep', dataset: { testid: 'sweep', done: String(sweep.done), total: String(sweep.total), running: String(sweep.running) }, 'aria-label': 'How stable is this?' },
    h('h3', {}, 'How stable is this?'),
    h('p', { class: 'help' }, how),
    status ? h('p', { class: 'stats', role: 'status', dataset: { testid: 'sweep-status' } }, status) : null,
    sweep.axes.map((axis) => {
      if (axis.skipped) return h('p', { class: 'stats' }, `${SWEEP_AXES[axis.axis]?.title ?? axis.axis}: nothing to vary — ${axis.skipped}.`);
      if (!axis.points.length) return null;
      return h(
        'div',
        { class: 'sweep-axis', dataset: { testid: `sweep-${axis.axis}` } },
        axis.reading ? h('p', { class: 'reading', dataset: { testid: `sweep-reading-${axis.axis}` } }, axis.reading[unit]) : null,
        block(sweepChart(axis, { unit }), `${base}-sweep-${axis.axis}`),
        sweepTable(axis, unit),
      );
    }),
  );
}
