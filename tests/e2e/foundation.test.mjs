import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

const readNumber = async (scope, testid) => {
  const text = await scope.getByTestId(testid).textContent();
  assert.match(text, /^-?\d+\.\d+ bits$/, `${testid} shows a number in bits`);
  return Number.parseFloat(text);
};

async function openReady() {
  const opened = await session.open('/');
  await opened.page.locator('#results[data-ready=true]').waitFor({ timeout: 20_000 });
  return opened;
}

test('the page opens with the XOR example computed by the wasm core', async () => {
  const { page, context, record } = await openReady();
  const card = page.getByTestId('result').first();
  assert.equal(await card.getByRole('heading', { level: 2 }).textContent(), 'Example: the XOR gate');
  assert.equal(await readNumber(card, 'mi_x1_y'), 0);
  assert.equal(await readNumber(card, 'mi_x2_y'), 0);
  assert.equal(await readNumber(card, 'mi_joint'), 1);
  assert.equal(await readNumber(card, 'synergy'), 1);
  assert.equal(await readNumber(card, 'redundancy'), 0);
  assert.equal(await readNumber(card, 'unique1'), 0);
  assert.equal(await readNumber(card, 'unique2'), 0);
  assert.match(await page.locator('#core-version').textContent(), /^pidscope core \d+\.\d+\.\d+$/);
  // The wasm was fetched by the worker from the page's own origin, and nothing else was asked of any other host.
  assert.ok(record.requests.some((url) => url.endsWith('/pidscope_bg.wasm')), 'the worker fetched the wasm');
  assert.deepEqual(record.foreignRequests, []);
  assert.deepEqual(record.consoleErrors, []);
  assert.deepEqual(record.pageErrors, []);
  assert.equal(await page.locator('#banner').isHidden(), true);
  await context.close();
});

test('a Rust panic reaches the page as a readable banner and the engine restarts', async () => {
  const { page, context, record } = await openReady();
  const rejected = await page.evaluate(() =>
    window.pidscope.bridge.call('panicForTest', { message: 'boom' }).then(
      () => null,
      (error) => ({ name: error.name, message: error.message }),
    ),
  );
  assert.equal(rejected?.name, 'EngineCrashError');
  assert.match(rejected.message, /deliberate panic for testing: boom/);
  const banner = page.getByTestId('banner-message');
  await banner.waitFor();
  assert.match(await banner.textContent(), /stopped unexpectedly: [\s\S]*deliberate panic for testing: boom[\s\S]*restarted/);
  // The engine answers again after the restart, and the example is still on screen.
  const again = await page.evaluate(() => window.pidscope.bridge.call('example', { name: 'AND' }));
  assert.ok(Math.abs(again.pid.synergy - 0.5) < 1e-6);
  assert.equal(await readNumber(page.getByTestId('result').first(), 'mi_joint'), 1);
  // console_error_panic_hook logs the panic to the console: that and nothing else.
  assert.ok(record.consoleErrors.length >= 1 && record.consoleErrors.every((m) => /deliberate panic/.test(m)), record.consoleErrors.join('\n'));
  await context.close();
});

test('engine errors come back as messages, never lost', async () => {
  const { page, context } = await openReady();
  const outcome = await page.evaluate(async () => {
    const call = (method, params) => window.pidscope.bridge.call(method, params).then(
      (value) => ({ value }),
      (error) => ({ name: error.name, message: error.message }),
    );
    return Promise.all([
      call('example', { name: 'NOPE' }),
      call('table', { shape: [1, 1, 2], weights: [1, Number.NaN] }),
      call('noSuchMethod', {}),
      call('table', { shape: [2, 1, 1], weights: [3, 1] }),
    ]);
  });
  assert.deepEqual(outcome[0], { name: 'ExampleError', message: "unknown example 'NOPE'" });
  assert.equal(outcome[1].name, 'TableError');
  assert.match(outcome[1].message, /not a finite number/);
  assert.equal(outcome[2].name, 'UnknownMethod');
  assert.deepEqual(outcome[3].value.table.p, [0.75, 0.25]);
  await context.close();
});
