import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareModel, disagreements, followedEstimator, gaussianRemark, readResult } from '../../www/reading.js';

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

test('"most" only for a majority: a plurality is "the largest part"', () => {
  const [plurality] = readResult(pid(0.43, 0.3, 0.27, 0));
  assert.match(plurality, /^The largest part of what X1 and X2 say about Y is redundant \(43%\)/);
  const [majority] = readResult(pid(0.6, 0.3, 0.1, 0));
  assert.match(majority, /^Most of what X1 and X2 say about Y is redundant \(60%\)/);
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

// "Both": atoms on which CVX and BATCH disagree beyond their intervals, and which the reading follows.

const batchPid = (atoms, spread) => ({ ...pid(...atoms), spread: { redundancy: spread, unique1: spread, unique2: spread, synergy: spread } });

const cvxColumn = (value, uncertainty) => ({ estimator: 'cvx', title: 'CVX', pid: value, uncertainty });
const batchColumn = (atoms, spread) => ({ estimator: 'batch', title: 'BATCH', pid: batchPid(atoms, spread) });
const gaussianColumn = (atoms) => ({ estimator: 'gaussian', title: 'Gaussian', pid: pid(...atoms) });

test('disagreements: non-overlapping intervals and a real gap are flagged, overlaps are not', () => {
  const cvx = cvxColumn(pid(0.01, 0.03, 0, 0.02));
  const far = disagreements([cvx, batchColumn([0, 0.86, 0, 0.86], 0.05)]);
  assert.deepEqual(far.map((d) => d.key), ['unique1', 'synergy']);
  assert.deepEqual(far[0].ranges[0], [0.03, 0.03], 'no uncertainty: the plug-in value is a point');
  assert.deepEqual(far[0].estimators, ['cvx', 'batch']);
  // Within 2 spreads: not flagged.
  assert.deepEqual(disagreements([cvx, batchColumn([0, 0.1, 0, 0.02], 0.05)]), []);
  // A gap under the minimum is never flagged, however small the spreads.
  assert.deepEqual(disagreements([cvx, batchColumn([0.01, 0.045, 0, 0.02], 0)]), []);
  // CVX's bootstrap interval counts: a wide one covers BATCH's value.
  const interval = { corrected: 0.03, low: -0.1, high: 0.95 };
  const withInterval = cvxColumn(cvx.pid, { redundancy: null, unique1: interval, unique2: null, synergy: interval });
  assert.deepEqual(disagreements([withInterval, batchColumn([0, 0.86, 0, 0.86], 0.01)]), []);
});

test('disagreements with the Gaussian column: its value is a point, never set against another bare point', () => {
  const gaussian = gaussianColumn([0.4, 0.0, 0.0, 1.2]);
  // CVX without intervals and the Gaussian: two points, nothing to judge noise by.
  assert.deepEqual(disagreements([cvxColumn(pid(0.1, 0.3, 0, 0.2)), gaussian]), []);
  // Against CVX's interval: flagged where the Gaussian value lies outside it.
  const tight = { corrected: 0.1, low: 0.05, high: 0.15 };
  const wide = { corrected: 0.2, low: 0, high: 2 };
  const cvx = cvxColumn(pid(0.1, 0.3, 0, 0.2), { redundancy: tight, unique1: wide, unique2: wide, synergy: wide });
  assert.deepEqual(disagreements([cvx, gaussian]).map((d) => [d.key, ...d.estimators]), [['redundancy', 'cvx', 'gaussian']]);
  // Against BATCH's spread, in a three-way comparison: every pair is checked.
  const three = disagreements([cvx, gaussian, batchColumn([0.4, 0.0, 0.0, 0.5], 0.05)]);
  assert.deepEqual(three.map((d) => `${d.key}:${d.estimators.join('-')}`), ['redundancy:cvx-gaussian', 'redundancy:cvx-batch', 'synergy:gaussian-batch']);
  const name = (e) => ({ cvx: 'CVX', batch: 'BATCH' })[e];
  const short = (k) => ({ redundancy: 'R', synergy: 'S' })[k] ?? k;
  assert.match(gaussianRemark(gaussian, batchColumn([0.4, 0, 0, 0.5], 0.05), three, short, name), /^The Gaussian column differs from BATCH on S beyond BATCH's interval/);
  assert.match(gaussianRemark({ ...gaussian, target_encoding: 'one_hot' }, cvxColumn(pid(0.1, 0.3, 0, 0.2)), [], short, name), /not checked against CVX: neither has an interval.*only an approximation/);
});

test('the Gaussian column with its own bootstrap intervals is checked against a bare CVX point and says so', () => {
  const term = (corrected, low, high) => ({ corrected, low, high });
  const gaussian = { ...gaussianColumn([0.4, 0.0, 0.0, 1.2]), uncertainty: { redundancy: term(0.4, 0.35, 0.45), unique1: term(0, 0, 0.05), unique2: term(0, 0, 0.05), synergy: term(1.2, 1.1, 1.3) } };
  const cvx = cvxColumn(pid(0.1, 0.0, 0, 1.2));
  // CVX's R (a point, no resamples) lies outside the Gaussian interval [0.35, 0.45].
  const apart = disagreements([cvx, gaussian]);
  assert.deepEqual(apart.map((d) => d.key), ['redundancy']);
  const name = (e) => ({ cvx: 'CVX', batch: 'BATCH' })[e];
  const short = (k) => ({ redundancy: 'R' })[k] ?? k;
  assert.match(gaussianRemark(gaussian, cvx, apart, short, name), /^The Gaussian column differs from CVX on R beyond their intervals/);
  assert.match(gaussianRemark(gaussian, cvxColumn(pid(0.4, 0.0, 0, 1.2)), [], short, name), /^The Gaussian column agrees with CVX within their intervals\./);
});

test('followedEstimator names the estimator and why', () => {
  const short = (k) => ({ unique1: 'U1', synergy: 'S' })[k] ?? k;
  const lost = { classifier_bits: 1.6, table_bits: 0.04, retained: 0.025, warning: 'the discrete table keeps clearly less…' };
  const kept = { classifier_bits: 1.4, table_bits: 1.5, retained: 1.07, warning: null };
  const two = [{ key: 'unique1' }, { key: 'synergy' }];
  const a = followedEstimator(lost, two, short);
  assert.equal(a.estimator, 'batch');
  assert.match(a.why, /^This reading follows BATCH: the clustered table CVX solved lost information \(it keeps 3% .*disagree on U1, S/);
  const b = followedEstimator(kept, two, short);
  assert.equal(b.estimator, 'cvx');
  assert.match(b.why, /^This reading follows CVX: the two disagree on U1, S, and the fidelity check found the table keeps/);
  assert.match(followedEstimator(null, two, short).why, /no fidelity check says which to trust/);
  assert.match(followedEstimator(kept, [], short).why, /agree within their intervals/);
  assert.equal(followedEstimator({ skipped: 'too few samples' }, [], short).estimator, 'batch');
});

// The model's PID (of Ŷ) against the dataset's (of Y).

const AND = pid(0.311, 0, 0, 0.5);
const interval = (corrected, low, high, p = 0.001) => ({ corrected, low, high, p_value: p });
const uOf = (atoms) => Object.fromEntries(Object.entries(atoms).map(([k, v]) => [k, v]));

test('a model with far less synergy than the data: probably a shortcut, may break under shift', () => {
  const lines = compareModel({ pid: AND }, { name: 'pred', pid: pid(0, 1, 0, 0) }, { x1: 'camera', x2: 'LiDAR', y: 'action' });
  assert.match(lines[0], /^The model \(pred\) has far less synergy than the data: 0% of its information against 62% of what camera and LiDAR say about action\. It probably relies on one modality or a shortcut/);
  assert.match(lines[0], /may break under distribution shift/);
  assert.match(lines[1], /^The model \(pred\) leans on camera far more than the data calls for: 100% of its information is unique to camera, against 0% in the data/);
  assert.equal(lines.length, 2);
});

test('a model with the data’s profile is said to match it, with both profiles', () => {
  const lines = compareModel({ pid: AND }, { name: 'net', pid: pid(0.3, 0.01, 0.01, 0.45) });
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^The model \(net\)’s profile is close to the data’s \(R \/ U1 \/ U2 \/ S: 39% \/ 1% \/ 1% \/ 58% against 38% \/ 0% \/ 0% \/ 62%\)/);
});

test('a difference the intervals do not support is not called', () => {
  const data = { pid: AND, uncertainty: uOf({ redundancy: interval(0.3, 0, 0.6), unique1: interval(0, 0, 0.2, 0.5), unique2: interval(0, 0, 0.2, 0.5), synergy: interval(0.5, 0.05, 0.9) }) };
  // Wide model intervals: its synergy could be as large as the data's.
  const wide = { name: 'pred', pid: pid(0.3, 0.2, 0, 0.1), uncertainty: uOf({ redundancy: interval(0.3, 0.1, 0.5), unique1: interval(0.2, 0, 0.6), unique2: interval(0, 0, 0.1, 0.6), synergy: interval(0.1, 0, 0.5) }) };
  const lines = compareModel(data, wide);
  assert.doesNotMatch(lines.join(' '), /shortcut|leans on/);
  assert.match(lines.at(-1), /differs from the data in synergy .*but the intervals overlap, so the difference may be noise/);
  // Narrow ones: the same point values are now a supported difference.
  const narrow = { ...wide, uncertainty: uOf({ redundancy: interval(0.3, 0.28, 0.32), unique1: interval(0.2, 0.18, 0.22), unique2: interval(0, 0, 0.01, 0.6), synergy: interval(0.1, 0.09, 0.11) }) };
  const sure = { pid: AND, uncertainty: uOf({ ...data.uncertainty, redundancy: interval(0.3, 0.28, 0.32), synergy: interval(0.5, 0.48, 0.52) }) };
  const called = compareModel(sure, narrow);
  assert.match(called[0], /far less synergy than the data/);
  assert.match(called[1], /leans on X1/);
  assert.doesNotMatch(called.join(' '), /may be noise/);
});

test('with uncertainty, a non-significant model synergy counts as none', () => {
  const model = { name: 'pred', pid: pid(0, 0.9, 0, 0.3), uncertainty: uOf({ redundancy: interval(0, 0, 0.01, 0.9), unique1: interval(0.9, 0.85, 0.95), unique2: interval(0, 0, 0.01, 0.9), synergy: interval(0.3, 0, 0.02, 0.4) }) };
  assert.match(compareModel({ pid: AND }, model)[0], /far less synergy than the data: 0% of its information/);
});

test('constant predictions or an uninformative dataset: nothing to compare', () => {
  assert.match(compareModel({ pid: AND }, { name: 'pred', pid: pid(0, 0, 0, 0) })[0], /nearly constant/);
  assert.match(compareModel({ pid: pid(0, 0, 0, 0) }, { name: 'pred', pid: AND })[0], /no profile of the data/);
});
