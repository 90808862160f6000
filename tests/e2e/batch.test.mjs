// BATCH on the page: choose the estimator, watch it train (progress and a live loss
// curve), cancel it, read CVX and BATCH side by side.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { noisyGateCsv } from './fixtures.mjs';
import { dropFiles, number, startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

async function openWithFile(name, text) {
  const opened = await session.open('/');
  await opened.page.locator('#results[data-ready=true]').waitFor({ timeout: 20_000 });
  await dropFiles(opened.page, [{ name, text }]);
  await opened.page.getByTestId('file').waitFor();
  await opened.page.getByText('Settings', { exact: true }).click();
  return opened;
}

async function setNumber(page, label, value) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(String(value));
  await input.press('Tab');
}

const ATOM_KEYS = ['redundancy', 'unique1', 'unique2', 'synergy'];

test('CVX and BATCH side by side on noisy XOR: both find synergy, the loss curve is drawn live', async () => {
  const { page, context, record } = await openWithFile('noisy-xor.csv', noisyGateCsv(2600, 11, { gate: 'xor' }));
  assert.equal(await page.locator('#batch-settings').isHidden(), true, 'BATCH settings appear only when BATCH is chosen');
  await page.getByLabel('Both, side by side').check();
  assert.equal(await page.locator('#batch-settings').isVisible(), true);
  // The paper's defaults are preset.
  assert.equal(await page.getByLabel('Batch size', { exact: true }).inputValue(), '256');
  assert.equal(await page.getByLabel('Classifier epochs', { exact: true }).inputValue(), '40');
  assert.equal(await page.getByLabel('Alignment epochs', { exact: true }).inputValue(), '10');
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.001');
  await setNumber(page, 'Clusters per modality', 2);
  await setNumber(page, 'Classifier epochs', 25);
  await setNumber(page, 'Alignment epochs', 6);
  // The live curve lives only while BATCH trains, which can be a fraction of a second on a
  // fast machine: record every curve with a line the moment it is added, so the test cannot
  // miss one between polls.
  await page.evaluate(() => {
    const seen = (window.__liveCurves = []);
    new MutationObserver((records) => {
      for (const node of records.flatMap((r) => [...r.addedNodes])) {
        const svg = node instanceof Element ? node.querySelector('svg[data-role=plot]') : null;
        if (svg?.querySelector('g[aria-label=line] path')) seen.push(svg.getAttribute('aria-description'));
      }
    }).observe(document.querySelector('[data-testid=loss-live]'), { childList: true, subtree: true });
    // Every progress line too, as it is drawn (a stage can last less than a poll).
    const stages = (window.__stages = []);
    const stage = document.querySelector('#progress .stage');
    new MutationObserver(() => stages.push(stage.textContent)).observe(stage, { childList: true, characterData: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Estimate PID' }).click();

  // While BATCH trains: a stage message, a moving bar and a live loss curve with points.
  // CVX's card, its uncertainty and its fidelity check come first, then BATCH trains.
  const live = page.getByTestId('loss-live');
  await page.waitForFunction(() => window.__liveCurves.length > 0, null, { timeout: 210_000 });
  assert.ok((await page.evaluate(() => window.__stages)).some((s) => /BATCH: training the /.test(s)), 'a stage message while BATCH trains');
  if (process.env.SHOT) await page.screenshot({ path: '/tmp/batch-live.png', fullPage: true });
  const firstCurve = await page.evaluate(() => window.__liveCurves[0]);
  assert.match(firstCurve, /classifier p̂\(y\|x1\): training loss \d/);

  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 3, null, { timeout: 120_000 });
  assert.equal(await live.isHidden(), true, 'the live curve goes when training ends');
  const [batchCard, cvxCard] = await page.getByTestId('result').all();
  assert.match(await batchCard.locator('h2').textContent(), /noisy-xor\.csv \(BATCH\)/);
  assert.match(await cvxCard.locator('h2').textContent(), /noisy-xor\.csv \(CVX\)/);
  if (process.env.SHOT) await batchCard.screenshot({ path: '/tmp/batch-card.png' });
  // CVX on 2 clusters is XOR's exact PID; BATCH, learned, puts nearly all of it in synergy.
  assert.ok(Math.abs((await number(cvxCard, 'synergy')) - 1) < 1e-3);
  const batch = Object.fromEntries(await Promise.all(ATOM_KEYS.map(async (k) => [k, await number(batchCard, k)])));
  assert.ok(batch.synergy > 0.8, `BATCH synergy ${batch.synergy}`);
  for (const k of ATOM_KEYS.slice(0, 3)) assert.ok(batch[k] < 0.1, `BATCH ${k} ${batch[k]}`);
  // Side by side in one table and one chart: the CVX column carries the same numbers as the CVX card.
  assert.equal(await number(batchCard, 'cvx-synergy'), await number(cvxCard, 'synergy'));
  assert.match(await batchCard.locator('table.terms thead').textContent(), /CVX, 2 clusters.*BATCH/);
  assert.match(await batchCard.getByTestId('synergy').textContent(), /±/);
  const bars = await batchCard.locator('figure.atoms-bar svg[data-role=plot]').getAttribute('aria-description');
  assert.match(bars, /^CVX, 2 clusters: .*; BATCH: .*Synergy 0\.[89]\d\d bits/);
  assert.match(await batchCard.getByTestId('batch-note').textContent(), /Learned estimate \(BATCH\): mean over \d+ test batch/);
  assert.match(await batchCard.getByTestId('reading').textContent(), /synergistic/);
  // The finished card has the per-epoch loss curves of all four models.
  const curve = await batchCard.locator('figure.loss-curve svg[data-role=plot]').getAttribute('aria-description');
  for (const model of ['p̂\\(y\\|x1\\)', 'p̂\\(y\\|x2\\)', 'p̂\\(y\\|x1,x2\\)', 'alignment q̃']) assert.match(curve, new RegExp(`${model}: training loss`));
  assert.match(await batchCard.getByTestId('batch-share').textContent(), /cannot be shared as a link/);
  // Then one training on shuffled labels gives BATCH's bias floor, subtracted in its own column.
  await page.getByTestId('result').first().getByTestId('batch-uncertainty-note').getByText(/mean of 1 training/).waitFor({ timeout: 120_000 });
  const floorCard = page.getByTestId('result').first();
  assert.match(await floorCard.getByTestId('batch-uncertainty-note').textContent(), /mean of 1 training with Y shuffled.*no p-value/);
  assert.match(await floorCard.getByTestId('bu-synergy').textContent(), /^→ 0\.[89]\d{3}/);
  assert.ok(Math.abs(Number.parseFloat((await floorCard.getByTestId('bu-unique1').textContent()).slice(2))) < 0.1);
  const csv = await Promise.all([page.waitForEvent('download'), batchCard.getByRole('button', { name: 'results CSV' }).click()]).then(async ([d]) => readFileSync(await d.path(), 'utf8'));
  assert.match(csv, /noisy-xor\.csv \(BATCH\),label,synergy,0\.[89]/);
  assert.match(csv, /,synergy_spread,/);
  assert.deepEqual(record.foreignRequests, []);
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('a BATCH run is cancelled at once, and the next run still works', async () => {
  const { page, context } = await openWithFile('noisy-and.csv', noisyGateCsv(6000, 5, { gate: 'and' }));
  await page.getByLabel('BATCH', { exact: true }).check();
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.getByTestId('loss-live').locator('figure.loss-curve').waitFor({ timeout: 30_000 });
  const started = Date.now();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.locator('#progress').waitFor({ state: 'hidden', timeout: 5_000 });
  assert.ok(Date.now() - started < 5_000, 'cancelling does not wait for training');
  assert.equal(await page.getByTestId('loss-live').isHidden(), true);
  assert.equal(await page.getByTestId('result').count(), 1, 'no result from the cancelled run');
  assert.equal(await page.locator('#banner').isHidden(), true, 'cancelling is not an error');
  // The restarted engine reads the file again and runs.
  await page.getByLabel('CVX', { exact: true }).check();
  await setNumber(page, 'Clusters per modality', 2);
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 60_000 });
  assert.ok(Math.abs((await number(page.getByTestId('result').first(), 'synergy')) - 0.5) < 1e-3);
  await context.close();
});

test('BATCH says clearly when it cannot run or ran on too little: too few samples, a counts table', async () => {
  const { page, context } = await openWithFile('tiny.csv', noisyGateCsv(8, 1, { gate: 'xor' }));
  await page.getByLabel('BATCH', { exact: true }).check();
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  const banner = page.locator('#banner');
  await banner.waitFor({ timeout: 30_000 });
  assert.match(await banner.textContent(), /tiny\.csv.*too few samples for BATCH: 8/);
  assert.equal(await page.getByTestId('result').count(), 1);
  await context.close();

  // Fewer training samples than one batch: it runs, and the card says the result is weak.
  const small = await openWithFile('small.csv', noisyGateCsv(200, 2, { gate: 'xor', prediction: true }));
  await small.page.getByLabel('BATCH', { exact: true }).check();
  await small.page.getByRole('button', { name: 'Estimate PID' }).click();
  await small.page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 60_000 });
  assert.match(await small.page.getByTestId('batch-note').textContent(), /training split \(120 samples\) is smaller than one batch \(256\)/);
  assert.match(await small.page.getByTestId('batch-note').textContent(), /BATCH does not analyse the Ŷ column pred; CVX does/);
  await small.context.close();

  const counts = await openWithFile('xor-counts.csv', 'x1,x2,y,count\n0,0,0,1\n0,1,1,1\n1,0,1,1\n1,1,0,1\n');
  await counts.page.getByLabel('Both, side by side').check();
  await counts.page.getByRole('button', { name: 'Estimate PID' }).click();
  await counts.page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 30_000 });
  assert.match(await counts.page.locator('#banner').textContent(), /xor-counts\.csv is a counts table, so only CVX can analyse it/);
  assert.ok(Math.abs((await number(counts.page.getByTestId('result').first(), 'synergy')) - 1) < 1e-6, 'CVX still runs');
  await counts.context.close();
});

