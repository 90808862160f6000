// Learn mode as a student uses it: pick an example, predict, reveal, edit the table,
// run generated scenarios, share an edited table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startSession } from './harness.mjs';
import { barLabelProblems, overflowing, shot, WIDTHS } from './layout.mjs';

const CASES = JSON.parse(readFileSync(new URL('../data/reference.json', import.meta.url)));
const KEYS = [['R', 'redundancy'], ['U1', 'unique1'], ['U2', 'unique2'], ['S', 'synergy']];

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

async function openLearn(width) {
  const opened = await session.open('/');
  const { page } = opened;
  if (width) await page.setViewportSize({ width, height: 900 });
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

/** Words and amounts that name the answer: none may show before the prediction. */
const GIVEAWAY = /synerg|redundan|unique|\bbits?\b|\d\.\d|%|dominat/i;

test('before the prediction no example gives the answer away, and no internal id is shown', async () => {
  const { page, context } = await openLearn();
  const buttons = page.locator('.gallery button');
  const count = await buttons.count();
  assert.ok(count >= 14);
  for (let i = 0; i < count; i += 1) {
    const button = buttons.nth(i);
    const name = await button.getAttribute('data-name');
    const label = await button.textContent();
    assert.doesNotMatch(label, /_/, `${name}: the button shows a display name, not the id (${label})`);
    assert.doesNotMatch(label, GIVEAWAY, `${name}: button "${label}"`);
    await button.click();
    await page.waitForFunction((n) => document.querySelector(`.gallery button[data-name="${n}"]`)?.getAttribute('aria-pressed') === 'true', name);
    // What the lesson shows (its prediction buttons name the four atoms, as choices).
    const shown = await page.locator('article.lesson').evaluate((el) => {
      const copy = /** @type {HTMLElement} */ (el.cloneNode(true));
      copy.querySelector('.choices')?.remove();
      copy.querySelector('.editor')?.remove();
      return [...copy.querySelectorAll(':scope > :not([hidden])')].map((n) => n.textContent).join(' ');
    });
    assert.doesNotMatch(shown, GIVEAWAY, `${name} before the prediction: ${shown}`);
    assert.ok((await page.getByTestId('setup').textContent()).length > 20, `${name} has a setup`);
    assert.equal(await page.getByTestId('explanation').isVisible(), false);
  }
  // After the reveal the explanation (the answer) is shown.
  await page.locator('.gallery button[data-name=XOR]').click();
  await page.getByRole('button', { name: 'just show me' }).click();
  assert.match(await page.getByTestId('explanation').textContent(), /synergy/);
  await context.close();
});

test('every edit says what happened to the other cells; zeroing the last cell is refused; I = 0 draws no bar', async () => {
  const { page, context, record } = await openLearn();
  await page.locator('.gallery button[data-name=AND]').click();
  await page.getByRole('button', { name: 'just show me' }).click();
  const note = () => page.getByTestId('edit-note').textContent();
  const set = async (label, value) => {
    const cell = page.getByLabel(label);
    await cell.fill(String(value));
    await cell.press('Enter');
  };
  // AND: three cells of 1/4 with Y = 0, one with Y = 1.
  await set('p(x1=0, x2=0, y=0)', 0);
  assert.equal(await note(), 'The other cells were scaled by 1.333 so the table sums to 1.');
  await set('p(x1=0, x2=1, y=0)', 0);
  await set('p(x1=1, x2=0, y=0)', 0);
  assert.equal(await page.getByLabel('p(x1=1, x2=1, y=1)').inputValue(), '1');
  await set('p(x1=1, x2=1, y=1)', 0);
  assert.match(await note(), /^Not changed: this is the only cell with any probability/);
  assert.equal(await page.getByLabel('p(x1=1, x2=1, y=1)').inputValue(), '1', 'the refused edit is undone in the cell');
  // One cell holds everything: I(X1,X2;Y) = 0, so there is nothing to decompose and no bar.
  const bar = page.locator('[data-testid=live-result] figure.atoms-bar');
  await page.waitForFunction(() => document.querySelector('[data-testid=live-result] figure.atoms-bar')?.textContent.includes('Nothing to decompose'));
  assert.match(await bar.textContent(), /Nothing to decompose: I\(X1,X2;Y\) = 0/);
  assert.equal(await bar.locator('g[aria-label=bar] rect').count(), 0, 'no bar over a zero axis');
  // Fewer states: the dropped probability is said.
  await set('p(x1=0, x2=1, y=0)', 0.5);
  await page.getByLabel('Number of states of X1').selectOption('1');
  assert.match(await note(), /^The removed states held 0\.5 of the probability; the kept cells were scaled by 2/);
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('learn mode is legible at 390 and 1440 px: no overflow, in-bar labels fit, text not scaled down', async () => {
  for (const width of WIDTHS) {
    const { page, context } = await openLearn(width);
    await page.locator('.gallery button[data-name=dit_imp_rdn]').click();
    await page.getByRole('button', { name: 'just show me' }).click();
    await page.locator('[data-testid=live-result] figure.atoms-bar svg[data-role=plot]').waitFor();
    assert.deepEqual(await overflowing(page), [], `${width} px: nothing wider than the page`);
    assert.deepEqual(await barLabelProblems(page, '#learn'), [], `${width} px`);
    for (const chart of ['atoms-bar', 'pid-diagram']) {
      const scale = await page.locator(`[data-testid=live-result] figure.${chart} svg[data-role=plot]`).evaluate((svg) => svg.getBoundingClientRect().width / Number(svg.getAttribute('width')));
      assert.ok(scale > 0.98, `${width} px: the ${chart} is drawn at its shown width, its text not scaled down (scale ${scale})`);
    }
    await shot(page, 'learn', page.locator('article.lesson'));
    await context.close();
  }
});

test('the Gaussian example: moving a slider by keyboard moves the atoms, which keep the closed form; legible at 360 px', async () => {
  const { page, context, record } = await openLearn(360);
  const lesson = page.getByTestId('gaussian-lesson');
  const value = async (key) => Number.parseFloat(await lesson.getByTestId(`gauss-learn-${key}`).textContent());
  await lesson.getByTestId('gauss-learn-redundancy').waitFor();
  const before = Object.fromEntries(await Promise.all(['redundancy', 'synergy', 'mi_x1_y', 'mi_x2_y'].map(async (k) => [k, await value(k)])));
  // The start: σ1 = 0.5, σ2 = 1, ρ = 0, w1 = w2 = 1, σy = 0.5, so Var Y = 2.25 and
  // I(X1;Y) = −½ log2(1 − 1/(1.25 · 2.25)), I(X2;Y) = −½ log2(1 − 1/(2 · 2.25)).
  assert.ok(Math.abs(before.mi_x1_y - -0.5 * Math.log2(1 - 1 / (1.25 * 2.25))) < 1e-4, `I(X1;Y) ${before.mi_x1_y}`);
  assert.ok(Math.abs(before.mi_x2_y - -0.5 * Math.log2(1 - 1 / (2 * 2.25))) < 1e-4, `I(X2;Y) ${before.mi_x2_y}`);
  assert.ok(Math.abs(before.redundancy - Math.min(before.mi_x1_y, before.mi_x2_y)) < 2e-4);
  // Keyboard only: focus the labelled slider, arrow right 20 steps of 0.05 (σ1 0.5 → 1.5).
  const slider = page.getByLabel('Noise of X1 (σ1)');
  await slider.focus();
  for (let i = 0; i < 20; i += 1) await page.keyboard.press('ArrowRight');
  assert.equal(await lesson.getByTestId('gauss-noise1-value').textContent(), '1.50');
  await page.waitForFunction((r) => document.querySelector('[data-testid=gauss-learn-mi_x1_y]')?.textContent !== r, `${before.mi_x1_y.toFixed(4)} bits`);
  // Settle on the last move (the latest move wins), then check the closed form again.
  const expected = -0.5 * Math.log2(1 - 1 / ((1 + 1.5 ** 2) * 2.25));
  await page.waitForFunction((e) => Math.abs(Number.parseFloat(document.querySelector('[data-testid=gauss-learn-mi_x1_y]')?.textContent ?? '') - e) < 1e-4, expected);
  const after = Object.fromEntries(await Promise.all(['redundancy', 'mi_x1_y', 'mi_x2_y'].map(async (k) => [k, await value(k)])));
  assert.ok(after.mi_x1_y < before.mi_x1_y - 0.1, 'a noisier X1 says less about Y');
  assert.ok(Math.abs(after.redundancy - Math.min(after.mi_x1_y, after.mi_x2_y)) < 2e-4, 'R = min(I1, I2) after the move');
  assert.notEqual(after.redundancy, before.redundancy);
  assert.match(await lesson.getByTestId('gaussian-lesson-status').textContent(), /^Redundancy \d\.\d{3} bits, Unique to X1/);
  assert.match(await lesson.getByTestId('gaussian-lesson-time').textContent(), /^Updated in \d+(\.\d)? ms/);
  // Every slider has a name and a description; nothing is wider than a 360 px phone.
  for (const input of await lesson.locator('input[type=range]').all()) {
    assert.ok((await input.evaluate((el) => el.labels?.[0]?.textContent ?? '')).length > 5, 'a visible label');
    assert.ok(await input.getAttribute('aria-describedby'));
  }
  assert.deepEqual(await overflowing(page), [], 'nothing wider than the page at 360 px');
  await lesson.scrollIntoViewIfNeeded();
  await shot(page, 'learn-gaussian', lesson);
  assert.deepEqual(record.pageErrors, []);
  await context.close();
});
