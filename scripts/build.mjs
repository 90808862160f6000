// Bundles the page (www/) and the worker with esbuild and writes the static site to
// dist/, plus dist/pidscope.html: the whole tool in one file that opens from file://.
// Run by scripts/build.sh after the wasm is bound into target/pkg/.
import { createHash } from 'node:crypto';
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const www = join(root, 'www');
const dist = join(root, 'dist');
const wasmFile = join(root, 'target/pkg/pidscope_bg.wasm');

// The core's defaults, limits and names for the page (www/meta.js), from the wasm itself.
const { initSync, meta } = await import(join(root, 'target/pkg/pidscope.js'));
initSync({ module: readFileSync(wasmFile) });
writeFileSync(join(root, 'target/pkg/meta.json'), `${JSON.stringify(meta(), null, 2)}\n`);

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  target: 'es2022',
  minify: true,
  alias: { 'pidscope-wasm': join(root, 'target/pkg/pidscope.js') },
  logLevel: 'warning',
};

// 1. The static site: ES modules, the worker fetches the wasm beside it.
await esbuild.build({
  ...common,
  entryPoints: { main: join(www, 'main.js'), worker: join(www, 'worker.js') },
  format: 'esm',
  // The worker's Parquet reader (www/parquet.js, hyparquet) is a chunk of its own,
  // fetched by dynamic import only when a .parquet file is dropped.
  splitting: true,
  chunkNames: 'chunk-[name]-[hash]',
  sourcemap: 'linked',
  outdir: dist,
  define: { __WASM_BASE64__: 'null', __WORKER_SOURCE__: 'null' },
});
for (const file of ['index.html', 'style.css', 'favicon.svg']) copyFileSync(join(www, file), join(dist, file));
copyFileSync(wasmFile, join(dist, 'pidscope_bg.wasm'));

// 2. One self-contained file: the wasm inlined in a classic worker, the worker's code
// inlined in the page, CSS and icon inlined; a CSP that allows exactly that script.
const bundle = async (entry, define) => {
  const out = await esbuild.build({ ...common, entryPoints: [entry], format: 'iife', write: false, define, logOverride: { 'empty-import-meta': 'silent' } });
  return out.outputFiles[0].text;
};
const worker = await bundle(join(www, 'worker.js'), { __WASM_BASE64__: JSON.stringify(readFileSync(wasmFile).toString('base64')), __WORKER_SOURCE__: 'null' });
const page = (await bundle(join(www, 'main.js'), { __WASM_BASE64__: 'null', __WORKER_SOURCE__: JSON.stringify(worker) })).replaceAll('</script', '<\\/script');
const hash = createHash('sha256').update(page).digest('base64');
const icon = `data:image/svg+xml;base64,${readFileSync(join(www, 'favicon.svg')).toString('base64')}`;
const csp = `default-src 'none'; script-src 'sha256-${hash}' 'wasm-unsafe-eval'; worker-src blob:; style-src 'unsafe-inline'; img-src data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'`;
let html = readFileSync(join(www, 'index.html'), 'utf8');
html = html
  .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`)
  .replace(/<link rel="icon"[^>]*>/, `<link rel="icon" href="${icon}">`)
  .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>${readFileSync(join(www, 'style.css'), 'utf8')}</style>`)
  .replace(/<script type="module" src="main.js"><\/script>/, '');
html = html.replace('</body>', () => `<script>${page}</script>\n</body>`);
writeFileSync(join(dist, 'pidscope.html'), html);

// Print what a visitor downloads, raw and gzipped (source maps are not fetched).
const sizes = {};
const rows = [];
let site = [0, 0];
for (const name of readdirSync(dist).sort()) {
  if (name.endsWith('.map')) continue;
  const bytes = readFileSync(join(dist, name));
  const z = gzipSync(bytes, { level: 9 }).length;
  sizes[name] = { bytes: bytes.length, gzip: z };
  // The first load: everything but the single file and the chunks loaded on demand.
  const lazy = name.startsWith('chunk-parquet');
  if (name !== 'pidscope.html' && !lazy) site = [site[0] + bytes.length, site[1] + z];
  rows.push(`  ${name.padEnd(34)} ${(bytes.length / 1024).toFixed(1).padStart(8)} KiB  ${(z / 1024).toFixed(1).padStart(8)} KiB gzip${lazy ? '  (on demand)' : ''}`);
}
console.log(`dist/ written:\n${rows.join('\n')}\n  ${'first load (without pidscope.html)'.padEnd(34)} ${(site[0] / 1024).toFixed(1)} KiB, ${(site[1] / 1024).toFixed(1)} KiB gzip`);
writeFileSync(join(dist, 'build-info.json'), JSON.stringify({ site: { bytes: site[0], gzip: site[1] }, files: sizes }, null, 2));
