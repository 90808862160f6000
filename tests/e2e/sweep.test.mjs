// "How stable is this?" on the page (src/analysis/sweep.rs, www/sweepRun.js): after the
// CVX card, the analysis is repeated along K, the PCA components and the sample size;
// the card shows one chart per axis with its numbers as a table and a sentence on what
// moves. Cancel stops it; a counts table says why it has none.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rng } from './fixtures.mjs';
import { dropFiles, openReady, openWithSettings, startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

/** Y = XOR of two signs (a_0 > 0, b_0 > 0) with 10 % flips; three columns per modality. */
function xorCsv(rows, seed) {
  const r = rng(seed);
  const lines = ['a_0,a_1,a_2,b_0,b_1,b_2,label'];
  for (let i = 0; i < rows; i++) {
    const v = Array.from({ length: 6 }, r.normal);
    const flip = r.uniform() < 0.1;
    lines.push([...v.map((x) => x.toFixed(4)), Number((v[0] > 0) !== (v[3] > 0) !== flip)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const sweepDone = (page) => page.waitForFunction(() => document.querySelector('[data-testid=result] [data-testid=sweep]')?.dataset.running === 'false', null, { timeout: 120_000 });

/** The table of one axis as {setting, atoms: {R, U1, U2, S}: [corrected, low, high]}. */
async function sweepRows(card, axis) {
  return card.getByTestId(`sweep-table-${axis}`).evaluate((table) => {
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.children].map((c) => c.textContent);
      const atoms = Object.fromEntries(heads.slice(1, 5).map((h, i) => [h, cells[i + 1].match(/-?\d+\.\d+/g).map(Number)]));
      return { setting: cells[0], atoms, perCell: Number(cells[5]), intervals: cells[6] };
    });
  });
}

test('the sweep follows the result and its chart, table and sentence agree', async () => {
  const { page, context, record } = await openWithSettings(session, 'xor.csv', xorCsv(3000, 5));
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 30_000 });
  // The result is on screen before the sweep has finished (or even started).
  const atFirst = await page.evaluate(() => document.querySelector('[data-testid=result] [data-testid=sweep]')?.dataset.running ?? 'not started');
  assert.notEqual(atFirst, 'false', 'the card came first');
  await sweepDone(page);
  const card = page.getByTestId('result').first();
  const sweep = card.getByTestId('sweep');
  assert.equal(await sweep.getAttribute('data-done'), await sweep.getAttribute('data-total'));
  assert.match(await sweep.textContent(), /from 50 resamples per point \(the result above: 200, fewer here for speed\)/);

  const rows = await sweepRows(card, 'clusters');
  assert.deepEqual(
    rows.map((r) => r.setting),
    ['K = 2', 'K = 3', 'K = 5', 'K = 8', 'K = 12', 'K = 20 (current)', 'K = 30'],
  );
  for (const r of rows) for (const [c, low, high] of Object.values(r.atoms)) assert.ok(low <= high, JSON.stringify(r));
  // Fewer samples per cell as K grows.
  assert.ok(rows.every((r, i) => i === 0 || r.perCell < rows[i - 1].perCell), JSON.stringify(rows.map((r) => r.perCell)));
  // The sentence quotes the table's values at the settings it names.
  const reading = await card.getByTestId('sweep-reading-clusters').textContent();
  const said = reading.match(/^(Redundancy|Unique to X1|Unique to X2|Synergy) moves from (-?[\d.]+) bits \(K = (\d+)\) to (-?[\d.]+) bits \(K = (\d+)\) as K goes 2→30/);
  assert.ok(said || /^No atom moves/.test(reading), reading);
  if (said) {
    const symbol = { Redundancy: 'R', 'Unique to X1': 'U1', 'Unique to X2': 'U2', Synergy: 'S' }[said[1]];
    const at = (k) => rows.find((r) => r.setting.startsWith(`K = ${k}`)).atoms[symbol][0];
    assert.ok(Math.abs(at(said[3]) - Number(said[2])) <= 0.006, `${reading} vs ${at(said[3])}`);
    assert.ok(Math.abs(at(said[5]) - Number(said[4])) <= 0.006, `${reading} vs ${at(said[5])}`);
  }
  // XOR: synergy is the atom that is there, at the analysis's own K.
  const current = rows.find((r) => r.setting.endsWith('(current)'));
  assert.ok(current.atoms.S[1] > 0.1, JSON.stringify(current));

  // The other axes: PCA up to the three features per modality, then ¼, ½, all of the rows.
  const pca = await sweepRows(card, 'pca');
  assert.deepEqual(pca.map((r) => r.setting), ['PCA 1', 'PCA 2', 'PCA 3', 'PCA 5 (current)']);
  const samples = await sweepRows(card, 'samples');
  assert.deepEqual(samples.map((r) => r.setting), ['¼ (750 rows)', '½ (1500 rows)', 'all (3000 rows) (current)']);
  // One chart per axis, each an image with a description.
  const charts = card.locator('figure.sweep-chart svg[data-role=plot]');
  assert.equal(await charts.count(), 3);
  assert.match(await charts.first().getAttribute('aria-description'), /K = 20 \(current\): R /);
  assert.deepEqual(record.pageErrors, []);
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('Cancel during the sweep stops it, keeps the result and the points so far', async () => {
  const { page, context } = await openWithSettings(session, 'xor.csv', xorCsv(6000, 6));
  // Cancel once the sweep has drawn two points, from inside the page (a poll may miss it).
  await page.evaluate(() => {
    const results = document.querySelector('#results');
    const observer = new MutationObserver(() => {
      const sweep = document.querySelector('[data-testid=result] [data-testid=sweep]');
      if (Number(sweep?.dataset.done) >= 2 && sweep?.dataset.running === 'true') {
        observer.disconnect();
        window.__cancelledDuringSweep = Number(sweep.dataset.total);
        /** @type {HTMLButtonElement} */ (document.querySelector('#cancel')).click();
      }
    });
    observer.observe(results, { childList: true, subtree: true, attributes: true });
  });
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  const total = await page.waitForFunction(() => window.__cancelledDuringSweep, null, { timeout: 120_000 }).then((h) => h.jsonValue());
  await page.locator('#progress').waitFor({ state: 'hidden', timeout: 10_000 });
  const card = page.getByTestId('result').first();
  assert.match(await card.locator('h2').textContent(), /xor\.csv/);
  const status = await card.getByTestId('sweep-status').textContent();
  const [, done] = status.match(/^Cancelled after (\d+) of (\d+) points\.$/) ?? [];
  assert.ok(Number(done) >= 2 && Number(done) < total, status);
  assert.equal(await page.locator('#banner').isHidden(), true, 'cancelling is not an error');
  // The restarted engine reads the file again, and a new run's sweep completes.
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 3, null, { timeout: 60_000 });
  await sweepDone(page);
  assert.equal(await page.getByTestId('result').first().getByTestId('sweep-status').count(), 0);
  await context.close();
});

test('a counts table says why it has no sweep', async () => {
  const { page, context } = await openReady(session);
  await dropFiles(page, [{ name: 'xor-counts.csv', text: 'x1,x2,y,count\n0,0,0,25\n0,1,1,25\n1,0,1,25\n1,1,0,25\n' }]);
  await page.getByTestId('file').waitFor();
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 30_000 });
  await page.locator('#progress').waitFor({ state: 'hidden', timeout: 30_000 });
  const card = page.getByTestId('result').first();
  assert.match(await card.getByTestId('sweep-none').textContent(), /counts table’s cells are fixed/);
  assert.equal(await card.getByTestId('sweep').count(), 0);
  await context.close();
});
