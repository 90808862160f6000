import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reshape, setCell } from '../../www/learn/editor.js';

const sum = (p) => p.reduce((s, x) => s + x, 0);

test('setting a cell renormalises the others in proportion, and says by how much', () => {
  const { p, note, refused } = setCell([0.25, 0.25, 0.5, 0], 0, 0.5);
  assert.deepEqual(p.map((x) => +x.toFixed(12)), [0.5, 0.166666666667, 0.333333333333, 0]);
  assert.ok(Math.abs(sum(p) - 1) < 1e-12);
  assert.equal(refused, false);
  assert.equal(note, 'The other cells were scaled by 0.6667 so the table sums to 1.');
  assert.equal(setCell([0.5, 0.5], 0, 0.5).note, 'The table still sums to 1; no other cell changed.');
  assert.match(setCell([0.5, 0.5], 0, 1).note, /other cells were set to 0/);
});

test('values are clamped, said so, and an all-zero rest is shared equally, said so', () => {
  const shared = setCell([1, 0, 0], 0, 0.4);
  assert.deepEqual(shared.p, [0.4, 0.3, 0.3]);
  assert.equal(shared.note, 'The other cells were all 0, so they now share the remaining 0.6 equally (0.3 each).');
  const high = setCell([0.5, 0.5], 1, 7);
  assert.deepEqual(high.p, [0, 1]);
  assert.match(high.note, /^7 is not a probability, so the cell is set to 1\. /);
  const nan = setCell([0.5, 0.5], 1, Number.NaN);
  assert.deepEqual(nan.p, [1, 0]);
  assert.match(nan.note, /^That is not a number, so the cell is set to 0\. The other cells were scaled by 2/);
});

test('zeroing the only non-zero cell is refused: no cell silently becomes 1', () => {
  // Entering zeros one by one: the last non-zero cell stays as it is.
  let p = [0.25, 0.25, 0.25, 0.25];
  for (const i of [0, 1, 2]) p = setCell(p, i, 0).p;
  assert.deepEqual(p, [0, 0, 0, 1]);
  const last = setCell(p, 3, 0);
  assert.equal(last.refused, true);
  assert.deepEqual(last.p, [0, 0, 0, 1]);
  assert.match(last.note, /^Not changed: .*cannot be all zeros/);
});

test('reshaping keeps the overlap and renormalises, saying so', () => {
  const { p, note } = reshape([0.25, 0, 0, 0.25, 0, 0.25, 0.25, 0], [2, 2, 2], [2, 2, 3]);
  assert.equal(p.length, 12);
  assert.ok(Math.abs(sum(p) - 1) < 1e-12);
  assert.equal(p[0], 0.25);
  assert.equal(note, '', 'nothing was dropped');
  const cut = reshape([0.5, 0.25, 0.25, 0], [1, 2, 2], [1, 1, 2]);
  assert.deepEqual(cut.p.map((x) => +x.toFixed(12)), [0.666666666667, 0.333333333333]);
  assert.equal(cut.note, 'The removed states held 0.25 of the probability; the kept cells were scaled by 1.333 so the table sums to 1.');
  assert.deepEqual(reshape([0, 1], [1, 1, 2], [1, 1, 1]), { p: [1], note: 'No probability was left in the kept cells, so the new table is uniform.' });
});
