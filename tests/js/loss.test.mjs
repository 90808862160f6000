import assert from 'node:assert/strict';
import { test } from 'node:test';
import { historyPoints, lossPoints, thinned } from '../../www/charts/lossCurve.js';

test('a training step becomes a point inside its epoch; an epoch end adds the validation loss', () => {
  assert.deepEqual(lossPoints({ stage: 'classifier_x2', epoch: 3, epochs: 40, batch: 2, batches: 4, loss: 0.5, validation_loss: null }), [
    { model: 'classifier p̂(y|x2)', split: 'training', epoch: 2.5, loss: 0.5 },
  ]);
  assert.deepEqual(lossPoints({ stage: 'alignment', epoch: 1, epochs: 10, batch: 0, batches: 4, loss: 0.1, validation_loss: 0.2 }), [
    { model: 'alignment q̃', split: 'validation', epoch: 1, loss: 0.2 },
  ]);
  assert.deepEqual(lossPoints({ stage: 'alignment', epoch: 1, epochs: 10, batch: 1, batches: 4, loss: Number.NaN, validation_loss: null }), [], 'a non-finite loss is not drawn');
});

test('a finished run’s history gives both curves of every model it trained', () => {
  const history = {
    classifier_x1: [{ epoch: 1, train: 0.7, validation: 0.69 }],
    classifier_x2: [],
    classifier_joint: [{ epoch: 1, train: 0.6, validation: 0.5 }, { epoch: 2, train: 0.4, validation: 0.3 }],
    alignment: [{ epoch: 1, train: 0.01, validation: 0.02 }],
  };
  const points = historyPoints(history);
  assert.equal(points.length, 8);
  assert.deepEqual(
    points.filter((p) => p.model === 'classifier p̂(y|x1,x2)' && p.split === 'validation').map((p) => p.loss),
    [0.5, 0.3],
  );
  assert.deepEqual(historyPoints(undefined), []);
});

test('a live curve keeps at most four training points per epoch and model, their means', () => {
  const points = [];
  for (let batch = 1; batch <= 40; batch += 1) points.push({ model: 'm', split: 'training', epoch: batch / 40, loss: batch });
  points.push({ model: 'm', split: 'validation', epoch: 1, loss: 0.5 });
  const thin = thinned(points);
  const training = thin.filter((p) => p.split === 'training');
  assert.equal(training.length, 4);
  assert.deepEqual(training[0], { model: 'm', split: 'training', epoch: 0.25, loss: 5.5 });
  assert.deepEqual(training[3], { model: 'm', split: 'training', epoch: 1, loss: 35.5 });
  assert.deepEqual(thin.at(-1), { model: 'm', split: 'validation', epoch: 1, loss: 0.5 });
});