/** Noisy XOR plus a model's softmax outputs: a perfect joint model, unimodal models at chance. */
function xorWithModelOutputs(rows) {
  const lines = noisyGateCsv(rows, 3, { gate: 'xor' }).trim().split('\n');
  const header = `${lines[0]},p_x1_0,p_x1_1,p_x2_0,p_x2_1,p_x1x2_0,p_x1x2_1`;
  const body = lines.slice(1).map((line) => {
    const y = Number(line.split(',').at(-1));
    return `${line},0.5,0.5,0.5,0.5,${1 - y},${y}`;
  });
  return `${[header, ...body].join('\n')}\n`;
}

test('a model’s own probability columns stand in for BATCH’s classifiers', async () => {
  const { page, context } = await openWithFile('xor-with-model.csv', xorWithModelOutputs(1200));
  const summary = await page.getByTestId('roles-summary').textContent();
  assert.match(summary, /p̂\(y\|x1\): p_x1_0, p_x1_1 · p̂\(y\|x2\): p_x2_0, p_x2_1 · p̂\(y\|x1,x2\): p_x1x2_0, p_x1x2_1/);
  assert.equal(await page.getByLabel('Role of column p_x1x2_1').inputValue(), 'p_joint');
  await page.getByLabel('BATCH', { exact: true }).check();
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 60_000 });
  const card = page.getByTestId('result').first();
  assert.match(await card.getByTestId('batch-note').textContent(), /the model’s own probabilities from the file stood in for the classifiers/);
  assert.ok((await number(card, 'synergy')) > 0.95);
  const curve = await card.locator('figure.loss-curve svg[data-role=plot]').getAttribute('aria-description');
  assert.match(curve, /^alignment q̃: training loss/, 'only the alignment model trained');

  // Taking one conditional's columns away is an error that says which is missing.
  await page.getByLabel('Role of column p_x2_0').selectOption('');
  await page.getByLabel('Role of column p_x2_1').selectOption('');
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.locator('#banner').waitFor();
  assert.match(await page.locator('#banner').textContent(), /need all three conditionals; p̂\(y\|x2\) has no columns/);
  await context.close();
});
