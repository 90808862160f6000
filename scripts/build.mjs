// Bundles the page (www/) and the worker with esbuild and writes the static site to dist/.
// Run by scripts/build.sh after the wasm is bound into target/pkg/.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const www = join(root, 'www');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await esbuild.build({
  entryPoints: { main: join(www, 'main.js'), worker: join(www, 'worker.js') },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  outdir: dist,
  alias: { 'pidscope-wasm': join(root, 'target/pkg/pidscope.js') },
  logLevel: 'warning',
});

for (const file of ['index.html', 'style.css', 'favicon.svg']) copyFileSync(join(www, file), join(dist, file));
copyFileSync(join(root, 'target/pkg/pidscope_bg.wasm'), join(dist, 'pidscope_bg.wasm'));

// Print what a visitor downloads, raw and gzipped (source maps are not fetched).
let raw = 0;
let gz = 0;
const rows = [];
for (const name of readdirSync(dist).sort()) {
  if (name.endsWith('.map')) continue;
  const bytes = readFileSync(join(dist, name));
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += statSync(join(dist, name)).size;
  gz += z;
  rows.push(`  ${name.padEnd(22)} ${(bytes.length / 1024).toFixed(1).padStart(8)} KiB  ${(z / 1024).toFixed(1).padStart(8)} KiB gzip`);
}
console.log(`dist/ written:\n${rows.join('\n')}\n  ${'total'.padEnd(22)} ${(raw / 1024).toFixed(1).padStart(8)} KiB  ${(gz / 1024).toFixed(1).padStart(8)} KiB gzip`);
writeFileSync(join(dist, 'build-info.json'), JSON.stringify({ bytes: raw, gzipBytes: gz }, null, 2));
