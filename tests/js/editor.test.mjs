import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reshape, setCell } from '../../www/learn/editor.js';

const sum = (p) => p.reduce((s, x) => s + x, 0);

test('setting a cell renormalises the others in proportion', () => {
  const p = setCell([0.25, 0.25, 0.5, 0], 0, 0.5);
  assert.deepEqual(p.map((x) => +x.toFixed(12)), [0.5, 0.166666666667, 0.333333333333, 0]);
  assert.ok(Math.abs(sum(p) - 1) < 1e-12);
});

test('values are clamped and an all-zero rest is shared equally', () => {
  assert.deepEqual(setCell([1, 0, 0], 0, 0.4), [0.4, 0.3, 0.3]);
  assert.deepEqual(setCell([0.5, 0.5], 1, 7), [0, 1]);
  assert.deepEqual(setCell([0.5, 0.5], 1, Number.NaN), [1, 0]);
});

test('reshaping keeps the overlap and renormalises', () => {
  const p = reshape([0.25, 0, 0, 0.25, 0, 0.25, 0.25, 0], [2, 2, 2], [2, 2, 3]);
  assert.equal(p.length, 12);
  assert.ok(Math.abs(sum(p) - 1) < 1e-12);
  assert.equal(p[0], 0.25);
  assert.deepEqual(reshape([0, 1], [1, 1, 2], [1, 1, 1]), [1]);
});
