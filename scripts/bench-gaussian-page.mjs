// The Gaussian estimator's workload in the real page, in headless Chromium: drop a
// samples CSV of two 64-dim modalities and a scalar Y (each modality a noisy view of
// one latent factor, Y their sum plus noise), choose Gaussian, click Estimate, and time
// it to the result card: assembling, the covariance (one pass over the rows), the solve
// and drawing. Reading the file is timed apart (it is the same for every estimator).
//
//   npm run build && node scripts/bench-gaussian-page.mjs [--samples 20000] [--dim 64] [--runs 5] [--seed 1]
//
// Prints, per run (each in a fresh page), the read time, the time to the card and the
// engine call's share of it; then a second estimate in the same page.
import { dropFiles, startSession } from '../tests/e2e/harness.mjs';
import { rng } from '../tests/e2e/fixtures.mjs';

const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const samples = Number(option('samples', 20_000));
const dim = Number(option('dim', 64));
const runs = Number(option('runs', 5));
const seed = Number(option('seed', 1));

/** x_k = w_k·a + N(0, 1) (X1) and the same with b (X2); y = a + b + N(0, 0.5²). */
function workload() {
  const r = rng(seed);
  const w1 = Array.from({ length: dim }, r.normal);
  const w2 = Array.from({ length: dim }, r.normal);
  const lines = [[...w1.map((_, k) => `cam_${k}`), ...w2.map((_, k) => `lidar_${k}`), 'target'].join(',')];
  for (let i = 0; i < samples; i += 1) {
    const [a, b] = [r.normal(), r.normal()];
    const embed = (s, w) => w.map((wk) => (wk * s + r.normal()).toFixed(4));
    lines.push([...embed(a, w1), ...embed(b, w2), (a + b + 0.5 * r.normal()).toFixed(4)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A fresh page with the file read and Gaussian chosen; returns it and the read time (s). */
async function prepared(session, csv) {
  const opened = await session.open('/');
  const { page } = opened;
  await page.locator('#results[data-ready=true]').waitFor({ timeout: 30_000 });
  const read = await page.evaluate(() => performance.now());
  await dropFiles(page, [{ name: 'gaussian-workload.csv', text: csv }]);
  await page.getByTestId('file').waitFor({ timeout: 120_000 });
  const readSeconds = ((await page.evaluate(() => performance.now())) - read) / 1000;
  await page.getByText('Settings', { exact: true }).click();
  await page.getByLabel('Gaussian', { exact: true }).check();
  // Each engine call the page makes, timed from the main thread: the rest is drawing.
  await page.evaluate(() => {
    const { bridge } = window.pidscope;
    const call = bridge.call.bind(bridge);
    window.benchCalls = [];
    bridge.call = (method, params, options) => {
      const t0 = performance.now();
      return call(method, params, options).then((value) => {
        window.benchCalls.push({ method, ms: performance.now() - t0 });
        return value;
      });
    };
  });
  return { ...opened, readSeconds };
}

/** Clicks Estimate and waits for the card: seconds to the card and in the engine call. */
async function timed(page) {
  const before = await page.getByTestId('result').count();
  const started = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=result]').length === n, before + 1, { timeout: 120_000 });
  const ended = await page.evaluate(() => performance.now());
  const engine = await page.evaluate(() => window.benchCalls.splice(0).find((c) => c.method === 'estimateGaussian')?.ms ?? NaN);
  return { card: (ended - started) / 1000, engine: engine / 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const session = await startSession();
try {
  const csv = workload();
  console.log(`Gaussian in the page, Chromium ${await session.browser.version()}: ${samples} samples × (${dim} + ${dim}) features + a scalar Y (${(csv.length / 2 ** 20).toFixed(1)} MB CSV)`);
  // Each run in a fresh page (the file read again), so each is a first estimate; then a
  // second estimate in the last page (the engine warm).
  const first = [];
  let last;
  for (let run = 1; run <= runs; run += 1) {
    last?.context.close();
    last = await prepared(session, csv);
    const t = await timed(last.page);
    first.push(t);
    console.log(`  run ${run}: read ${last.readSeconds.toFixed(2)} s; click to card ${t.card.toFixed(3)} s, of which the engine call (assembling, covariance, solve, the answer's trip back) ${t.engine.toFixed(3)} s`);
  }
  const again = await timed(last.page);
  console.log(`  median of ${runs} first estimates: click to card ${median(first.map((t) => t.card)).toFixed(3)} s, engine ${median(first.map((t) => t.engine)).toFixed(3)} s`);
  console.log(`  a second estimate in the same page: click to card ${again.card.toFixed(3)} s, engine ${again.engine.toFixed(3)} s`);
  const card = last.page.getByTestId('result').first();
  const atoms = await Promise.all(['redundancy', 'unique1', 'unique2', 'synergy'].map(async (k) => `${k} ${(await card.getByTestId(k).textContent()).trim()}`));
  console.log(`  ${atoms.join(', ')}; ${(await card.getByTestId('gaussian-note').textContent()).split('.')[0]}`);
  await last.context.close();
} finally {
  await session.close();
}
