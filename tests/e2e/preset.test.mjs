// The paper's settings (src/meta.rs `Preset::Paper`): choosing them in Settings sets the
// PCA components and clusters the paper used, and the card says how the table was made.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rng } from './fixtures.mjs';
import { openWithSettings, runAndWait, startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

/** Y = the sign of a_0; three columns per modality. */
function csv(rows, seed) {
  const r = rng(seed);
  const lines = ['a_0,a_1,a_2,b_0,b_1,b_2,label'];
  for (let i = 0; i < rows; i++) {
    const v = Array.from({ length: 6 }, r.normal);
    lines.push([...v.map((x) => x.toFixed(4)), Number(v[0] > 0)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const sweepDone = (page) => page.waitForFunction(() => document.querySelector('[data-testid=result] [data-testid=sweep]')?.dataset.running === 'false', null, { timeout: 120_000 });

test("choosing the paper's settings changes the card's preprocessing", async () => {
  const { page, context, record } = await openWithSettings(session, 'signs.csv', csv(600, 3), { Resamples: 0, Permutations: 0 });
  let card = await runAndWait(page, 2);
  assert.match(await card.getByTestId('preprocessing').textContent(), /^Discretised: each feature standardised → PCA 5 → k-means K = 20 \(1 run\)\.$/);
  await sweepDone(page);
  await page.getByLabel(/paper’s settings/).check();
  assert.equal(await page.getByLabel('PCA components', { exact: true }).inputValue(), '2');
  card = await runAndWait(page, 3);
  assert.match(await card.getByTestId('preprocessing').textContent(), /^Discretised: each row L2-normalised \(the paper's code\) → PCA 2 → k-means K = 20 \(best of 10 runs\)\.$/);
  assert.deepEqual([...record.consoleErrors, ...record.pageErrors], []);
  await context.close();
});
