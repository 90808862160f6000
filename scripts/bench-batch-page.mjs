// BATCH's default workload in the real page, in headless Chromium: drop a samples CSV
// (two 64-dim modalities, a bit in each plus Gaussian noise, Y = XOR or AND), choose
// BATCH with the paper's settings, click Estimate, and time it to the result card, with
// the time spent in each model read from the page's progress messages.
//
//   npm run build && node scripts/bench-batch-page.mjs [--gate xor|and] [--samples 20000] [--seed 1]
//
// Prints one line per stage and the total, in seconds, and samples per second.
import { dropFiles, startSession } from '../tests/e2e/harness.mjs';
import { rng } from '../tests/e2e/fixtures.mjs';

const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const gate = option('gate', 'xor');
const samples = Number(option('samples', 20_000));
const seed = Number(option('seed', 1));
const DIM = 64;

/** x = (2·bit − 1)·w + N(0, 1) in 64 dimensions, w a fixed Gaussian direction per modality. */
function workload() {
  const r = rng(seed);
  const w1 = Array.from({ length: DIM }, r.normal);
  const w2 = Array.from({ length: DIM }, r.normal);
  const header = [...w1.map((_, k) => `cam_${k}`), ...w2.map((_, k) => `lidar_${k}`), 'label'].join(',');
  const lines = [header];
  for (let i = 0; i < samples; i += 1) {
    const a = r.uniform() < 0.5 ? 1 : 0;
    const b = r.uniform() < 0.5 ? 1 : 0;
    const embed = (bit, w) => w.map((wk) => ((2 * bit - 1) * wk + r.normal()).toFixed(4));
    lines.push([...embed(a, w1), ...embed(b, w2), gate === 'and' ? a & b : a ^ b].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const session = await startSession();
try {
  const csv = workload();
  const { page, context } = await session.open('/');
  await page.locator('#results[data-ready=true]').waitFor({ timeout: 30_000 });
  await dropFiles(page, [{ name: `default-workload-${gate}.csv`, text: csv }]);
  await page.getByTestId('file').waitFor({ timeout: 120_000 });
  await page.getByText('Settings', { exact: true }).click();
  await page.getByLabel('BATCH', { exact: true }).check();
  // Record when each model starts training, as the progress bar says it.
  await page.evaluate(() => {
    window.benchStages = [];
    // The main thread only draws: its long tasks (> 50 ms) while training are reported.
    window.benchLongTasks = [];
    new PerformanceObserver((list) => window.benchLongTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    const stage = document.querySelector('#progress .stage');
    new MutationObserver(() => {
      const model = /training the (.*), epoch/.exec(stage.textContent)?.[1];
      if (model && window.benchStages.at(-1)?.model !== model) window.benchStages.push({ model, at: performance.now() });
    }).observe(stage, { childList: true, characterData: true, subtree: true });
  });
  const started = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 30 * 60_000 });
  const ended = await page.evaluate(() => performance.now());
  const stages = await page.evaluate(() => window.benchStages);
  const longTasks = await page.evaluate(() => window.benchLongTasks);
  const card = page.getByTestId('result').first();
  const atoms = await Promise.all(['redundancy', 'unique1', 'unique2', 'synergy'].map(async (k) => `${k} ${(await card.getByTestId(k).textContent()).trim()}`));
  const total = (ended - started) / 1000;
  console.log(`BATCH in Chromium (${await session.browser.version()}), ${samples} samples × (${DIM} + ${DIM}) features, Y = ${gate.toUpperCase()}, paper defaults`);
  let previous = started;
  const marks = [...stages, { model: 'end', at: ended }];
  console.log(`  reading, assembling, standardising: ${((marks[0].at - previous) / 1000).toFixed(1)} s`);
  for (let i = 0; i + 1 < marks.length; i += 1) {
    console.log(`  ${marks[i].model}: ${((marks[i + 1].at - marks[i].at) / 1000).toFixed(1)} s`);
    previous = marks[i + 1].at;
  }
  console.log(`  total ${total.toFixed(1)} s, ${(samples / total).toFixed(0)} samples/s`);
  console.log(`  ${atoms.join(', ')}`);
  console.log(`  main thread: ${longTasks.length} tasks over 50 ms, longest ${Math.max(0, ...longTasks).toFixed(0)} ms`);
  await context.close();
} finally {
  await session.close();
}
