// Share links as people use them: made by the CLI or the page, opened in a browser;
// and every kind of broken link, each with its own clear message.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { crc32, deflateRawSync } from 'node:zlib';
import { noisyAndCsv } from './fixtures.mjs';
import { startSession } from './harness.mjs';

const CLI = new URL('../../target/debug/pidscope', import.meta.url).pathname;
const ATOMS = ['redundancy', 'unique1', 'unique2', 'synergy', 'mi_x1_y', 'mi_x2_y', 'mi_joint'];

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

async function openAt(path) {
  const opened = await session.open(path);
  await opened.page.locator('#results[data-ready=true]').waitFor({ timeout: 20_000 });
  return opened;
}

const bits = async (card, key) => Number.parseFloat(await card.getByTestId(key).textContent());

test('a link made by the CLI opens in the browser with the CLI’s numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidscope-'));
  const file = join(dir, 'noisy-and.csv');
  writeFileSync(file, noisyAndCsv(400, 11));
  const cli = JSON.parse(execFileSync(CLI, ['estimate', file, '--clusters', '2', '--json']).toString());
  const url = execFileSync(CLI, ['link', file, '--clusters', '2', '--base', `${session.origin}/`, '--title', 'noisy AND']).toString().trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/#s=3\.[A-Za-z0-9_-]+$/);
  const { page, context, record } = await openAt(url.slice(session.origin.length));
  const card = page.getByTestId('result').first();
  assert.equal(await card.getByRole('heading', { level: 2 }).first().textContent(), 'Shared: noisy AND');
  for (const key of ATOMS) assert.ok(Math.abs((await bits(card, key)) - cli[key]) < 1e-4, `${key}: page vs CLI ${cli[key]}`);
  assert.match(await card.getByTestId('shared-check').textContent(), /agrees with the numbers in the link/);
  assert.match(await card.getByTestId('shared-check').textContent(), /Made from noisy-and\.csv/);
  // The link carries the CLI's intervals and p-values; the page estimates them again from
  // the shared counts, with the link's settings, and finds the same figures.
  const check = page.getByTestId('result').first().getByTestId('uncertainty-check');
  await page.waitForFunction(() => /agree|differ/.test(document.querySelector('[data-testid=uncertainty-check]')?.textContent ?? ''), null, { timeout: 60_000 });
  assert.match(await check.textContent(), /they agree with the link’s/);
  const u = cli.uncertainty;
  const shownSynergy = await page.getByTestId('result').first().getByTestId('u-synergy').textContent();
  assert.ok(shownSynergy.includes(`→ ${u.synergy.corrected.toFixed(4)}`), `${shownSynergy} vs ${u.synergy.corrected}`);
  assert.deepEqual(record.foreignRequests, []);
  assert.deepEqual(record.consoleErrors, []);
  await context.close();
});

test('the page’s own link round-trips, and a long link offers the analysis file, which opens again', async () => {
  const { page, context } = await openAt('/');
  const example = page.getByTestId('result').first();
  await example.getByRole('button', { name: 'Copy link' }).click();
  const url = await example.getByTestId('share-link').inputValue();
  assert.match(await example.getByTestId('link-length').textContent(), new RegExp(`^${url.length.toLocaleString('en-US')} characters`));
  const again = await openAt(url.slice(session.origin.length));
  const shared = again.page.getByTestId('result').first();
  assert.equal(await shared.getByRole('heading', { level: 2 }).first().textContent(), 'Shared: Example: the XOR gate');
  assert.equal(await shared.getByTestId('synergy').textContent(), '1.0000 bits');
  // The XOR example is a table of probabilities: the card says why it has no intervals.
  assert.match(await shared.getByTestId('no-sample-size').textContent(), /no sample size/);
  await again.context.close();

  // A 20×20×10 counts table with irregular counts makes a link well over 2,000 characters.
  const rows = ['x1,x2,y,count'];
  for (let a = 0; a < 20; a += 1) for (let b = 0; b < 20; b += 1) for (let y = 0; y < 10; y += 1) rows.push(`s${a},t${b},${y},${(a * 7919 + b * 104729 + y * 1299709) % 997}`);
  const transfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'big-counts.csv', { type: 'text/csv' }));
    return dt;
  }, `${rows.join('\n')}\n`);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: transfer });
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 30_000 });
  const big = page.getByTestId('result').first();
  await big.getByRole('button', { name: 'Copy link' }).click();
  await big.getByTestId('share-link').waitFor();
  assert.match(await big.locator('.link-out').textContent(), /Longer than about 2,000 characters/);
  const [download] = await Promise.all([page.waitForEvent('download'), big.getByRole('button', { name: 'Download analysis file' }).click()]);
  assert.match(download.suggestedFilename(), /\.pidscope\.json$/);
  const text = readFileSync(await download.path(), 'utf8');
  assert.match(text, /"format": "pidscope-analysis"/);
  const synergy = await bits(big, 'synergy');
  // Dropping the file on the page opens the analysis again.
  const fileDrop = await page.evaluateHandle((body) => {
    const dt = new DataTransfer();
    dt.items.add(new File([body], 'big-counts.pidscope.json', { type: 'application/json' }));
    return dt;
  }, text);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: fileDrop });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 3, null, { timeout: 30_000 });
  const reopened = page.getByTestId('result').first();
  assert.equal(await reopened.getByRole('heading', { level: 2 }).first().textContent(), 'Shared: big-counts.csv');
  assert.equal(await bits(reopened, 'synergy'), synergy);
  await context.close();
});

