// The engine worker's own Content-Security-Policy (issue #15, point 13): a <meta> policy
// binds only its page, so the server sends the policy as a header with worker.js too,
// and a request from inside the worker to another local server is blocked.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { openReady, startSession } from './harness.mjs';

let session;
/** Another local server, as a page's data could be sent to: it counts what reaches it. */
let other;
const hits = [];
before(async () => {
  session = await startSession();
  other = createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*' }).end('reached');
  });
  await new Promise((ok) => other.listen(0, '127.0.0.1', ok));
});
after(async () => {
  await session?.close();
  await new Promise((ok) => other?.close(ok));
});

test('a fetch from inside the engine worker to another local server is blocked by the worker’s own policy', async () => {
  const { page, context } = await openReady(session);
  const [worker] = page.workers();
  assert.ok(worker, 'the engine worker is running');
  const target = `http://127.0.0.1:${other.address().port}/leak?data=1`;
  const outcome = await worker.evaluate(async (url) => {
    try {
      const response = await fetch(url);
      return `fetched: ${await response.text()}`;
    } catch (error) {
      return `blocked: ${error.name}`;
    }
  }, target);
  assert.match(outcome, /^blocked/);
  assert.deepEqual(hits, [], 'nothing reached the other server');
  // The worker still fetches its own origin (its wasm, for instance).
  assert.equal(await worker.evaluate(async () => (await fetch('./favicon.svg')).status), 200);
  await context.close();
});

test('npm start’s server sends the page’s policy as a header on every response, the worker script included', async () => {
  const page = await fetch(`${session.origin}/index.html`);
  const meta = (await page.text()).match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
  for (const file of ['index.html', 'worker.js', 'main.js', 'pidscope_bg.wasm', 'style.css']) {
    const header = (await fetch(`${session.origin}/${file}`)).headers.get('content-security-policy');
    assert.equal(header, `${meta}; frame-ancestors 'none'`, file);
    assert.match(header, /connect-src 'self'/);
  }
  // The single file carries its own policy (its inline script's hash), not the site's.
  const single = await fetch(`${session.origin}/pidscope.html`);
  assert.match(single.headers.get('content-security-policy'), /script-src 'sha256-/);
});
