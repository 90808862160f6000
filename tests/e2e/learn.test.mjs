// Learn mode as a student uses it: pick an example, predict, reveal, edit the table,
// run generated scenarios, share an edited table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startSession } from './harness.mjs';

const CASES = JSON.parse(readFileSync(new URL('../data/reference.json', import.meta.url)));
const KEYS = [['R', 'redundancy'], ['U1', 'unique1'], ['U2', 'unique2'], ['S', 'synergy']];

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

async function openLearn() {
  const opened = await session.open('/');
  const { page } = opened;
  await page.locator('#results[data-ready=true]').waitFor({ timeout: 20_000 });
  await page.getByRole('tab', { name: 'Learn PID' }).click();
  await page.locator('.gallery button').first().waitFor();
  return opened;
}

test('every gallery example’s atoms, computed in the browser, match the reference cases to 1e-6 bits', async () => {
  const { page, context } = await openLearn();
  const results = await page.evaluate(async () => {
    const gallery = await window.pidscope.bridge.call('gallery');
    return Promise.all(gallery.map(async (entry) => ({ entry, analysis: await window.pidscope.bridge.call('example', { name: entry.name }) })));
  });
  assert.ok(results.length >= 10, 'the gallery has the gates and more');
  for (const { entry, analysis } of results) {
    const reference = CASES.find((c) => c.name === entry.name);
    assert.ok(reference, `${entry.name} is a reference case`);
    for (const [ref, key] of KEYS) assert.ok(Math.abs(analysis.pid[key] - reference[ref]) <= 1e-6, `${entry.name} ${key}`);
    const largest = Math.max(...KEYS.map(([, key]) => analysis.pid[key]));
    for (const atom of entry.dominant) assert.ok(Math.abs(analysis.pid[atom] - largest) <= 1e-6, `${entry.name}: ${atom} is the largest`);
  }
  await context.close();
});

test('predict, reveal, then edit a cell: the atoms and charts follow the edit', async () => {
  const { page, context, record } = await openLearn();
  await page.getByRole('button', { name: /^AND/ }).click();
  await page.getByRole('heading', { name: /^And/ }).waitFor();
  assert.match(await page.getByTestId('live-result').textContent(), /Make your prediction/);
  await page.getByRole('group', { name: 'Your prediction' }).getByRole('button', { name: 'Redundancy' }).click();
  assert.match(await page.getByTestId('verdict').textContent(), /^Not quite: you said redundancy, but synergy dominates\.$/);
  const synergy = () => page.getByTestId('learn-synergy').textContent();
  assert.equal(await synergy(), '0.5000 bits');
  const bar = () => page.locator('[data-testid=live-result] figure.atoms-bar').innerHTML();
  const before = await bar();
  // p(x1=1, x2=1, y=1) from 0.25 to 0.6: the rest renormalises, the PID moves.
  const cell = page.getByLabel('p(x1=1, x2=1, y=1)');
  await cell.fill('0.6');
  await cell.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=learn-synergy]')?.textContent !== '0.5000 bits');
  assert.notEqual(await synergy(), '0.5000 bits');
  assert.notEqual(await bar(), before, 'the chart was redrawn');
  assert.match(await page.getByTestId('update-time').textContent(), /^Updated in \d+(\.\d)? ms \(engine \d+(\.\d)? ms, drawing \d+(\.\d)? ms\)/);
  const total = await page.evaluate(() => [...document.querySelectorAll('[data-testid=editor] input')].reduce((s, i) => s + Number(i.value), 0));
  assert.ok(Math.abs(total - 1) < 1e-3, `the cells still sum to 1 (${total})`);
  // A 4×4×4 table edits too.
  for (const name of ['X1', 'X2', 'Y']) await page.getByLabel(`Number of states of ${name}`).selectOption('4');
  await page.getByLabel('p(x1=3, x2=3, y=3)').waitFor();
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('the hallway robot scenarios, generated and analysed in the browser, have their intended dominant atoms', async () => {
  const { page, context } = await openLearn();
  const runs = await page.evaluate(async () => {
    const list = await window.pidscope.bridge.call('scenarios');
    const robot = list.filter((s) => s.id.startsWith('robot_'));
    const out = [];
    for (const s of robot) out.push({ id: s.id, intended: s.intended, run: await window.pidscope.bridge.call('runScenario', { id: s.id, seed: 1 }) });
    return out;
  });
  assert.deepEqual(runs.map((r) => r.id), ['robot_corridor', 'robot_storage_room', 'robot_glass_door']);
  for (const { id, intended, run } of runs) {
    const atoms = KEYS.map(([, key]) => [key, run.pid[key]]).sort((a, b) => b[1] - a[1]);
    assert.equal(atoms[0][0], intended, `${id}: ${JSON.stringify(atoms)}`);
    assert.equal(run.kind, 'samples', `${id} went through the samples path`);
  }
  // The page's own button does the same and offers the CSV.
  const card = page.getByTestId('scenario').filter({ hasText: 'glass' }).first();
  await card.getByRole('button', { name: 'Generate and analyse' }).click();
  await card.getByTestId('result').waitFor({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^robot_glass_door-seed1\.csv$/);
  await context.close();
});

test('an edited table is shared by link and opens with the same atoms', async () => {
  const { page, context } = await openLearn();
  await page.getByRole('button', { name: 'just show me' }).click();
  const cell = page.getByLabel('p(x1=0, x2=0, y=0)');
  await cell.fill('0.4');
  await cell.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=learn-synergy]')?.textContent !== '1.0000 bits');
  const synergy = await page.getByTestId('learn-synergy').textContent();
  await page.getByTestId('live-result').getByRole('button', { name: 'Copy link' }).click();
  const url = await page.getByTestId('share-link').inputValue();
  const shared = await session.open(url.slice(session.origin.length));
  await shared.page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 20_000 });
  const card = shared.page.getByTestId('result').first();
  assert.match(await card.getByRole('heading', { level: 2 }).first().textContent(), /^Shared: /);
  assert.equal(await card.getByTestId('synergy').textContent(), synergy);
  await shared.context.close();
  await context.close();
});