/** A link built by hand, the way the format says: canonical JSON + CRC-32, raw deflate, base64url. */
function handMadeLink(state, version = 1) {
  const json = Buffer.from(JSON.stringify(state));
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(json));
  return `${version}.${deflateRawSync(Buffer.concat([json, crc])).toString('base64url')}`;
}

const RESULTS = { certificate_bits: 0, mi_joint: 1, mi_x1_y: 0, mi_x2_y: 0, redundancy: 0, synergy: 1, unique1: 0, unique2: 0 };

test('every kind of broken link shows its own clear message and the page stays usable', async () => {
  const good = handMadeLink({ results: RESULTS, source: { example: { name: 'XOR' } } });
  const table = (shape, weights) => handMadeLink({ results: RESULTS, source: { table: { labels: [['a', 'b'].slice(0, shape[0]), ['a', 'b'].slice(0, shape[1]), ['0', '1']], shape, weights } } });
  const cases = [
    ['garbage', 'hello', /not a pidscope link/],
    ['truncated', good.slice(0, Math.floor(good.length / 2)), /incomplete|damaged/],
    ['corrupted', `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`, /damaged/],
    ['future version', good.replace(/^1\./, '7.'), /made by a newer pidscope \(version 7\)/],
    ['absurd shape', table([0, 2, 2], []), /shared table is invalid: variable X1 has no states/],
    ['NaN weight', table([1, 1, 2], ['NaN', 1]), /not a finite number/],
    ['decompression bomb', `1.${deflateRawSync(Buffer.alloc(6 << 20, 32)).toString('base64url')}`, /would unpack to more than/],
    ['illegal character', `${good.slice(0, 5)}<script>${good.slice(5)}`, /damaged/],
  ];
  for (const [kind, fragment, message] of cases) {
    const { page, context } = await openAt(`/#s=${fragment}`);
    const banner = page.getByTestId('banner-message');
    await banner.waitFor({ timeout: 10_000 });
    assert.match(await banner.textContent(), message, kind);
    assert.match(await banner.textContent(), /^This share link could not be opened: /, kind);
    assert.equal(await page.getByTestId('result').count(), 1, `${kind}: the example is still shown`);
    assert.equal(await page.locator('script:not([src])').count(), 0, `${kind}: nothing from the link became markup`);
    await context.close();
  }
  // Numbers in the link that the recomputation does not reproduce are called out.
  const tampered = handMadeLink({ results: { ...RESULTS, synergy: 0.5, redundancy: 0.5 }, source: { example: { name: 'XOR' } } });
  {
    const { page, context } = await openAt(`/#s=${tampered}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 10_000 });
    const check = await page.getByTestId('result').first().getByTestId('shared-check').textContent();
    assert.match(check, /the numbers differ from those in the link: .*redundancy.*synergy/);
    await context.close();
  }
  // Double URL-encoding (chat apps do this) still opens.
  const { page, context } = await openAt(`/#s=${good.replace('.', '%252E')}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 10_000 });
  assert.equal(await page.getByTestId('result').first().getByTestId('synergy').textContent(), '1.0000 bits');
  await context.close();
});
