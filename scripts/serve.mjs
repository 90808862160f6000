// A small static server for dist/: correct MIME types (wasm!), the page's security
// headers, loopback only. Usage: node scripts/serve.mjs [dir]   (PORT=0 picks a free port)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
};

/**
 * The Content-Security-Policy of a page's <meta> tag (its one home), sent as a header:
 * a <meta> policy binds only its document, so worker.js, which a worker loads by URL,
 * gets index.html's policy from the header (README, "Hosting"). The header also carries
 * what a <meta> cannot: frame-ancestors.
 * @param {string} html
 * @returns {string | null} null for a page without a policy
 */
export function headerPolicy(html) {
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  return meta && `${meta[1]}; frame-ancestors 'none'`;
}

/** Starts serving `dir`; resolves to the http.Server once listening. */
export function serve(dir, port = 8080, host = '127.0.0.1') {
  const base = resolve(dir);
  const policy = headerPolicy(readFileSync(join(base, 'index.html'), 'utf8'));
  if (!policy) throw new Error(`${base}/index.html has no Content-Security-Policy <meta> tag`);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(base)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      // A page carries its own policy (pidscope.html's allows its one inline script).
      const csp = (extname(file) === '.html' && headerPolicy(body.toString('utf8'))) || policy;
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Content-Security-Policy': csp,
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? new URL('../dist', import.meta.url).pathname;
  const port = Number(process.env.PORT ?? 8080);
  const server = await serve(dir, port);
  console.log(`pidscope is served at http://127.0.0.1:${server.address().port}/  (Ctrl-C stops)`);
}
