// The analysis page as a person uses it: drop files, check roles, run, read, export.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { AND_PID, noisyAndCsv } from './fixtures.mjs';
import { dropFiles, number, openReady as openReadyIn, runAndWait, setClusters, startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

const openReady = () => openReadyIn(session);

test('drop a noisy-AND samples CSV, keep the guessed roles, run, read the AND gate’s PID', async () => {
  const { page, context, record } = await openReady();
  await dropFiles(page, [{ name: 'noisy-and.csv', text: noisyAndCsv() }]);
  const file = page.getByTestId('file');
  await file.waitFor();
  assert.match(await file.textContent(), /noisy-and\.csv — .*400 rows, 9 columns/);
  assert.match(await page.getByTestId('roles-summary').textContent(), /^X1: cam_0, cam_1, cam_2, cam_3 · X2: lidar_0, lidar_1, lidar_2, lidar_3 · Y: label$/);
  await setClusters(page, 2);
  const card = await runAndWait(page, 2);
  for (const [key, expected] of Object.entries(AND_PID)) {
    assert.ok(Math.abs((await number(card, key)) - expected) < 1e-4, `${key} ≈ ${expected}`);
  }
  assert.match(await card.getByTestId('certificate').textContent(), /Exact to within/);
  assert.match(await card.getByTestId('reading').textContent(), /synergistic/);
  // Each chart rendered with its marks: 2 non-zero bar segments, 2 discs plus synergy, 2×2×2 cells.
  assert.equal(await card.locator('figure.atoms-bar svg[data-role=plot] rect').count() >= 2, true);
  assert.equal(await card.locator('figure.pid-diagram circle[data-atom]').count() >= 2, true);
  assert.equal(await card.locator('figure.table-heatmaps svg[data-role=plot] g[aria-label=cell] rect').count(), 8);
  for (const figure of await card.locator('figure.chart svg[data-role=plot]').all()) {
    assert.ok((await figure.getAttribute('aria-label'))?.length > 10, 'every chart has an aria label');
  }
  // The built-in example is not one of the user's analyses: nothing to compare yet.
  assert.equal(await page.locator('#compare').isVisible(), false);
  // A second analysis of the user's own: the comparison shows the two, and not the example.
  const clusters = page.getByLabel('Clusters per modality'); // Settings is still open
  await clusters.fill('3');
  await clusters.press('Tab');
  await runAndWait(page, 3);
  assert.equal(await page.locator('#compare').isVisible(), true);
  const compared = await page.locator('#compare svg[data-role=plot]').getAttribute('aria-description');
  assert.doesNotMatch(compared, /Example/);
  assert.equal((compared.match(/noisy-and\.csv/g) ?? []).length, 2, compared);
  assert.deepEqual(record.foreignRequests, []);
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('with a prediction column Ŷ, the dataset PID and the model PID are shown side by side', async () => {
  const { page, context } = await openReady();
  await dropFiles(page, [{ name: 'with-model.csv', text: noisyAndCsv(400, 3, { prediction: true }) }]);
  assert.match(await page.getByTestId('roles-summary').textContent(), /Ŷ: pred/);
  await setClusters(page, 2);
  const card = await runAndWait(page, 2);
  assert.ok(Math.abs((await number(card, 'synergy')) - AND_PID.synergy) < 1e-4, 'the dataset is still AND');
  const chart = card.locator('figure.atoms-bar').filter({ hasText: 'Dataset PID and model PID' });
  assert.equal(await chart.count(), 1);
  const description = await chart.locator('svg[data-role=plot]').getAttribute('aria-description');
  assert.match(description, /model \(pred\): Redundancy -?0\.00\d bits, Unique to X1 (1\.000|0\.99\d) bits, Unique to X2 -?0\.00\d bits, Synergy -?0\.00\d bits/);
  // The model's prediction gets its own intervals and p-values after the dataset's.
  await page.waitForFunction(() => Boolean(window.pidscope.state.analyses[0]?.models?.[0]?.uncertainty), null, { timeout: 60_000 });
  const csv = await Promise.all([page.waitForEvent('download'), page.getByTestId('result').first().getByRole('button', { name: 'results CSV' }).click()]).then(async ([d]) => (await import('node:fs')).readFileSync(await d.path(), 'utf8'));
  assert.match(csv, /pred \(model\),unique1,1(\.0+)?\n|pred \(model\),unique1,0\.9999/);
  assert.match(csv, /pred \(model\),unique1_p,0\.00\d/);
  assert.match(csv, /pred \(model\),synergy_corrected,/);
  await context.close();
});

test('a counts table is recognised and analysed directly', async () => {
  const { page, context } = await openReady();
  const counts = 'x1,x2,y,count\n0,0,0,1\n0,1,1,1\n1,0,1,1\n1,1,0,1\n';
  await dropFiles(page, [{ name: 'xor-counts.csv', text: counts }]);
  assert.match(await page.getByTestId('file').textContent(), /recognised as a counts table/);
  const card = await runAndWait(page, 2);
  assert.ok(Math.abs((await number(card, 'synergy')) - 1) < 1e-6);
  assert.ok(Math.abs(await number(card, 'redundancy')) < 1e-6);
  await context.close();
});

test('a table estimated to be slow is asked about, not solved: the estimate and a Run anyway button', async () => {
  const { page, context } = await openReady();
  // A diagonal of 3,000 rows, two labels: 4.5 million coupling entries, minutes of solving.
  const rows = Array.from({ length: 3000 }, (_, i) => `a${i},b${i},${i % 2},1`);
  await dropFiles(page, [{ name: 'slow-counts.csv', text: `x1,x2,y,count\n${rows.join('\n')}\n` }]);
  await page.getByTestId('file').waitFor();
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  const run = page.getByTestId('banner-action');
  await run.waitFor({ timeout: 20_000 });
  assert.equal(await run.textContent(), 'Run anyway');
  assert.match(await page.getByTestId('banner-message').textContent(), /coupling has 4500000 entries .* about \d+ s here, more than 30 s/);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Run anyway', 'the choice has the focus');
  assert.equal(await page.getByTestId('result').count(), 1, 'nothing was solved (only the built-in example)');
  await context.close();
});

test('a long run can be cancelled at once and the page stays usable', async () => {
  const { page, context } = await openReady();
  // 60 MB of numbers: reading alone takes long enough to cancel mid-way.
  await page.evaluate(() => {
    const row = `${Array.from({ length: 32 }, (_, i) => (i * 0.123456).toFixed(6)).join(',')},1\n`;
    const header = `${Array.from({ length: 16 }, (_, i) => `cam_${i}`).concat(Array.from({ length: 16 }, (_, i) => `lidar_${i}`)).join(',')},label\n`;
    const big = new File([header, row.repeat(260_000)], 'big.csv', { type: 'text/csv' });
    const dt = new DataTransfer();
    dt.items.add(big);
    document.querySelector('[data-testid=dropzone]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  const cancel = page.getByRole('button', { name: 'Cancel' });
  await cancel.waitFor({ state: 'visible' });
  await cancel.click();
  await page.locator('#progress').waitFor({ state: 'hidden', timeout: 2_000 });
  assert.equal(await page.getByTestId('file').count(), 0, 'the cancelled file is not listed');
  assert.equal(await page.locator('#banner').isHidden(), true, 'cancelling is not an error');
  // The engine was restarted and works.
  await dropFiles(page, [{ name: 'xor-counts.csv', text: 'x1,x2,y,count\n0,0,0,1\n0,1,1,1\n1,0,1,1\n1,1,0,1\n' }]);
  const card = await runAndWait(page, 2);
  assert.ok(Math.abs((await number(card, 'synergy')) - 1) < 1e-6);
  await context.close();
});

const BAD_INPUTS = [
  ['ragged.csv', 'a,b,label\n1,2,0\n3,4\n', /ragged\.csv.*line 3/],
  ['text.csv', 'cam_0,lidar_0,label\n1,2,0\n3,4,1\nx,5,0\n', /text\.csv, line 4, column 'cam_0': 'x' is not a number/],
  ['empty.csv', '', /empty\.csv.*empty/i],
  ['header-only.csv', 'cam_0,lidar_0,label\n', /header-only\.csv/],
  ['infinite.csv', 'cam_0,lidar_0,label\n1,2,0\ninf,4,1\n', /infinite\.csv.*line 3/],
];

for (const [name, text, message] of BAD_INPUTS) {
  test(`bad input ${name} shows a banner naming the file, and earlier results stay`, async () => {
    const { page, context } = await openReady();
    await dropFiles(page, [{ name, text }]);
    const banner = page.getByTestId('banner-message');
    await banner.waitFor({ timeout: 10_000 });
    assert.match(await banner.textContent(), message);
    assert.equal(await page.getByTestId('result').count(), 1, 'the example is still on screen');
    await context.close();
  });
}

test('every export downloads: charts as SVG and PNG, results as JSON and CSV, the counts table', async () => {
  const { page, context } = await openReady();
  const card = page.getByTestId('result').first();
  const grab = async (button) => {
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return { name: download.suggestedFilename(), body: await readFile(await download.path()) };
  };
  const json = await grab(card.getByRole('button', { name: 'results JSON' }));
  assert.match(json.name, /\.json$/);
  const parsed = JSON.parse(json.body.toString());
  assert.equal(parsed.pid.synergy > 0.99, true);
  const csv = await grab(card.getByRole('button', { name: 'results CSV' }));
  assert.match(csv.body.toString(), /^analysis,target,quantity,bits\n/);
  assert.match(csv.body.toString(), /synergy,1(\.0+)?\n/);
  const counts = await grab(card.getByRole('button', { name: 'counts table CSV' }));
  assert.match(counts.body.toString(), /^x1,x2,y,count\n0,0,0,1\n/);
  const svg = await grab(card.getByRole('button', { name: 'SVG' }).first());
  assert.match(svg.body.toString(), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const png = await grab(card.getByRole('button', { name: 'PNG' }).first());
  assert.deepEqual([...png.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  await context.close();
});
