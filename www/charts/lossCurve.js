import * as Plot from '@observablehq/plot';
import { BATCH_MODELS } from '../batchModels.js';
import { finishPlot } from './figure.js';

/** @typedef {{model: string, split: string, epoch: number, loss: number}} LossPoint */

const SPLIT_COLORS = { domain: ['training', 'validation'], range: ['#56B4E9', '#D55E00'] };

/**
 * A training progress report from the engine as loss points: every batch's training
 * loss at x = epoch − 1 + batch/batches, and each epoch's validation loss at x = epoch.
 * @returns {LossPoint[]}
 */
export function lossPoints(step) {
  const model = BATCH_MODELS.find((m) => m.stage === step.stage)?.label ?? step.stage;
  const points = [];
  if (step.batch > 0 && Number.isFinite(step.loss)) points.push({ model, split: 'training', epoch: step.epoch - 1 + step.batch / step.batches, loss: step.loss });
  if (step.validation_loss !== null && step.validation_loss !== undefined) points.push({ model, split: 'validation', epoch: step.epoch, loss: step.validation_loss });
  return points;
}

/**
 * Fewer points for a live chart: each model's training losses averaged over bins of
 * 1/`perEpoch` epoch (drawn at the bin's last point); validation points kept. Keeps a
 * redraw cheap however many batches an epoch has.
 */
export function thinned(points, perEpoch = 4) {
  const bins = new Map();
  const kept = [];
  for (const p of points) {
    if (p.split !== 'training') {
      kept.push(p);
      continue;
    }
    const key = `${p.model}\u0000${Math.ceil(p.epoch * perEpoch)}`;
    const bin = bins.get(key);
    if (bin) {
      bin.sum += p.loss;
      bin.n += 1;
      bin.epoch = Math.max(bin.epoch, p.epoch);
    } else bins.set(key, { model: p.model, split: p.split, epoch: p.epoch, sum: p.loss, n: 1 });
  }
  const training = [...bins.values()].map(({ model, split, epoch, sum, n }) => ({ model, split, epoch, loss: sum / n }));
  return [...training, ...kept];
}

/** A finished run's per-epoch history (`BatchPid.history`) as loss points. */
export function historyPoints(history) {
  return BATCH_MODELS.flatMap((m) =>
    (history?.[m.stage] ?? []).flatMap((e) => [
      { model: m.label, split: 'training', epoch: e.epoch, loss: e.train },
      { model: m.label, split: 'validation', epoch: e.epoch, loss: e.validation },
    ]),
  );
}

/**
 * Loss curves of BATCH's models, one panel per model (their losses have different
 * scales), training and validation loss in nats against epochs.
 * @param {LossPoint[]} points
 * @param {{title?: string}} [options]
 * @returns {import('./figure.js').Chart} a <figure> holding the SVG
 */
export function lossCurve(points, { title = 'BATCH training loss' } = {}) {
  const models = BATCH_MODELS.map((m) => m.label).filter((label) => points.some((p) => p.model === label));
  const last = (label, split) => points.findLast((p) => p.model === label && p.split === split);
  const describe = models
    .map((label) => {
      const [train, validation] = [last(label, 'training'), last(label, 'validation')];
      return `${label}: ${train ? `training loss ${train.loss.toFixed(3)}` : 'no training loss yet'}${validation ? `, validation loss ${validation.loss.toFixed(3)} after epoch ${validation.epoch}` : ''}`;
    })
    .join('; ');
  const figure = Plot.plot({
    title,
    ariaLabel: `Line chart: ${title}`,
    ariaDescription: describe || 'no losses yet',
    width: 640,
    height: 40 + 110 * Math.max(1, models.length),
    marginLeft: 56,
    marginRight: 150,
    x: { label: 'epoch →', grid: true },
    y: { label: '↑ loss (nats)', grid: true, nice: true },
    fy: { domain: models, label: null, padding: 0.15 },
    color: { ...SPLIT_COLORS, legend: true },
    marks: [
      Plot.line(points, { x: 'epoch', y: 'loss', stroke: 'split', fy: 'model', strokeWidth: 1.2, curve: 'linear' }),
      Plot.dot(
        points.filter((p) => p.split === 'validation'),
        { x: 'epoch', y: 'loss', fill: 'split', fy: 'model', r: 2.5, title: (p) => `${p.model}, epoch ${p.epoch}: validation loss ${p.loss.toFixed(4)} nats` },
      ),
      Plot.frame({ strokeOpacity: 0.2 }),
    ],
  });
  return finishPlot(figure, 'loss-curve', SPLIT_COLORS.domain.map((label, i) => ({ label, color: SPLIT_COLORS.range[i] })));
}
