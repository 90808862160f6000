// The same wasm the browser loads, driven from node.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { initSync, analyseExample, analyseTable, exampleNames, Workspace } from '../../target/pkg/pidscope.js';

initSync({ module: readFileSync(new URL('../../target/pkg/pidscope_bg.wasm', import.meta.url)) });

const cases = JSON.parse(readFileSync(new URL('../data/reference.json', import.meta.url)));

test('the wasm core reproduces every gallery example of the reference cases', () => {
  assert.deepEqual(exampleNames().slice(0, 7), ['XOR', 'AND', 'OR', 'COPY', 'RDN', 'UNQ', 'SUM']);
  for (const name of exampleNames()) {
    const reference = cases.find((c) => c.name === name);
    const { dataset } = analyseExample(name);
    for (const [key, atom] of [['R', 'redundancy'], ['U1', 'unique1'], ['U2', 'unique2'], ['S', 'synergy']]) {
      assert.ok(Math.abs(dataset.pid[atom] - reference[key]) <= reference.tol, `${name} ${atom}`);
    }
  }
});

test('every reference case solves in wasm to its tolerance with a certificate', () => {
  for (const c of cases) {
    const { dataset } = analyseTable(Uint32Array.from(c.shape), Float64Array.from(c.p), null);
    for (const [key, atom] of [['R', 'redundancy'], ['U1', 'unique1'], ['U2', 'unique2'], ['S', 'synergy'], ['MI', 'mi_joint']]) {
      assert.ok(Math.abs(dataset.pid[atom] - c[key]) <= c.tol, `${c.name} ${atom}: ${dataset.pid[atom]} vs ${c[key]}`);
    }
    assert.ok(dataset.pid.certificate_bits <= 1e-6, c.name);
  }
});

test('invalid tables throw errors that name the problem', () => {
  assert.throws(() => analyseTable(new Uint32Array([1, 1, 2]), new Float64Array([0, 0]), null), { name: 'TableError', message: /all weights are zero/ });
  assert.throws(() => analyseTable(new Uint32Array([2, 1, 1]), new Float64Array([1]), null), { name: 'TableError', message: /needs 2 weights, got 1/ });
});

test('the workspace streams a CSV in chunks and analyses it', () => {
  const workspace = new Workspace();
  workspace.startFile('xor.csv', 0);
  const bytes = new TextEncoder().encode('x1,x2,y,count\n0,0,0,1\n0,1,1,1\n1,0,1,1\n1,1,0,1\n');
  for (let i = 0; i < bytes.length; i += 5) workspace.push(bytes.subarray(i, i + 5));
  const summary = workspace.finishFile();
  assert.equal(summary.kind, 'counts');
  assert.equal(summary.rows, 4);
  const stages = [];
  const analysis = workspace.estimate({ x1: [], x2: [], y: null, yhat: [] }, { clusters: 20, pca: 5, seed: 0 }, (s) => stages.push(s.phase));
  assert.ok(Math.abs(analysis.dataset.pid.synergy - 1) < 1e-6);
  assert.deepEqual(stages, ['solving']);
  assert.throws(() => workspace.startFile('xor.csv', 0), { name: 'DataError', message: /already loaded/ });
  workspace.free();
});
