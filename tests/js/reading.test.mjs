import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readResult } from '../../www/reading.js';

const pid = (redundancy, unique1, unique2, synergy) => ({ redundancy, unique1, unique2, synergy, mi_joint: redundancy + unique1 + unique2 + synergy });

test('redundant modalities: losing either should cost little', () => {
  const [headline, cost] = readResult(pid(1, 0, 0, 0), { x1: 'camera', x2: 'LiDAR', y: 'action' });
  assert.match(headline, /redundant \(100%\)/);
  assert.match(cost, /^Each of camera and LiDAR says what the other says, so losing either one should cost little/);
});

test('XOR: synergy dominates and predicts the cost of losing a modality', () => {
  const [headline, cost] = readResult(pid(0, 0, 0, 1));
  assert.match(headline, /synergistic \(100%\)/);
  assert.match(cost, /^Neither X1 nor X2 adds much on its own, but losing either would also lose the 100% that is synergy/);
});

test('uniqueness sets the cost of losing a modality', () => {
  const [headline, cost] = readResult(pid(0.2, 0.7, 0.1, 0));
  assert.match(headline, /comes from X1 alone \(70% unique to X1\)/);
  assert.match(cost, /^Losing X2 would cost at least its 10% unique share; losing X1 would cost at least its 70%/);
});

test('one unique input: losing the other costs little', () => {
  const [, cost] = readResult(pid(0.5, 0.5, 0, 0), { x1: 'camera', x2: 'LiDAR' });
  assert.match(cost, /^Most of what LiDAR says is also in camera, so losing LiDAR should cost little; losing camera would cost at least its 50% unique share/);
});

test('nothing to decompose is said plainly', () => {
  assert.deepEqual(readResult(pid(0, 0, 0, 0)).length, 1);
  assert.match(readResult(pid(1e-4, 0, 0, 0))[0], /next to nothing/);
});

const term = (corrected, p) => ({ corrected, p_value: p, plug_in: corrected, low: 0, high: corrected, null_mean: 0 });

test('with uncertainty, no significant atom: no information detected, never "mostly synergistic"', () => {
  const u = { redundancy: term(0, 0.9), unique1: term(0.001, 0.5), unique2: term(0.002, 0.4), synergy: term(0.02, 0.333) };
  const lines = readResult(pid(0.01, 0.01, 0.01, 0.17), { y: 'label', uncertainty: u });
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^No information about label was detected/);
  assert.doesNotMatch(lines.join(' '), /synergistic/);
});

test('with uncertainty, shares come from the corrected values of significant atoms only', () => {
  // Plug-in says redundancy dominates; only synergy is significant once corrected.
  const u = { redundancy: term(0.3, 0.2), unique1: term(0, 0.9), unique2: term(0, 0.9), synergy: term(0.5, 0.001) };
  const [headline, cost] = readResult(pid(0.9, 0.05, 0.05, 0.5), { uncertainty: u });
  assert.match(headline, /synergistic \(100%\)/);
  assert.match(cost, /100% that is synergy/);
});

test('without uncertainty the plug-in reading is unchanged', () => {
  assert.deepEqual(readResult(pid(0, 0, 0, 1), { uncertainty: null }), readResult(pid(0, 0, 0, 1)));
});
