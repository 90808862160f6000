// The role picker at work, by keyboard and at 128 columns (issue #15, point 6): a key
// press only proposes a role, changes keep focus and the open panel, patterns and
// ranges assign many columns at once, and a row key or constant as a feature is flagged.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { noisyAndCsv, rng } from './fixtures.mjs';
import { dropFiles, openReady as openReadyIn, startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

const openReady = () => openReadyIn(session);
const summary = (page) => page.getByTestId('roles-summary').textContent();
const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-column') ?? document.activeElement?.tagName);

/** 64 camera and 64 lidar columns, a row id and a label: `rows` rows of noise. */
function wideCsv(rows = 30) {
  const r = rng(3);
  const names = ['id', ...Array.from({ length: 64 }, (_, i) => `cam_${i}`), ...Array.from({ length: 64 }, (_, i) => `lidar_${i}`), 'label'];
  const lines = [names.join(',')];
  for (let i = 0; i < rows; i += 1) lines.push([i, ...Array.from({ length: 128 }, () => r.normal().toFixed(3)), i % 2].join(','));
  return `${lines.join('\n')}\n`;
}

test('by keyboard alone: an arrow key proposes a role, Enter applies it, Escape or leaving undoes it; focus and the panel stay', async () => {
  const { page, context, record } = await openReady();
  await dropFiles(page, [{ name: 'noisy-and.csv', text: noisyAndCsv(40) }]);
  const select = page.getByLabel('Role of column cam_3');
  const before = await summary(page);
  assert.match(before, /X1: cam_0, cam_1, cam_2, cam_3 · X2/);
  await select.focus();
  await page.keyboard.press('ArrowDown'); // shows X2, applies nothing yet
  assert.equal(await select.inputValue(), 'x2');
  assert.equal(await summary(page), before, 'one key press does not change a role');
  assert.match(await page.getByTestId('role-pending').nth(3).textContent(), /pending: Enter applies/);
  await page.keyboard.press('Escape');
  assert.equal(await select.inputValue(), 'x1');
  assert.equal(await summary(page), before);
  // Leaving the control undoes a proposal too.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  assert.equal(await select.inputValue(), 'x1');
  assert.equal(await summary(page), before);
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(page), 'cam_3');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.match(await summary(page), /X1: cam_0, cam_1, cam_2 · X2: lidar_0, .*cam_3/);
  assert.equal(await focused(page), 'cam_3', 'focus stays on the control after a change');
  assert.equal(await page.locator('details.roles').evaluate((d) => d.open), true, 'the panel stays open');
  assert.equal(await page.getByTestId('role-pending').nth(3).textContent(), '');
  // A pointer's pick (or a picked option from the list) applies at once.
  await select.selectOption('x1');
  assert.equal(await summary(page), before);
  assert.deepEqual(record.pageErrors, []);
  await context.close();
});

test('128 columns: a pattern assigns 64 at once, a checked range another role; the collapsed panel stays open once opened', async () => {
  const { page, context, record } = await openReady();
  await dropFiles(page, [{ name: 'wide.csv', text: wideCsv() }]);
  await page.getByTestId('file').waitFor();
  const details = page.locator('details.roles');
  assert.equal(await details.evaluate((d) => d.open), false, 'closed at first: 130 rows');
  await page.getByText('Column roles').click();
  const pattern = page.getByLabel('Columns', { exact: true });
  await pattern.fill('lidar_*');
  await page.getByLabel('Role for the columns matched').selectOption('');
  await pattern.press('Enter');
  await page.getByTestId('pattern-status').filter({ hasText: '64 columns set to — not used' }).waitFor();
  assert.doesNotMatch(await summary(page), /X2/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'role-pattern', 'focus stays in the pattern box');
  await page.getByLabel('Role for the columns matched').selectOption('x2');
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  await page.getByTestId('pattern-status').filter({ hasText: '64 columns set to X2' }).waitFor();
  assert.match(await summary(page), /X2: lidar_0, lidar_1 … lidar_63 \(64 columns\)/);
  assert.equal(await page.evaluate(() => window.pidscope.state.roles.x2.length), 64);
  assert.equal(await details.evaluate((d) => d.open), true);
  // A pattern that matches nothing says so and changes nothing.
  await pattern.fill('radar_*');
  await pattern.press('Enter');
  await page.getByTestId('pattern-status').filter({ hasText: "No column matches 'radar_*'" }).waitFor();
  // Range: check cam_60, Shift-click cam_63 (4 columns), then by keyboard Space on lidar_0 and Shift+Space on lidar_2.
  await page.getByLabel('Check column cam_60', { exact: true }).click();
  await page.getByLabel('Check column cam_63', { exact: true }).click({ modifiers: ['Shift'] });
  assert.equal(await page.getByTestId('checked-count').textContent(), '4 checked');
  await page.getByLabel('Check column lidar_0', { exact: true }).focus();
  await page.keyboard.press('Space');
  await page.getByLabel('Check column lidar_2', { exact: true }).focus();
  await page.keyboard.press('Shift+Space');
  assert.equal(await page.getByTestId('checked-count').textContent(), '7 checked');
  await page.getByLabel('Role for the checked columns').selectOption('yhat');
  await page.getByRole('button', { name: 'Assign to checked' }).click();
  const roles = await page.evaluate(() => window.pidscope.state.roles);
  assert.deepEqual(roles.yhat, ['cam_60', 'cam_61', 'cam_62', 'cam_63', 'lidar_0', 'lidar_1', 'lidar_2']);
  assert.equal(roles.x1.length, 60);
  assert.equal(roles.x2.length, 61);
  assert.equal(await page.getByLabel('Role of column cam_61', { exact: true }).inputValue(), 'yhat');
  assert.equal(await details.evaluate((d) => d.open), true);
  assert.deepEqual(record.pageErrors, []);
  await context.close();
});

