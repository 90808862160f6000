// The fidelity check on the page (docs/fidelity.md): after the CVX card, classifiers on
// the continuous features say whether the clustered table kept the information; "Both"
// flags the atoms on which CVX and BATCH disagree and the reading says which it follows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rng } from './fixtures.mjs';
import { openWithSettings, startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

/** Issue #14's case, smaller: 16 + 16 normal columns, y = 2·XOR(a_0 > 0, b_0 > 0) + (a_1 > 0.5). */
function hiddenXorCsv(rows, dims, seed) {
  const r = rng(seed);
  const header = [...Array.from({ length: dims }, (_, i) => `a_${i}`), ...Array.from({ length: dims }, (_, i) => `b_${i}`), 'label'];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const v = Array.from({ length: 2 * dims }, r.normal);
    const label = 2 * (Number(v[0] > 0) ^ Number(v[dims] > 0)) + Number(v[1] > 0.5);
    lines.push([...v.map((x) => x.toFixed(4)), label].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Four well-separated blobs per modality (two columns each); y from the blobs: clustering keeps it. */
function blobsCsv(rows, seed) {
  const r = rng(seed);
  const lines = ['a_0,a_1,b_0,b_1,label'];
  const corner = (s) => [s % 2 ? 2 : -2, s >= 2 ? 2 : -2];
  for (let i = 0; i < rows; i++) {
    const [s1, s2] = [Math.floor(4 * r.uniform()), Math.floor(4 * r.uniform())];
    const x = [...corner(s1), ...corner(s2)].map((c) => (c + 0.3 * r.normal()).toFixed(4));
    const label = r.uniform() < 0.1 ? Math.floor(4 * r.uniform()) : 2 * Number(s1 % 2 !== s2 % 2) + Number(s1 >= 2);
    lines.push([...x, label].join(','));
  }
  return `${lines.join('\n')}\n`;
}

// Uncertainty off: these tests are about the fidelity check.
const prepare = (name, text) => openWithSettings(session, name, text, { Resamples: 0, Permutations: 0 });

test('the hidden XOR: the card warns, "Both" flags the disagreement and the reading follows BATCH, saying why', async () => {
  const { page, context, record } = await prepare('hidden-xor.csv', hiddenXorCsv(4000, 16, 3));
  await page.getByLabel('Both, side by side').check();
  for (const [label, value] of [['Classifier epochs', 25], ['Alignment epochs', 4]]) {
    const input = page.getByLabel(label, { exact: true });
    await input.fill(String(value));
    await input.press('Tab');
  }
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.getByText(/Checking the table's fidelity/).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 3, null, { timeout: 240_000 });
  const [batchCard, cvxCard] = await page.getByTestId('result').all();
  const fidelity = cvxCard.getByTestId('fidelity');
  assert.equal(await fidelity.getAttribute('data-lost'), 'true');
  assert.match(await cvxCard.getByTestId('fidelity-warning').textContent(), /keeps clearly less.*more PCA components or clusters.*BATCH/);
  assert.match(await cvxCard.getByTestId('reading').textContent(), /Caution: this reading describes the clustered table/);
  const f = await page.evaluate(() => window.pidscope.state.analyses[1].fidelity);
  assert.ok(f.classifier_bits > f.table_bits + 0.5, `bound ${f.classifier_bits} vs table ${f.table_bits}`);

  const disagreement = batchCard.getByTestId('disagreement');
  assert.ok(Number(await disagreement.getAttribute('data-count')) >= 1, await disagreement.textContent());
  assert.match(await disagreement.textContent(), /CVX and BATCH disagree beyond their intervals on/);
  assert.ok((await batchCard.locator('tr[data-disagree=true]').count()) >= 1, 'a flagged row');
  assert.match(await batchCard.getByTestId('reading').textContent(), /^This reading follows BATCH: the clustered table CVX solved lost information/);
  if (process.env.SHOT) await batchCard.screenshot({ path: '/tmp/fidelity-both.png' });
  assert.deepEqual(record.pageErrors, []);
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('separated blobs: the table keeps the information, no warning', async () => {
  const { page, context, record } = await prepare('blobs.csv', blobsCsv(3000, 5));
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  const fidelity = page.getByTestId('result').first().getByTestId('fidelity');
  await fidelity.waitFor({ timeout: 60_000 });
  assert.equal(await fidelity.getAttribute('data-lost'), 'false');
  assert.match(await fidelity.textContent(), /The table keeps what the classifiers find/);
  assert.equal(await page.getByTestId('fidelity-warning').count(), 0);
  for (const width of [360, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    const right = await fidelity.evaluate((e) => e.getBoundingClientRect().right);
    assert.ok(right <= width, `the note fits at ${width} px (right edge ${right})`);
  }
  assert.deepEqual(record.pageErrors, []);
  await context.close();
});

test('Cancel during the fidelity check stops it and keeps the CVX card', async () => {
  const { page, context } = await prepare('hidden-xor.csv', hiddenXorCsv(6000, 32, 4));
  // Cancel the moment the check reports training, from inside the page: on a fast
  // machine the check can end between a poll and a click.
  await page.evaluate(() => {
    const progress = document.querySelector('#progress');
    const observer = new MutationObserver(() => {
      if (/Checking the table's fidelity: training/.test(progress.textContent)) {
        observer.disconnect();
        window.__cancelledDuringFidelity = true;
        /** @type {HTMLButtonElement} */ (document.querySelector('#cancel')).click();
      }
    });
    observer.observe(progress, { childList: true, subtree: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => window.__cancelledDuringFidelity === true, null, { timeout: 120_000 });
  await page.locator('#progress').waitFor({ state: 'hidden', timeout: 10_000 });
  const card = page.getByTestId('result').first();
  assert.match(await card.locator('h2').textContent(), /hidden-xor\.csv/);
  assert.equal(await card.getByTestId('fidelity').count(), 0, 'no half-finished check on the card');
  // The engine restarted and still answers: a second run completes with the check.
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.getByTestId('result').first().getByTestId('fidelity').waitFor({ timeout: 120_000 });
  await context.close();
});
