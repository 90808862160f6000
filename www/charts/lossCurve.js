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
 * Loss curves of BATCH's models, one panel per model, each on its own y scale (a
 * classifier's cross-entropy and the alignment's I_q̃(X2;Y|X1) are different
 * quantities): training and validation loss in nats against epochs. The panels are
 * drawn by Plot and stacked in one SVG, so the chart reads and exports as one image.
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
  const width = 640;
  const panels = (models.length ? models : [null]).map((label, i, all) =>
    lossPanel(
      points.filter((p) => p.model === label),
      label,
      { width, bottom: i === all.length - 1 },
    ),
  );
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  let height = 0;
  for (const panel of panels) {
    panel.setAttribute('y', String(height));
    panel.setAttribute('aria-hidden', 'true');
    // Plot's class gives its SVG `height: auto`, which a nested <svg> reads as 100 %.
    panel.style.cssText = `width: ${width}px; height: ${panel.getAttribute('height')}px; max-width: none;`;
    height += Number(panel.getAttribute('height'));
    svg.append(panel);
  }
  for (const [name, value] of Object.entries({ width, height, viewBox: `0 0 ${width} ${height}`, 'aria-label': `Line chart: ${title}`, 'aria-description': describe || 'no losses yet' }))
    svg.setAttribute(name, String(value));
  const figure = document.createElement('figure');
  const heading = document.createElement('h2');
  heading.textContent = title;
  figure.append(heading, Plot.legend({ color: SPLIT_COLORS }), svg);
  return finishPlot(figure, 'loss-curve', SPLIT_COLORS.domain.map((label, i) => ({ label, color: SPLIT_COLORS.range[i] })));
}

/** One model's panel: its own x and y scales (models train for different numbers of epochs), the model named on the right. */
function lossPanel(points, label, { width, bottom }) {
  return Plot.plot({
    width,
    height: bottom ? 150 : 136,
    marginLeft: 56,
    marginRight: 150,
    marginBottom: bottom ? 36 : 24,
    x: { label: bottom ? 'epoch →' : null, grid: true },
    y: { label: '↑ loss (nats)', grid: true, nice: true },
    color: SPLIT_COLORS,
    marks: [
      Plot.line(points, { x: 'epoch', y: 'loss', stroke: 'split', strokeWidth: 1.2, curve: 'linear' }),
      Plot.dot(
        points.filter((p) => p.split === 'validation'),
        { x: 'epoch', y: 'loss', fill: 'split', r: 2.5, title: (p) => `${p.model}, epoch ${p.epoch}: validation loss ${p.loss.toFixed(4)} nats` },
      ),
      label ? Plot.text([label], { frameAnchor: 'right', dx: 10, textAnchor: 'start', fontSize: 12 }) : null,
      Plot.frame({ strokeOpacity: 0.2 }),
    ],
  });
}
