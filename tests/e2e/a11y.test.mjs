// Accessibility of the main flow (issue #15, point 7): the file picker and the tabs by
// keyboard, live regions that say one short thing, and axe-core (from node_modules, no
// network) finding no WCAG 2.2 A/AA violation on each view.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { noisyAndCsv } from './fixtures.mjs';
import { dropFiles, openReady as openReadyIn, runAndWait, setClusters, startSession } from './harness.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

const openReady = () => openReadyIn(session);

/** axe-core's WCAG 2.2 A/AA violations on the page as it is, in words (empty: none). */
async function violations(page) {
  // Evaluated through the DevTools protocol, as a test tool: the page's CSP stays in force for the page's own code.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const found = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }).then((r) => r.violations), WCAG22_AA);
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
}

/** The accessible name or text of what has focus, and whether it is the hidden file input. */
const focusedNow = (page) => page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), fileInput: document.activeElement?.getAttribute('type') === 'file', tag: document.activeElement?.tagName }));

test('"choose files" is one tab stop, a real button: Enter and Space open the file picker', async () => {
  const { page, context } = await openReady();
  // Playwright intercepts file choosers once a listener exists; a round trip lets that take effect
  // before the key press (else a fast press opens the headless browser's own, unseen dialog).
  page.on('filechooser', () => {});
  await page.evaluate(() => 0);
  const stops = [];
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press('Tab');
    const now = await focusedNow(page);
    stops.push(now);
    if (now.text === 'choose files') break;
  }
  assert.ok(!stops.some((s) => s.fileInput), `the file input is no tab stop: ${JSON.stringify(stops)}`);
  assert.deepEqual(stops.at(-1), { text: 'choose files', fileInput: false, tag: 'BUTTON' });
  for (const key of ['Enter', ' ']) {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15_000 }), page.keyboard.press(key === ' ' ? 'Space' : key)]);
    assert.equal(chooser.isMultiple(), true);
    await chooser.setFiles({ name: `k${key.trim() || 's'}.csv`, mimeType: 'text/csv', buffer: Buffer.from(noisyAndCsv(40, key.length)) });
  }
  await page.getByTestId('file').nth(1).waitFor();
  // The next Tab leaves the drop zone: no invisible stop after the button either.
  await page.getByRole('button', { name: 'choose files' }).focus();
  await page.keyboard.press('Tab');
  assert.notEqual((await focusedNow(page)).fileInput, true);
  await context.close();
});

test('the mode tabs follow the ARIA tabs pattern: tablist, roving tabindex, arrows, Home and End', async () => {
  const { page, context } = await openReady();
  const tablist = page.getByRole('tablist', { name: 'Mode' });
  const [analyse, learn] = [page.getByRole('tab', { name: 'Analyse data' }), page.getByRole('tab', { name: 'Learn PID' })];
  assert.equal(await tablist.getByRole('tab').count(), 2);
  assert.deepEqual([await analyse.getAttribute('aria-selected'), await learn.getAttribute('aria-selected')], ['true', 'false']);
  assert.deepEqual([await analyse.getAttribute('tabindex'), await learn.getAttribute('tabindex')], [null, '-1']);
  assert.equal(await page.getByRole('tabpanel', { name: 'Analyse data' }).isVisible(), true);
  await analyse.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-learn');
  assert.equal(await learn.getAttribute('aria-selected'), 'true');
  assert.equal(await learn.getAttribute('tabindex'), '0');
  await page.getByRole('tabpanel', { name: 'Learn PID' }).waitFor();
  assert.equal(await page.getByRole('tabpanel', { name: 'Analyse data' }).isVisible(), false);
  await page.keyboard.press('Home');
  assert.equal(await analyse.getAttribute('aria-selected'), 'true');
  await page.keyboard.press('End');
  assert.equal(await learn.getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowRight'); // wraps around
  assert.equal(await analyse.getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-analyse');
  await context.close();
});

test('live regions are small: the results region is not live, a one-line status says a result came', async () => {
  const { page, context } = await openReady();
  await dropFiles(page, [{ name: 'noisy-and.csv', text: noisyAndCsv(200) }]);
  await setClusters(page, 2);
  await runAndWait(page, 2);
  const live = await page.evaluate(() =>
    [...document.querySelectorAll('[aria-live], [role=status], [role=alert], [role=log]')]
      .filter((el) => el.getAttribute('aria-live') !== 'off')
      .map((el) => ({ id: el.id, testid: el.dataset.testid, inResults: Boolean(el.closest('#results')), cards: el.querySelectorAll('[data-testid=result]').length, text: el.textContent.length })),
  );
  assert.ok(live.every((r) => r.cards === 0), `no live region holds a result card: ${JSON.stringify(live)}`);
  assert.ok(live.every((r) => r.text < 400), `every live region says little: ${JSON.stringify(live)}`);
  assert.match(await page.locator('#results-status').textContent(), /^Result added: noisy-and\.csv\.$/);
  await context.close();
});

test('axe-core finds no WCAG 2.2 A/AA violation: landing, roles, a result, learn mode, the share link', async () => {
  const { page, context, record } = await openReady();
  assert.deepEqual(await violations(page), [], 'landing');
  await dropFiles(page, [{ name: 'noisy-and.csv', text: noisyAndCsv(200) }]);
  await page.getByTestId('file').waitFor();
  await setClusters(page, 2); // opens Settings
  assert.deepEqual(await violations(page), [], 'a file dropped: preview, roles, settings');
  const card = await runAndWait(page, 2);
  await page.waitForFunction(() => Boolean(window.pidscope.state.analyses[0]?.uncertainty), null, { timeout: 60_000 });
  assert.deepEqual(await violations(page), [], 'a result');
  await card.getByRole('button', { name: 'Copy link' }).click();
  await card.getByTestId('share-link').waitFor();
  assert.doesNotMatch(await card.locator('.link-out').textContent(), /null/, 'no stray "null" under the link');
  assert.deepEqual(await violations(page), [], 'the share link');
  await page.getByRole('tab', { name: 'Learn PID' }).click();
  await page.locator('.gallery .example').first().waitFor();
  assert.deepEqual(await violations(page), [], 'learn mode');
  await page.locator('.gallery .example').first().click();
  await page.locator('.predict button').first().click();
  await page.getByTestId('live-result').locator('table').waitFor();
  assert.deepEqual(await violations(page), [], 'learn mode, an example revealed');
  assert.deepEqual(record.foreignRequests, []);
  await context.close();
});
