// Parse speed and peak memory of the same samples as CSV, `.npy`, `.npz` and Parquet in
// the real page (headless Chromium): each file is given to the page's file input, timed
// from there to its preview on screen (read in the worker, in chunks: CSV and NumPy by
// the wasm core, Parquet decoded by hyparquet and pushed as columns), in a fresh page
// each time. Peak memory is the growth of the renderer process's high-water mark of
// resident memory (VmHWM in /proc), the page, its worker and the wasm heap together.
//
//   cargo bench --bench formats -- --keep /tmp/pidscope-formats
//   npm run build && node scripts/bench-formats-page.mjs /tmp/pidscope-formats [--runs 3]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startSession } from '../tests/e2e/harness.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/bench-formats-page.mjs DIR [--runs N] (DIR from cargo bench --bench formats -- --keep DIR)');
  process.exit(2);
}
const at = process.argv.indexOf('--runs');
const runs = at > 0 ? Number(process.argv[at + 1]) : 3;

/** Every Chromium renderer process: pid → its peak resident memory so far, in kB. */
function renderers() {
  const peaks = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('--type=renderer')) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peaks.set(pid, Number(hwm[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  return peaks;
}

const files = readdirSync(dir)
  .filter((name) => /\.(csv|npy|npz|parquet)$/.test(name))
  .sort();
const session = await startSession();
try {
  console.log(`Chromium ${await session.browser.version()}; best of ${runs}, each in a fresh page`);
  console.log('| file | size | to preview | per second | renderer peak growth |');
  console.log('|---|---|---|---|---|');
  for (const name of files) {
    const path = join(dir, name);
    const megabytes = statSync(path).size / 1e6;
    let best = Infinity;
    let growth = 0;
    for (let run = 0; run < runs; run += 1) {
      const { page, context } = await session.open('/');
      await page.locator('#results[data-ready=true]').waitFor({ timeout: 30_000 });
      const before = renderers();
      const start = performance.now();
      await page.getByTestId('file-input').setInputFiles(path);
      await page.getByTestId('file').waitFor({ timeout: 300_000 });
      const seconds = (performance.now() - start) / 1000;
      const after = renderers();
      // The page's renderer is the one whose peak grew most.
      const grew = Math.max(0, ...[...after].map(([pid, kb]) => kb - (before.get(pid) ?? kb)));
      if (seconds < best) [best, growth] = [seconds, grew / 1000];
      await context.close();
    }
    console.log(`| ${name} | ${megabytes.toFixed(1)} MB | ${best.toFixed(2)} s | ${(megabytes / best).toFixed(0)} MB/s | ${growth.toFixed(0)} MB |`);
  }
} finally {
  await session.close();
}
