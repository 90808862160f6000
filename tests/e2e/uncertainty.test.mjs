// Uncertainty on the page: after the plug-in card, the pool fills in corrected values,
// intervals and p-values; pure noise reads "no information detected", noisy XOR's synergy is significant.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openWithSettings, startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

/** A seeded PRNG (mulberry32) and standard normals from it (Box–Muller). */
function normals(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

/** 8+8 standard-normal columns a_0..a_7, b_0..b_7 and a binary label: random, or XOR of the signs of a_0 and b_0. */
function csv(rows, seed, xor) {
  const { uniform, normal } = normals(seed);
  const header = [...Array.from({ length: 8 }, (_, i) => `a_${i}`), ...Array.from({ length: 8 }, (_, i) => `b_${i}`), 'label'];
  const lines = [header.join(',')];
  for (let r = 0; r < rows; r++) {
    const values = Array.from({ length: 16 }, normal);
    const label = xor ? Number(values[0] > 0) ^ Number(values[8] > 0) : Number(uniform() < 0.5);
    lines.push([...values.map((v) => v.toFixed(4)), label].join(','));
  }
  return lines.join('\n') + '\n';
}

const prepare = (name, text, { resamples = 100, permutations = 100 } = {}) => openWithSettings(session, name, text, { Resamples: resamples, Permutations: permutations });

async function runUntilUncertainty(page) {
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 60_000 });
  await page.getByTestId('result').first().getByTestId('uncertainty-note').waitFor({ timeout: 120_000 });
  return page.getByTestId('result').first();
}

test('pure noise: no information detected, every atom marked as noise, intervals drawn', async () => {
  const { page, context, record } = await prepare('noise.csv', csv(2000, 7, false));
  const card = await runUntilUncertainty(page);
  assert.match(await card.getByTestId('reading').textContent(), /No information about label was detected/);
  for (const key of ['redundancy', 'unique1', 'unique2', 'synergy']) {
    assert.match(await card.getByTestId(`u-${key}`).textContent(), /not distinguishable from noise/, key);
  }
  assert.ok((await card.locator('figure.atoms-bar svg[data-role=plot] g.error-bar line').count()) >= 1, 'error bars drawn');
  for (const width of [360, 390, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await card.screenshot({ path: `/tmp/shots/noise-${width}.png` });
    // Legible at every width: nothing widens the page, and each term's interval fits the card.
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= width, `page wider than ${width} px`);
    const cardBox = await card.boundingBox();
    const cell = await card.getByTestId('u-synergy').boundingBox();
    assert.ok(cell && cardBox && cell.x + cell.width <= cardBox.x + cardBox.width + 1, `the synergy interval is cut at ${width} px`);
  }
  assert.deepEqual(record.pageErrors, []);
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('noisy XOR: synergy is significant and its interval is above 0', async () => {
  const { page, context } = await prepare('xor.csv', csv(1000, 11, true));
  const card = await runUntilUncertainty(page);
  const u = await page.evaluate(() => window.pidscope.state.analyses[0].uncertainty);
  assert.ok(u.synergy.p_value < 0.05, `synergy p = ${u.synergy.p_value}`);
  assert.ok(u.synergy.low > 0, `synergy low = ${u.synergy.low}`);
  assert.equal(await card.getByTestId('u-synergy').getAttribute('data-significant'), 'true');
  assert.doesNotMatch(await card.getByTestId('reading').textContent(), /No information/);
  await page.setViewportSize({ width: 1440, height: 900 });
  await card.screenshot({ path: '/tmp/shots/xor-1440.png' });
  await context.close();
});

test('Cancel during the uncertainty run stops it; a fresh run then completes', async () => {
  const { page, context } = await prepare('noise.csv', csv(2000, 3, false), { resamples: 2000, permutations: 2000 });
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => /Estimating uncertainty/.test(document.querySelector('#progress .stage')?.textContent ?? ''), null, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.locator('#progress').waitFor({ state: 'hidden', timeout: 10_000 });
  assert.equal(await page.evaluate(() => window.pidscope.state.analyses[0].uncertainty ?? null), null);
  for (const [label, value] of [['Resamples', 50], ['Permutations', 50]]) {
    const input = page.getByLabel(label, { exact: true });
    await input.fill(String(value));
    await input.press('Tab');
  }
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 3, null, { timeout: 60_000 });
  await page.getByTestId('result').first().getByTestId('uncertainty-note').waitFor({ timeout: 120_000 });
  await context.close();
});
