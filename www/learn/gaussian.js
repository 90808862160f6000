// Learn mode's Gaussian example: sliders for the noise of each input, the correlation of
// their sources and the weight of each in Y; every move re-solves the Gaussian PID of the
// model's exact covariance (the core's `gaussianLesson`), latest move first.
import { atomsBar } from '../charts/atomsBar.js';
import { ATOMS } from '../charts/atoms.js';
import { h } from '../dom.js';
import { formatInfo } from '../format.js';

// [key, label, min, max, step, start, help]: the page's slider ranges, inside the bounds
// the core accepts (src/examples/gaussian.rs).
/** @type {[string, string, number, number, number, number, string][]} */
const SLIDERS = [
  ['noise1', 'Noise of X1 (σ1)', 0, 3, 0.05, 0.5, 'How much noise is added to X1’s source A: X1 = A + σ1·noise.'],
  ['noise2', 'Noise of X2 (σ2)', 0, 3, 0.05, 1, 'How much noise is added to X2’s source B: X2 = B + σ2·noise.'],
  ['correlation', 'Correlation of the sources (ρ)', -0.95, 0.95, 0.05, 0, 'How strongly A and B move together (−1 to 1).'],
  ['weight1', 'Weight of A in Y (w1)', 0, 2, 0.05, 1, 'How much Y depends on X1’s source.'],
  ['weight2', 'Weight of B in Y (w2)', 0, 2, 0.05, 1, 'How much Y depends on X2’s source.'],
];

/**
 * @param {{bridge: import('../bridge.js').WorkerBridge, unit: () => import('../format.js').Unit, report: (error: Error, context?: string) => void}} deps
 * @returns {HTMLElement & {start: () => void, redraw: () => void}}
 */
export function gaussianLesson({ bridge, unit, report }) {
  /** @type {Record<string, number>} */
  const model = Object.fromEntries(SLIDERS.map(([key, , , , , start]) => [key, start]));
  const state = { result: null, pending: null, busy: false };
  const live = h('div', { class: 'live', dataset: { testid: 'gaussian-lesson-result' } });
  // A screen reader hears the four atoms after each move, not the whole table.
  const status = h('p', { class: 'visually-hidden', role: 'status', dataset: { testid: 'gaussian-lesson-status' } });
  const timing = h('p', { class: 'status', dataset: { testid: 'gaussian-lesson-time' } });
  const formula = h('p', { class: 'setup', dataset: { testid: 'gaussian-lesson-model' } });

  async function solve() {
    if (state.busy) return;
    state.busy = true;
    while (state.pending) {
      const { asked, started } = state.pending;
      state.pending = null;
      try {
        const sent = performance.now();
        state.result = await bridge.call('gaussianLesson', { model: asked });
        const solved = performance.now();
        draw();
        timing.textContent = `Updated in ${(performance.now() - started).toFixed(1)} ms (engine ${(solved - sent).toFixed(1)} ms).`;
      } catch (error) {
        report(error, 'The Gaussian example could not be solved');
      }
    }
    state.busy = false;
  }

  function changed() {
    state.pending = { asked: { ...model }, started: performance.now() };
    solve();
  }

  function draw() {
    const { result } = state;
    if (!result) return;
    const u = unit();
    const { pid } = result;
    const s = result.target_noise;
    formula.textContent = `X1 = A + ${model.noise1.toFixed(2)}·E1, X2 = B + ${model.noise2.toFixed(2)}·E2, Y = ${model.weight1.toFixed(2)}·A + ${model.weight2.toFixed(2)}·B + ${s}·Ey, where A and B have correlation ${model.correlation.toFixed(2)} and the E are independent noises.`;
    const row = (label, key, testid) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'value', dataset: { testid } }, formatInfo(pid[key], u, 4)));
    status.textContent = ATOMS.map((a) => `${a.label} ${formatInfo(pid[a.key], u, 3)}`).join(', ');
    live.replaceChildren(
      h(
        'table',
        { class: 'terms', 'aria-label': 'Gaussian PID of the model' },
        h('tbody', {}, ATOMS.map((a) => row(`${a.label} (${a.short})`, a.key, `gauss-learn-${a.key}`)), row('I(X1;Y)', 'mi_x1_y', 'gauss-learn-mi_x1_y'), row('I(X2;Y)', 'mi_x2_y', 'gauss-learn-mi_x2_y'), row('I(X1,X2;Y)', 'mi_joint', 'gauss-learn-mi_joint')),
      ),
      atomsBar([{ name: 'this model', pid }], { unit: u, title: 'Gaussian PID of the model' }),
      h('p', { class: 'status' }, `Redundancy is min(I(X1;Y), I(X2;Y)) here: for a one-dimensional Gaussian Y the PID is exact in closed form (Barrett 2015), and the solver’s gap to it is ${pid.scalar_gap_bits.toExponential(1)} bits.`),
    );
  }

  const slider = ([key, label, min, max, step, , help]) => {
    const id = `gauss-${key}`;
    const output = h('output', { for: id, dataset: { testid: `${id}-value` } }, model[key].toFixed(2));
    const input = h('input', { type: 'range', id, min, max, step, value: model[key], 'aria-describedby': `${id}-help` });
    input.addEventListener('input', () => {
      model[key] = Number(input.value);
      output.textContent = model[key].toFixed(2);
      changed();
    });
    return h('div', { class: 'slider' }, h('label', { for: id }, label), h('div', { class: 'slider-row' }, input, output), h('p', { class: 'help', id: `${id}-help` }, help));
  };

  const view = h(
    'article',
    { class: 'gaussian-lesson', dataset: { testid: 'gaussian-lesson' }, 'aria-label': 'A Gaussian example with sliders' },
    h('h3', {}, 'A Gaussian example: move the sliders'),
    h('p', {}, 'Two noisy inputs X1 and X2 see the sources A and B of a target Y. Every move solves the Gaussian PID of the model’s exact covariance (no samples, so no noise): watch redundancy follow the weaker input, and synergy appear when the sources are independent but both feed Y.'),
    formula,
    h('div', { class: 'sliders' }, SLIDERS.map(slider)),
    timing,
    status,
    live,
  );
  return Object.assign(view, { start: changed, redraw: draw });
}
