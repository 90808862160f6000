// Input as people bring it: two files of the same samples in different orders, joined on
// their id column; a numeric column with one stray value, read as the person chooses.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rng } from './fixtures.mjs';
import { dropFiles, number, openReady as openReadyIn, runAndWait, setClusters, startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

const openReady = () => openReadyIn(session);

/** 300 samples split in two files, the second reversed: X1 noise, X2 decides the label. */
function reorderedPair() {
  const { uniform: random } = rng(11);
  let left = 'id,f_0\n';
  const right = [];
  for (let i = 0; i < 300; i++) {
    left += `${i},${random()}\n`;
    const v = random();
    right.push(`${i},${v},${v > 0.5 ? 1 : 0}\n`);
  }
  return [
    { name: 'left.csv', text: left },
    { name: 'right.csv', text: `id,g_0,label\n${right.reverse().join('')}` },
  ];
}

test('two files in different orders are joined on their shared id column, shown in the role picker', async () => {
  const { page, context, record } = await openReady();
  await dropFiles(page, reorderedPair());
  await page.getByTestId('file').nth(1).waitFor();
  assert.match(await page.getByTestId('roles-summary').textContent(), /id: id/);
  const idSelects = page.locator('select[data-column$="id"]');
  assert.equal(await idSelects.count(), 2);
  for (const select of await idSelects.all()) assert.equal(await select.inputValue(), 'id', 'both files’ id columns show the join role');
  await setClusters(page, 4);
  let card = await runAndWait(page, 2);
  assert.ok((await number(card, 'mi_x2_y')) > 0.8, 'X2 is paired with its own label');
  assert.match(await card.getByTestId('data-notes').textContent(), /joined on 'id': every row has a match/);

  // Without the join the files would be paired by position: refused, with the way out.
  await page.locator('select[data-column="left.csv::id"]').selectOption('');
  assert.doesNotMatch(await page.getByTestId('roles-summary').textContent(), /id: /);
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  const banner = page.getByTestId('banner-message');
  await banner.waitFor({ timeout: 10_000 });
  assert.match(await banner.textContent(), /cannot be paired row by row: their column 'id' disagrees .*join them on 'id'/);

  // Choosing the id role on the other file's column joins again (it used to fail with
  // "there is no column 'right.csv::id'").
  await page.locator('select[data-column="right.csv::id"]').selectOption('id');
  assert.match(await page.getByTestId('roles-summary').textContent(), /id: id/);
  card = await runAndWait(page, 3);
  assert.ok((await number(card, 'mi_x2_y')) > 0.8);
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('a numeric column with one stray value asks how to read it, and the answer is used', async () => {
  const { page, context } = await openReady();
  let csv = 'cam_0,lidar_0,label\n';
  for (let i = 0; i < 40; i++) csv += `${i === 5 ? 'abc' : i % 4},${i % 2},${Math.floor((i % 4) / 2)}\n`;
  await dropFiles(page, [{ name: 'stray.csv', text: csv }]);
  const question = page.getByTestId('mixed-column');
  await question.waitFor();
  assert.match(await question.textContent(), /Column 'cam_0': line 7 has 'abc', not a number \(1 value is not a number, 39 are\)/);
  // Unanswered, the estimate refuses and says why.
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  const banner = page.getByTestId('banner-message');
  await banner.waitFor({ timeout: 10_000 });
  assert.match(await banner.textContent(), /stray\.csv, line 7, column 'cam_0': 'abc' is not a number/);
  await question.getByLabel(/as numbers/).check();
  let card = await runAndWait(page, 2);
  assert.match(await card.getByTestId('data-notes').textContent(), /Column 'cam_0' is read as numbers: 1 value that is not a number counts as missing/);
  assert.match(await card.getByTestId('sample-stats').textContent(), /^39 samples/);
  await question.getByLabel(/as text/).check();
  card = await runAndWait(page, 3);
  assert.match(await card.getByTestId('sample-stats').textContent(), /^40 samples/);
  await context.close();
});
