// dist/pidscope.html: the whole tool in one file, opened from file:// with no server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSession } from './harness.mjs';

let session;
before(async () => (session = await startSession()));
after(() => session?.close());

test('the single HTML file works from file:// with no server: example, a dropped counts table, no requests', async () => {
  const url = new URL('../../dist/pidscope.html', import.meta.url).href;
  const { page, context, record } = await session.open(url, { absolute: true });
  await page.locator('#results[data-ready=true]').waitFor({ timeout: 20_000 });
  const card = page.getByTestId('result').first();
  assert.equal(await card.getByTestId('synergy').textContent(), '1.0000 bits');
  const transfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['x1,x2,y,count\na,a,0,2\nb,b,1,2\n'], 'rdn.csv', { type: 'text/csv' }));
    return dt;
  });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: transfer });
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result]').length === 2, null, { timeout: 20_000 });
  assert.equal(await page.getByTestId('result').first().getByTestId('redundancy').textContent(), '1.0000 bits');
  assert.deepEqual(record.requests.filter((r) => !r.startsWith('file:') && !r.startsWith('data:') && !r.startsWith('blob:')), []);
  assert.deepEqual(record.consoleErrors, []);
  assert.deepEqual(record.pageErrors, []);
  await context.close();
});
