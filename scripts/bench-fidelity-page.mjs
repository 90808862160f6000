// The fidelity check (docs/fidelity.md) in the real page, in headless Chromium: drop issue
// #14's case (ROWS rows, 64 + 64 standard-normal features, y = 2·XOR(a_0 > 0, b_0 > 0) +
// [a_1 > 0.5]) with the uncertainty off, click Estimate, and time the check from the
// moment its progress message appears to its note on the card; then the sensitivity
// sweep that follows it, to its last point.
//
//   npm run build && node scripts/bench-fidelity-page.mjs [--rows 20000] [--dims 64] [--seed 1] [--runs 3]
import { dropFiles, startSession } from '../tests/e2e/harness.mjs';
import { rng } from '../tests/e2e/fixtures.mjs';

const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rows = option('rows', 20_000);
const dims = option('dims', 64);
const seed = option('seed', 1);
const runs = option('runs', 3);

function hiddenXor() {
  const r = rng(seed);
  const header = [...Array.from({ length: dims }, (_, i) => `a_${i}`), ...Array.from({ length: dims }, (_, i) => `b_${i}`), 'label'];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const v = Array.from({ length: 2 * dims }, r.normal);
    lines.push([...v.map((x) => x.toFixed(4)), 2 * (Number(v[0] > 0) ^ Number(v[dims] > 0)) + Number(v[1] > 0.5)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const session = await startSession();
try {
  const csv = hiddenXor();
  console.log(`Chromium ${await session.browser.version()}, ${rows} rows × (${dims} + ${dims}) features, resamples 0, permutations 0`);
  for (let run = 1; run <= runs; run += 1) {
    const { page, context } = await session.open('/');
    await page.locator('#results[data-ready=true]').waitFor({ timeout: 30_000 });
    await dropFiles(page, [{ name: 'hidden-xor.csv', text: csv }]);
    await page.getByTestId('file').waitFor({ timeout: 120_000 });
    await page.getByText('Settings', { exact: true }).click();
    for (const label of ['Resamples', 'Permutations']) {
      const input = page.getByLabel(label, { exact: true });
      await input.fill('0');
      await input.press('Tab');
    }
    // When the check's first progress message shows, and when its note is on the card.
    await page.evaluate(() => {
      window.bench = {};
      const stage = document.querySelector('#progress .stage');
      new MutationObserver(() => {
        if (!window.bench.fidelity && /Checking the table's fidelity/.test(stage.textContent)) window.bench.fidelity = performance.now();
        if (!window.bench.sweep && /Sensitivity sweep/.test(stage.textContent)) window.bench.sweep = performance.now();
      }).observe(stage, { childList: true, characterData: true, subtree: true });
      new MutationObserver(() => {
        if (!window.bench.note && document.querySelector('[data-testid=result] [data-testid=fidelity]')) window.bench.note = performance.now();
        if (!window.bench.swept && document.querySelector('[data-testid=result] [data-testid=sweep]')?.dataset.running === 'false') window.bench.swept = performance.now();
      }).observe(document.querySelector('#results'), { childList: true, subtree: true, attributes: true });
    });
    const started = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Estimate PID' }).click();
    await page.waitForFunction(() => window.bench.swept, null, { timeout: 10 * 60_000 });
    const b = await page.evaluate(() => window.bench);
    const s = (ms) => (ms / 1000).toFixed(2);
    console.log(`  run ${run}: check started ${s(b.fidelity - started)} s after the click; fidelity check ${s(b.note - b.fidelity)} s; sweep ${s(b.swept - b.sweep)} s`);
    await context.close();
  }
} finally {
  await session.close();
}
