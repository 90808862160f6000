// Shared set-up for the end-to-end tests: serve dist/ on a free loopback port, drive
// Debian's Chromium through playwright-core, and record everything a test must
// assert about: console errors, uncaught page errors, and requests to other hosts.
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

const DIST = new URL('../../dist', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Starts the server and the browser once per test file. */
export async function startSession() {
  const server = await serve(DIST, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return {
    origin,
    browser,
    /** A fresh page with its own recorders. */
    async open(path = '/', { acceptDownloads = true, absolute = false } = {}) {
      const context = await browser.newContext({ acceptDownloads });
      const page = await context.newPage();
      const record = { consoleErrors: [], pageErrors: [], foreignRequests: [], requests: [] };
      const watch = (target) => {
        target.on('console', (msg) => msg.type() === 'error' && record.consoleErrors.push(msg.text()));
      };
      watch(page);
      page.on('worker', watch);
      page.on('pageerror', (error) => record.pageErrors.push(error.message));
      context.on('request', (request) => {
        const url = request.url();
        record.requests.push(url);
        if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:') && !url.startsWith('file:')) record.foreignRequests.push(url);
      });
      await page.goto(absolute ? path : origin + path);
      return { page, context, record };
    },
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/**
 * Drops files on the drop zone the way a browser does: a drop event with a DataTransfer.
 * Each file is `{name, text}`, or `{name, bytes}` (a Buffer or Uint8Array) for a binary file.
 */
export async function dropFiles(page, files) {
  const list = files.map(({ name, text, bytes }) => ({ name, text, base64: bytes ? Buffer.from(bytes).toString('base64') : undefined }));
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, text, base64 } of list) {
      const body = base64 === undefined ? text : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([body], name, { type: base64 === undefined ? 'text/csv' : 'application/octet-stream' }));
    }
    return dt;
  }, list);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: transfer });
}

/** A number shown in a card, read from its test id. */
export const number = async (scope, testid) => Number.parseFloat(await scope.getByTestId(testid).textContent());

/** The page at `/` of `session`, once its built-in example is computed. */
export async function openReady(session) {
  const opened = await session.open('/');
  await opened.page.locator('#results[data-ready=true]').waitFor({ timeout: 20_000 });
  return opened;
}

/** Opens Settings and sets the clusters per modality to `k`, as a person types it. */
export async function setClusters(page, k) {
  await page.getByText('Settings', { exact: true }).click();
  const input = page.getByLabel('Clusters per modality');
  await input.fill(String(k));
  await input.press('Tab');
}

/** Clicks Estimate and waits for `count` result cards; returns the newest. */
export async function runAndWait(page, count) {
  await page.getByRole('button', { name: 'Estimate PID' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=result]').length === n, count, { timeout: 30_000 });
  return page.getByTestId('result').first();
}

/**
 * The page at `/` with one file dropped and Settings open, each `settings` entry typed
 * into the field of that label (e.g. `{Resamples: 0}`), as a person does it.
 */
export async function openWithSettings(session, name, text, settings = {}) {
  const opened = await openReady(session);
  const { page } = opened;
  await dropFiles(page, [{ name, text }]);
  await page.getByTestId('file').waitFor();
  await page.getByText('Settings', { exact: true }).click();
  for (const [label, value] of Object.entries(settings)) {
    const input = page.getByLabel(label, { exact: true });
    await input.fill(String(value));
    await input.press('Tab');
  }
  return opened;
}
