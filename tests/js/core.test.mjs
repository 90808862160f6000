// The same wasm the browser loads, driven from node.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { initSync, analyseExample, analyseTable, exampleNames } from '../../target/pkg/pidscope.js';

initSync({ module: readFileSync(new URL('../../target/pkg/pidscope_bg.wasm', import.meta.url)) });

test('the wasm core computes the gates information terms', () => {
  const and = analyseExample('AND');
  assert.deepEqual(and.shape, [2, 2, 2]);
  assert.ok(Math.abs(and.info.mi_joint - (2 - 0.75 * Math.log2(3))) < 1e-12);
  assert.deepEqual(exampleNames(), ['XOR', 'AND', 'OR', 'COPY', 'RDN', 'UNQ', 'SUM']);
});

test('invalid tables throw errors that name the problem', () => {
  assert.throws(() => analyseTable(new Uint32Array([1, 1, 2]), new Float64Array([0, 0])), { name: 'TableError', message: /all weights are zero/ });
  assert.throws(() => analyseTable(new Uint32Array([2, 1, 1]), new Float64Array([1])), { name: 'TableError', message: /needs 2 weights, got 1/ });
});
