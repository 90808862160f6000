// Embeddings at scale in the real page (headless Chromium, issue #17 point 2): the three
// files of `cargo run --release --example embeddings` (x1.npy and x2.npy, rows × dim
// float32, y.npy) are given to the page's file input together; it times loading them
// (read in the worker into float32 columns), then Estimate PID to the first result
// card (standardise → PCA → k-means → CVX; the uncertainty pass fills in afterwards),
// and reports the renderer's peak resident memory (VmHWM: the page, its worker and the
// wasm heap) against the size of the files.
//
//   cargo run --release --example embeddings -- --rows 200000 --dim 768 --out /tmp/emb
//   npm run build && node scripts/bench-embeddings-page.mjs /tmp/emb
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startSession } from '../tests/e2e/harness.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/bench-embeddings-page.mjs DIR (DIR from cargo run --example embeddings -- --out DIR)');
  process.exit(2);
}

/** The largest peak resident memory of the Chromium renderer processes, in MB. */
function rendererPeak() {
  let peak = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      // The process ended meanwhile.
    }
  }
  return peak;
}

const paths = ['x1.npy', 'x2.npy', 'y.npy'].map((name) => join(dir, name));
const megabytes = paths.reduce((sum, path) => sum + statSync(path).size / 1e6, 0);
const session = await startSession();
try {
  const { page } = await session.open('/');
  await page.locator('#results[data-ready=true]').waitFor({ timeout: 30_000 });
  const start = performance.now();
  await page.getByTestId('file-input').setInputFiles(paths);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=file]').length === 3, null, { timeout: 600_000 });
  const loaded = (performance.now() - start) / 1000;
  const clicked = performance.now();
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  const mine = '[data-testid=result][aria-label*="x1.npy"]';
  const failed = '[role=alert]:not(:empty)';
  await page.waitForFunction(([a, b]) => document.querySelector(a) || document.querySelector(b), [mine, failed], { timeout: 600_000 });
  const firstResult = (performance.now() - clicked) / 1000;
  const total = (performance.now() - start) / 1000;
  const alert = (await page.locator(mine).count()) ? null : await page.locator(failed).first().textContent();
  const card = page.locator(mine).first();
  const text = async (testid) => (alert ? '' : card.getByTestId(testid).textContent());
  const preprocessing = await text('preprocessing');
  const reading = await text('reading');
  const samples = await text('sample-stats');
  console.log(`Chromium ${await session.browser.version()}; ${megabytes.toFixed(0)} MB of files in ${dir}`);
  console.log(`files loaded: ${loaded.toFixed(1)} s`);
  console.log(`Estimate PID → first result: ${firstResult.toFixed(1)} s (files given → first result: ${total.toFixed(1)} s)`);
  if (alert) console.log(`alert: ${alert}`);
  console.log(`${preprocessing}`);
  console.log(`reading: ${reading}`);
  console.log(`samples: ${samples}`);
  const peak = rendererPeak();
  console.log(`renderer peak resident memory: ${peak.toFixed(0)} MB (${(peak / megabytes).toFixed(2)}× the files)`);
} finally {
  await session.close();
}
