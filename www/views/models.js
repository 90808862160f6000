// The dataset's PID (of Y) beside the PIDs of a model's predictions (of Ŷ): the bits and
// shares the CLI prints, the stacked bars, and a reading of how the profiles differ.
import { atomsBar } from '../charts/atomsBar.js';
import { ATOMS } from '../charts/atoms.js';
import { h } from '../dom.js';
import { formatInfo } from '../format.js';
import { compareModel, isSignificant } from '../reading.js';

/**
 * @param {any} analysis the CVX analysis (its `pid`, `uncertainty`, `names`)
 * @param {{name: string, pid: any, uncertainty?: any}[]} models the models' PIDs
 * @param {{unit: import('../format.js').Unit, block: (figure: import('../charts/figure.js').Chart, baseName: string) => HTMLDivElement, base: string}} options
 *   block wraps a chart with its export buttons (results.js's chartBlock)
 * @returns {{section: HTMLElement, chart: HTMLDivElement}}
 */
export function modelComparison(analysis, models, { unit, block, base }) {
  const names = analysis.names ?? {};
  const y = names.y ?? 'Y';
  const data = { name: `dataset (${y})`, pid: analysis.pid, uncertainty: analysis.uncertainty };
  const targets = [data, ...models.map((m) => ({ name: `model (${m.name})`, pid: m.pid, uncertainty: m.uncertainty }))];
  const cell = (target, key, testid) => {
    const bits = target.pid[key];
    const total = target.pid.mi_joint;
    const atom = ATOMS.some((a) => a.key === key);
    const noise = atom && !isSignificant(target.uncertainty, key);
    return h(
      'td',
      { class: noise ? 'value noise' : 'value', dataset: { testid }, title: noise ? 'not distinguishable from noise' : null },
      formatInfo(bits, unit, 4),
      atom && total > 0 ? h('span', { class: 'atom-share' }, ` ${((100 * Math.max(0, bits)) / total).toFixed(1)}%`) : null,
    );
  };
  const rows = [...ATOMS.map((a) => [a.key, `${a.label} (${a.short})`]), ['mi_joint', 'I(X1,X2;·)']];
  const table = h(
    'table',
    { class: 'models-table', dataset: { testid: 'model-table' } },
    h('thead', {}, h('tr', {}, h('th', {}, ''), targets.map((t) => h('th', { scope: 'col' }, `${t.name} (${unit})`)))),
    h('tbody', {}, rows.map(([key, label]) => h('tr', {}, h('th', { scope: 'row' }, label), targets.map((t, i) => cell(t, key, i === 0 ? `data-${key}` : `model${i}-${key}`))))),
  );
  const reading = models.flatMap((m) => compareModel(data, m, { x1: names.x1 ?? 'X1', x2: names.x2 ?? 'X2', y }));
  const section = h(
    'section',
    { class: 'models', dataset: { testid: 'model-comparison' }, 'aria-label': 'Dataset and model' },
    h('h3', {}, 'The model’s predictions against the data'),
    h('div', { class: 'reading', dataset: { testid: 'model-reading' } }, reading.map((s) => h('p', {}, s))),
    h('div', { class: 'terms-scroll' }, table),
    h('p', { class: 'help' }, 'Each column is a PID: of the true label for the dataset, of the model’s predictions Ŷ for a model; the percentages are shares of that column’s I(X1,X2;·), which is how the profiles are compared.'),
  );
  const chart = block(atomsBar(targets, { unit, title: 'Dataset PID and model PID', mode: 'share' }), `${base}-dataset-vs-model`);
  return { section, chart };
}