test('an id-like or constant column given a feature role is flagged, and one click stops using it', async () => {
  const { page, context } = await openReady();
  const lines = ['id,sample,gain,cam_0,lidar_0,label'];
  for (let i = 0; i < 40; i += 1) lines.push([i, 1000 + i, 2.5, (i % 3) * 0.5, (i % 5) * 0.25, i % 2].join(','));
  await dropFiles(page, [{ name: 'keys.csv', text: `${lines.join('\n')}\n` }]);
  await page.getByTestId('file').waitFor();
  const warnings = page.getByTestId('role-warning');
  // The guess makes `sample` (a different whole number in every row) and `gain` (constant) features.
  assert.deepEqual(await warnings.evaluateAll((ps) => ps.map((p) => p.dataset.column)), ['sample', 'gain']);
  assert.match(await warnings.first().textContent(), /Column 'sample' is a feature of X1, but it has a different whole number or text in every row/);
  assert.match(await warnings.nth(1).textContent(), /'gain' .* the same value in every row/);
  // `id` is no feature until someone makes it one: then it is flagged at once.
  await page.getByLabel('Role of column id').selectOption('x1');
  assert.match(await page.getByTestId('role-warning').first().textContent(), /Column 'id' is a feature of X1, but its name says it identifies rows/);
  await page.getByRole('button', { name: 'stop using id' }).click();
  assert.equal(await page.getByLabel('Role of column id').inputValue(), '');
  assert.deepEqual(await warnings.evaluateAll((ps) => ps.map((p) => p.dataset.column)), ['sample', 'gain']);
  await context.close();
});

test('a wide file shows its columns a page at a time, and a checked range spans pages; the tab stays responsive', async () => {
  const { page, context, record } = await openReady();
  const n = 5000;
  const names = [...Array.from({ length: n }, (_, i) => `f${i}`), 'label'];
  const lines = [names.join(',')];
  for (let r = 0; r < 6; r += 1) lines.push([...Array.from({ length: n }, (_, i) => (i * 7 + r) % 10), r % 2].join(','));
  // A heartbeat measures the longest stretch the page's thread is blocked.
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      window.__gaps.push(now - last);
      last = now;
    }, 50);
  });
  await dropFiles(page, [{ name: 'wide.csv', text: `${lines.join('\n')}\n` }]);
  await page.locator('details.roles summary').click();
  assert.equal(await page.locator('.roles-table tbody tr').count(), 200, 'one page of rows');
  assert.match(await page.getByTestId('roles-page').textContent(), /columns 1–200 of 5,001/);
  await page.getByLabel('Check column f190').check();
  await page.getByRole('button', { name: 'Next 200' }).click();
  assert.match(await page.getByTestId('roles-page').textContent(), /columns 201–400 of 5,001/);
  await page.getByLabel('Check column f209').click({ modifiers: ['Shift'] });
  assert.equal(await page.getByTestId('checked-count').textContent(), '20 checked', 'the range f190…f209 crosses the page break');
  await page.getByLabel('Role for the checked columns').selectOption('');
  await page.getByRole('button', { name: 'Assign to checked' }).click();
  assert.equal(await page.getByLabel('Role of column f205').inputValue(), '', 'a column on this page');
  await page.getByRole('button', { name: 'Previous 200' }).click();
  assert.equal(await page.getByLabel('Role of column f195').inputValue(), '', 'and one on the page before');
  assert.equal(await page.getByLabel('Role of column f189').inputValue(), 'x1');
  // Y, far down the list, by the pattern box: one column, no paging.
  await page.locator('#role-pattern-role').selectOption('y');
  await page.locator('#role-pattern').fill('f1*');
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  await page.getByTestId('pattern-status').filter({ hasText: /is one column/ }).waitFor();
  assert.match(await page.getByTestId('pattern-status').textContent(), /Y \(label\) is one column, and 'f1\*' matches 1,111/);
  await page.locator('#role-pattern').fill('f4999');
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  await page.getByTestId('pattern-status').filter({ hasText: /set to Y/ }).waitFor();
  assert.match(await page.getByTestId('roles-summary').textContent(), /Y: f4999/);
  const worst = Math.max(...(await page.evaluate(() => window.__gaps)));
  assert.ok(worst < 2000, `the page's thread was blocked for ${worst.toFixed(0)} ms`);
  assert.deepEqual(record.pageErrors, []);
  await context.close();
});
