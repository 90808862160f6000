// The Gaussian estimator on the page (issue #16): a scalar target, roles picked by
// keyboard, CVX, Gaussian and BATCH side by side on one file, the Gaussian card, and a
// counts table refused with a clear message; two target columns and the Gaussian copula.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rng } from './fixtures.mjs';
import { dropFiles, number, openReady, startSession } from './harness.mjs';
import { overflowing, shot, WIDTHS } from './layout.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

/** X1 = (a0, a1), X2 = (b0, b1), all N(0, 1); score = a0 + b0 + N(0, 0.5²). */
function sumCsv(rows, seed) {
  const r = rng(seed);
  const lines = ['a0,a1,b0,b1,score'];
  for (let i = 0; i < rows; i += 1) {
    const [a0, a1, b0, b1] = [r.normal(), r.normal(), r.normal(), r.normal()];
    lines.push([a0, a1, b0, b1, a0 + b0 + 0.5 * r.normal()].map((v) => v.toFixed(5)).join(','));
  }
  return `${lines.join('\n')}\n`;
}
// The closed form of the covariance the rows are drawn from: I(X1;Y) = I(X2;Y) =
// ½ log2(Var Y / Var(Y | a0)) = ½ log2(2.25 / 1.25), and for a scalar Gaussian Y the
// BROJA PID is the MMI PID (Barrett 2015): R = min(I1, I2); I12 = ½ log2(2.25 / 0.25).
const I1 = 0.5 * Math.log2(2.25 / 1.25);
const I12 = 0.5 * Math.log2(2.25 / 0.25);

/** Gives `column` the role `option` (its label) by keyboard: arrows propose it, Enter applies it. */
async function roleByKeyboard(page, column, option) {
  const select = page.getByLabel(`Role of column ${column}`);
  await select.focus();
  const options = await select.locator('option').allTextContents();
  const at = options.indexOf(option);
  const from = options.indexOf(await select.evaluate((s) => s.options[s.selectedIndex].text));
  for (let i = from; i < at; i += 1) await page.keyboard.press('ArrowDown');
  for (let i = from; i > at; i -= 1) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  assert.equal(await select.evaluate((s) => s.options[s.selectedIndex].text), option, `${column} is ${option}`);
}

async function typeSetting(page, label, value) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(String(value));
  await input.press('Tab');
}

