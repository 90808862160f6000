import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatInfo, fromBits } from '../../www/format.js';

test('formatInfo prints bits with fixed digits and hides rounding noise', () => {
  assert.equal(formatInfo(0.31127812445913305), '0.311 bits');
  assert.equal(formatInfo(-1e-12), '0.000 bits');
  assert.equal(formatInfo(1, 'bits', 1), '1.0 bits');
  assert.equal(formatInfo(Number.NaN), '—');
});

test('nats are bits times ln 2', () => {
  assert.equal(fromBits(1, 'nats'), Math.LN2);
  assert.equal(formatInfo(1, 'nats'), '0.693 nats');
  assert.equal(fromBits(2), 2);
});
