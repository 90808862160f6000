// "How stable is this?": the sensitivity sweep of a CVX result of samples, run after the
// result is on screen (src/analysis/sweep.rs; docs/rigor.md, "Sensitivity sweep"). The
// engine plans the points and discretises and solves each; each point's replicates go
// over the worker pool through the same `replicates` function as a single result's.

/**
 * The sweep as the card draws it.
 * @typedef {object} SweepState
 * @property {{axis: string, points: any[], planned: number, skipped: string | null, reading: {bits: string, nats: string} | null}[]} axes
 * @property {number} done points computed
 * @property {number} total points planned
 * @property {boolean} running
 * @property {boolean} cancelled
 * @property {number} resamples bootstrap replicates per point
 */

/**
 * Runs every axis's points in order, calling `onUpdate(state)` after each point.
 * @param {object} options
 * @param {import('./bridge.js').WorkerBridge} options.engine the worker holding the files
 * @param {(input: any, settings: any, signal: AbortSignal, onProgress: (p: any) => void, what: string) => Promise<any>} options.replicates one point's uncertainty over the pool
 * @param {object} options.roles
 * @param {object} options.settings the analysis's settings
 * @param {AbortSignal} options.signal
 * @param {(p: object) => void} options.onProgress
 * @param {(state: SweepState) => void} options.onUpdate
 * @returns {Promise<SweepState>}
 */
export async function runSweep({ engine, replicates, roles, settings, signal, onProgress, onUpdate }) {
  onProgress({ stage: 'sweep', message: 'How stable is this? Planning the sensitivity sweep', fraction: 0 });
  const planned = await engine.call('sweepPlan', { roles, settings }, { signal });
  const total = planned.reduce((sum, a) => sum + a.points.length, 0);
  /** @type {SweepState} */
  const state = {
    axes: planned.map((a) => ({ axis: a.axis, points: [], planned: a.points.length, skipped: a.skipped, reading: null })),
    done: 0,
    total,
    running: true,
    cancelled: false,
    resamples: planned.find((a) => a.points.length)?.points[0].settings.resamples ?? 0,
  };
  onUpdate(state);
  try {
    for (const [i, axis] of planned.entries()) {
      for (const setting of axis.points) {
        const label = setting.axis === 'samples' ? `${setting.value.toLocaleString()} rows` : setting.axis === 'clusters' ? `K = ${setting.value}` : `PCA ${setting.value}`;
        const message = `How stable is this? Sensitivity sweep, ${label} (point ${state.done + 1} of ${total})`;
        const progress = (p) => onProgress({ stage: 'sweep', message, fraction: (state.done + (p?.fraction ?? 0)) / Math.max(1, total) });
        progress(null);
        const table = await engine.call('sweepTable', { setting }, { signal });
        const uncertainty = setting.settings.resamples > 0 ? await replicates(table.input, setting.settings, signal, progress, label) : null;
        state.axes[i].points.push(await engine.call('sweepPoint', { table, uncertainty }, { signal }));
        state.done += 1;
        onUpdate(state);
      }
      const points = state.axes[i].points;
      if (points.length) {
        const [bits, nats] = await Promise.all([
          engine.call('sweepReading', { points, perBit: 1, unit: 'bits' }, { signal }),
          engine.call('sweepReading', { points, perBit: Math.LN2, unit: 'nats' }, { signal }),
        ]);
        state.axes[i].reading = { bits, nats };
        onUpdate(state);
      }
    }
  } catch (error) {
    state.cancelled = true;
    throw error;
  } finally {
    state.running = false;
    onUpdate(state);
  }
  return state;
}
