// NumPy and Parquet files dropped on the page: an .npz with x1, x2, y and a Parquet file
// whose x1 and x2 are list (embedding) columns read the same atoms as the CSV of the same
// samples (tests/data/formats/, made by `cargo run --example make_format_fixtures`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { dropFiles, number, openReady, runAndWait, setClusters, startSession } from './harness.mjs';

const FIXTURES = new URL('../data/formats/', import.meta.url);
const fixture = (name) => readFileSync(new URL(name, FIXTURES));
const KEYS = ['redundancy', 'unique1', 'unique2', 'synergy', 'mi_joint'];

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

const SINGLE_FILE = new URL('../../dist/pidscope.html', import.meta.url).href;

/** The page (the site, or `url` absolute), once its built-in example is computed. */
async function ready(url) {
  if (!url) return openReady(session);
  const opened = await session.open(url, { absolute: true });
  await opened.page.locator('#results[data-ready=true]').waitFor({ timeout: 20_000 });
  return opened;
}

/** Drops `files` on a fresh page, estimates with 3 clusters, returns the shown atoms and the requests. */
async function atomsOf(files, url = undefined) {
  const { page, context, record } = await ready(url);
  await dropFiles(page, files);
  await page.getByTestId('file').nth(files.length - 1).waitFor();
  await setClusters(page, 3);
  const card = await runAndWait(page, 2);
  const atoms = {};
  for (const key of KEYS) atoms[key] = await number(card, key);
  assert.deepEqual(record.consoleErrors, []);
  assert.deepEqual(record.pageErrors, []);
  const requests = record.requests;
  await context.close();
  return { atoms, requests };
}

test('an .npz and a Parquet file with embedding columns give the same atoms as the CSV', async () => {
  const csv = await atomsOf([{ name: 'arrays.csv', text: fixture('arrays.csv').toString('utf8') }]);
  assert.ok(csv.atoms.mi_joint > 0.1, `the samples carry information: ${JSON.stringify(csv.atoms)}`);
  assert.ok(!csv.requests.some((url) => /chunk-parquet/.test(url)), 'a CSV does not load the Parquet reader');
  const npz = await atomsOf([{ name: 'arrays.npz', bytes: fixture('arrays_compressed.npz') }]);
  assert.deepEqual(npz.atoms, csv.atoms, '.npz');
  const parquet = await atomsOf([{ name: 'embedding.parquet', bytes: fixture('embedding.parquet') }]);
  assert.deepEqual(parquet.atoms, csv.atoms, 'Parquet');
  assert.ok(parquet.requests.some((url) => /chunk-parquet/.test(url)), 'the Parquet reader is loaded on demand');
  const npy = await atomsOf(['x1.npy', 'x2.npy', 'y.npy'].map((name) => ({ name, bytes: fixture(name) })));
  assert.deepEqual(npy.atoms, csv.atoms, 'three .npy files aligned by row');
});

test('a ragged embedding and a damaged footer are refused with the file, row and column', async () => {
  const { page, context } = await openReady(session);
  await dropFiles(page, [{ name: 'ragged.parquet', bytes: fixture('ragged.parquet') }]);
  const banner = page.getByTestId('banner-message');
  await banner.waitFor({ timeout: 15_000 });
  assert.match(await banner.textContent(), /ragged\.parquet, row 6, column 'emb': the list has 3 values, but the first row's has 4/);
  const good = fixture('embedding.parquet');
  await dropFiles(page, [{ name: 'cut.parquet', bytes: good.subarray(0, good.length - 12) }]);
  await page.waitForFunction(() => /cut\.parquet: not a readable Parquet file/.test(document.querySelector('[data-testid=banner-message]')?.textContent ?? ''), null, { timeout: 15_000 });
  await context.close();
});

test('the single-file build reads Parquet too (its reader inlined), with no request', async () => {
  const csv = await atomsOf([{ name: 'arrays.csv', text: fixture('arrays.csv').toString('utf8') }], SINGLE_FILE);
  const parquet = await atomsOf([{ name: 'embedding_zstd.parquet', bytes: fixture('embedding_zstd.parquet') }], SINGLE_FILE);
  assert.deepEqual(parquet.atoms, csv.atoms);
  assert.deepEqual(parquet.requests.filter((r) => !r.startsWith('file:') && !r.startsWith('data:') && !r.startsWith('blob:')), []);
});