test('a scalar target, all three estimators side by side: the Gaussian column is the closed form, CVX and BATCH beside it', async () => {
  const { page, context, record } = await openReady(session);
  await dropFiles(page, [{ name: 'sum.csv', text: sumCsv(3000, 5) }]);
  await page.getByTestId('file').waitFor();
  // 'score' is no label name: no roles are guessed, so all five are picked by keyboard.
  for (const [column, role] of [['a0', 'X1 (first modality)'], ['a1', 'X1 (first modality)'], ['b0', 'X2 (second modality)'], ['b1', 'X2 (second modality)'], ['score', 'Y (label)']]) {
    await roleByKeyboard(page, column, role);
  }
  assert.match(await page.getByTestId('roles-summary').textContent(), /X1: a0, a1 · X2: b0, b1 · Y: score/);
  await page.getByText('Settings', { exact: true }).click();
  await page.getByLabel('All three, side by side').check();
  assert.equal(await page.locator('#batch-settings').isVisible(), true, 'BATCH runs, so its settings show');
  // A short training and few resamples keep the test quick; the Gaussian column needs none.
  for (const [label, value] of [['Clusters per modality', 4], ['Resamples', 40], ['Permutations', 0], ['Classifier epochs', 4], ['Alignment epochs', 2], ['Shuffled-label runs', 0]]) await typeSetting(page, label, value);
  // Every progress line, recorded as it is drawn (the Gaussian's lasts milliseconds).
  await page.evaluate(() => {
    const seen = (window.__stages = []);
    const stage = document.querySelector('#progress .stage');
    new MutationObserver(() => seen.push(stage.textContent)).observe(stage, { childList: true, characterData: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 4, null, { timeout: 240_000 });
  const stages = await page.evaluate(() => window.__stages);
  const at = (pattern) => stages.findIndex((s) => pattern.test(s));
  assert.ok(at(/^Gaussian: the covariance of the samples, then the solve$/) > at(/Solving the PID/), 'the Gaussian runs after CVX, with its own progress line');
  assert.ok(at(/^BATCH: training/) > at(/^Gaussian:/), 'then BATCH trains');
  // The CVX card's sensitivity sweep runs last; then the progress bar goes.
  await page.locator('#progress').waitFor({ state: 'hidden', timeout: 120_000 });
  assert.equal(await page.locator('[data-testid=result] [data-testid=sweep]').first().getAttribute('data-running'), 'false', 'the progress bar goes when all three and the sweep are done');
  const [side, gaussianCard, cvxCard] = await page.getByTestId('result').all();
  assert.match(await side.locator('h2').textContent(), /sum\.csv \(BATCH\)/);
  assert.match(await gaussianCard.locator('h2').textContent(), /sum\.csv \(Gaussian\)/);
  assert.match(await cvxCard.locator('h2').textContent(), /sum\.csv \(CVX\)/);

  // The Gaussian card: atoms, bias-corrected terms, samples, encoding, the convergence measure.
  const g = Object.fromEntries(await Promise.all(['redundancy', 'unique1', 'unique2', 'synergy', 'mi_x1_y', 'mi_x2_y', 'mi_joint'].map(async (k) => [k, await number(gaussianCard, k)])));
  assert.ok(Math.abs(g.redundancy - Math.min(g.mi_x1_y, g.mi_x2_y)) < 2e-4, `R ${g.redundancy} is min(I1, I2) of the same samples (to display rounding)`);
  assert.ok(Math.abs(g.redundancy - I1) < 0.03, `R ${g.redundancy} vs the closed form ${I1.toFixed(4)}`);
  assert.ok(Math.abs(g.mi_joint - I12) < 0.04, `I(X1,X2;Y) ${g.mi_joint} vs ${I12.toFixed(4)}`);
  assert.ok(g.synergy > 0.9, `synergy ${g.synergy}`);
  for (const key of ['mi_x1_y', 'mi_x2_y', 'mi_joint']) {
    const corrected = await number(gaussianCard, `gc-${key}`);
    assert.ok(corrected < g[key] && corrected > g[key] - 0.01, `${key}: corrected ${corrected} just below the plug-in ${g[key]}`);
  }
  const note = await gaussianCard.getByTestId('gaussian-note').textContent();
  assert.match(note, /fitted to 3,000 samples .*X1 2, X2 2, Y 1/);
  assert.match(note, /Converged after \d+ iterations: Y is one-dimensional, .*gap to it, -?\d\.\de[-+]\d+ bits, bounds its error/);
  assert.match(note, /interval and p-value are from a parametric bootstrap/);
  // 40 resamples and no permutations (set above): an interval for every term, no p-value.
  assert.match(await gaussianCard.getByTestId('u-unique1').textContent(), /^→ -?\d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\]$/);
  assert.match(await gaussianCard.getByTestId('gaussian-encoding').textContent(), /Y is numeric and enters the model as it is/);
  assert.match(await gaussianCard.getByTestId('batch-share').textContent(), /A Gaussian result cannot be shared as a link/);
  // On a phone each value is labelled by its column (data-label, drawn by CSS).
  assert.deepEqual(await gaussianCard.locator('td[data-label]').evaluateAll((tds) => [...new Set(tds.map((td) => td.dataset.label))]), ['plug-in', 'corrected [95% interval] p', 'bias-corrected']);
  assert.doesNotMatch(await gaussianCard.textContent(), /undefined|NaN/);

  // The side-by-side card: a column per estimator, the CVX and Gaussian ones the same numbers as their cards.
  assert.match(await side.locator('table.terms thead').textContent(), /CVX, 4 clusters.*Gaussian.*BATCH/);
  assert.deepEqual(await side.locator('td.value:not(.uncertainty)[data-label]').evaluateAll((tds) => [...new Set(tds.map((td) => td.dataset.label))]), ['CVX, 4 clusters', 'Gaussian', 'BATCH']);
  for (const key of ['redundancy', 'synergy', 'mi_joint']) {
    assert.equal(await number(side, `gaussian-${key}`), g[key], `Gaussian ${key}`);
    assert.equal(await number(side, `cvx-${key}`), await number(cvxCard, key), `CVX ${key}`);
    assert.ok(Number.isFinite(await number(side, key)), `BATCH ${key}`);
  }
  // The checks and the reading cover the Gaussian column, with its own intervals (40 resamples).
  const disagreement = await side.getByTestId('disagreement').textContent();
  assert.match(disagreement, /Gaussian: its parametric-bootstrap interval/);
  assert.match(await gaussianCard.getByTestId('uncertainty-note').textContent(), /parametric bootstrap draws/);
  const reading = await side.getByTestId('reading').textContent();
  assert.match(reading, /^This reading follows (CVX|BATCH)/);
  assert.match(reading, /The Gaussian column (agrees with|differs from) (CVX|BATCH)/);
  assert.equal(await side.locator('figure.atoms-bar').count() >= 1, true);

  // Both widths: nothing wider than the screen; screenshots to look at with SHOT=1.
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    assert.deepEqual(await overflowing(page), [], `nothing overflows at ${width} px`);
    await side.scrollIntoViewIfNeeded();
    await shot(page, 'gaussian-side', side);
    await gaussianCard.scrollIntoViewIfNeeded();
    await shot(page, 'gaussian-card', gaussianCard);
  }
  assert.deepEqual(record.pageErrors, []);
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('the Gaussian choice on a counts table says it needs samples; a class label is flagged as an approximation', async () => {
  const counts = await openReady(session);
  await dropFiles(counts.page, [{ name: 'xor-counts.csv', text: 'x1,x2,y,count\n0,0,0,1\n0,1,1,1\n1,0,1,1\n1,1,0,1\n' }]);
  await counts.page.getByTestId('file').waitFor();
  await counts.page.getByText('Settings', { exact: true }).click();
  await counts.page.getByLabel('Gaussian', { exact: true }).check();
  assert.equal(await counts.page.locator('#batch-settings').isHidden(), true);
  await counts.page.getByRole('button', { name: 'Estimate PID' }).click();
  await counts.page.locator('#banner:not([hidden])').waitFor();
  assert.match(await counts.page.locator('#banner').textContent(), /Gaussian needs samples \(one row per observation\); xor-counts\.csv is a counts table, so only CVX can analyse it/);
  assert.equal(await counts.page.getByTestId('result').count(), 1, 'nothing ran (only the built-in example)');
  assert.deepEqual(counts.record.pageErrors, []);
  await counts.context.close();

  // A text class label: one-hot, with the card and the reading saying it is an approximation.
  const { page, context } = await openReady(session);
  const r = rng(9);
  const lines = ['a0,b0,label'];
  for (let i = 0; i < 400; i += 1) {
    const [a, b] = [r.normal(), r.normal()];
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${a + b + 0.5 * r.normal() > 0 ? 'hi' : 'lo'}`);
  }
  await dropFiles(page, [{ name: 'class.csv', text: `${lines.join('\n')}\n` }]);
  await page.getByTestId('file').waitFor();
  await page.getByText('Settings', { exact: true }).click();
  await page.getByLabel('Gaussian', { exact: true }).check();
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 30_000 });
  const card = page.getByTestId('result').first();
  assert.match(await card.getByTestId('gaussian-encoding').textContent(), /class label, one-hot encoded \(1 indicator column\): the Gaussian model is then only an approximation/);
  assert.match(await card.getByTestId('reading').textContent(), /only an approximation/);
  assert.ok((await number(card, 'mi_joint')) > 0.3);
  await context.close();
});

test('two target columns and the Gaussian copula: CVX refuses them by name, the Gaussian card lists them and says the copula', async () => {
  const { page, context, record } = await openReady(session);
  const r = rng(11);
  const lines = ['a0,a1,b0,b1,y1,y2'];
  for (let i = 0; i < 1500; i += 1) {
    const [a0, a1, b0, b1] = [r.normal(), r.normal(), r.normal(), r.normal()];
    // y1 heavy-tailed (sinh of a Gaussian): the copula's case.
    lines.push([a0, a1, b0, b1, Math.sinh(2 * (a0 + b0 + 0.5 * r.normal())), a1 - 0.5 * b1 + 0.5 * r.normal()].map((v) => v.toFixed(5)).join(','));
  }
  await dropFiles(page, [{ name: 'two.csv', text: `${lines.join('\n')}\n` }]);
  await page.getByTestId('file').waitFor();
  const more = 'Y, one more target column (Gaussian estimator only)';
  const banner = async () => ((await page.locator('#banner').isHidden()) ? '' : await page.locator('#banner').textContent());
  assert.match(await banner(), /Column roles could not be guessed/);
  for (const [column, role] of [['a0', 'X1 (first modality)'], ['a1', 'X1 (first modality)'], ['b0', 'X2 (second modality)'], ['b1', 'X2 (second modality)'], ['y1', 'Y (label)'], ['y2', more]]) {
    await roleByKeyboard(page, column, role);
  }
  assert.match(await page.getByTestId('roles-summary').textContent(), /Y: y1, y2/);
  // Once X1, X2 and Y are assigned, the banner no longer asks for roles.
  assert.doesNotMatch(await banner(), /could not be guessed/);
  // CVX (the default) analyses one target column, and says so naming both.
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.locator('#banner:not([hidden])', { hasText: 'Y has 2 columns' }).waitFor();
  assert.match(await page.locator('#banner').textContent(), /Y has 2 columns \(y1, y2\): CVX and BATCH analyse one target column/);
  await page.getByText('Settings', { exact: true }).click();
  assert.equal(await page.locator('#gaussian-settings').isHidden(), true, 'no Gaussian settings for CVX');
  await page.getByLabel('Gaussian', { exact: true }).check();
  await page.getByLabel('Gaussian copula').check();
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 30_000 });
  const card = page.getByTestId('result').first();
  assert.match(await card.getByTestId('gaussian-encoding').textContent(), /Y is multivariate: 2 numeric target columns \(y1, y2\)/);
  assert.match(await card.getByTestId('gaussian-copula').textContent(), /normal scores of its ranks/);
  assert.match(await card.getByTestId('gaussian-note').textContent(), /Y 2\)/);
  assert.ok((await number(card, 'mi_joint')) > 1);
  assert.deepEqual(record.pageErrors, []);
  await context.close();
});
