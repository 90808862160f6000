// Benchmarks in WebAssembly (node). Build first:
//   cargo build --release --lib --target wasm32-unknown-unknown --features bench
//   wasm-bindgen --target web --out-dir /tmp/pidscope-bench target/wasm32-unknown-unknown/release/pidscope.wasm
//
//   node scripts/bench-wasm.mjs /tmp/pidscope-bench
// CVX, the same sizes and seed as `cargo bench --bench cvx`; prints a Markdown table:
// median ms, Newton steps, CG iterations, certificate (bits).
//
//   node scripts/bench-wasm.mjs /tmp/pidscope-bench --batch [--browser] [xor|and] [alignment epochs]
// BATCH, the same workload as `cargo bench --bench batch` (20,000 samples, two 64-dim
// modalities, the paper's defaults): one alignment step by part, then the pipeline by
// stage; in node, or with --browser on the main thread of headless Chromium
// (playwright-core; CHROMIUM=path overrides /usr/bin/chromium).
//
//   node scripts/bench-wasm.mjs /tmp/pidscope-bench --gaussian [--browser]
// The Gaussian solve from a given covariance (seeded A Aᵀ, as
// `cargo run --release --example gaussian_timing`), d1 = d2 = 100, dy = 10 and smaller:
// median and range of 7 solves, iterations, stop.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const dir = path.resolve(args.find((a) => !a.startsWith('--')) ?? '/tmp/pidscope-bench');
const glue = await import(pathToFileURL(path.join(dir, 'pidscope.js')).href);
glue.initSync({ module: fs.readFileSync(path.join(dir, 'pidscope_bg.wasm')) });

/** A benchmark hook in headless Chromium: the glue and module served from `dir`. */
async function inBrowser() {
  const { chromium } = await import('playwright-core');
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url, 'http://localhost').pathname);
    if (!name) {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><link rel="icon" href="data:,"><title>bench</title>');
      return;
    }
    fs.readFile(path.join(dir, name), (err, data) => {
      res.statusCode = err ? 404 : 200;
      res.setHeader('content-type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
      res.end(err ? '' : data);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  const run = (hook, ...a) =>
    page.evaluate(
      async ([hook, a]) => {
        const g = await import('/pidscope.js');
        await g.default();
        return g[hook](...a);
      },
      [hook, a],
    );
  const close = async () => {
    await browser.close();
    server.close();
  };
  return { run, close, where: `Chromium ${browser.version()}` };
}

/** The hooks run in node, on this module. */
const nodeHost = () => ({ run: async (hook, ...a) => glue[hook](...a), close: async () => {}, where: `node ${process.version}` });

if (args.includes('--gaussian')) {
  const host = args.includes('--browser') ? await inBrowser() : nodeHost();
  console.log(`Gaussian solve from a given covariance in ${host.where}`);
  console.log('| d1, d2, dy | median ms | min–max ms | iterations | stop | R, S (bits) |');
  console.log('|---|---|---|---|---|---|');
  for (const [d1, d2, dy] of [[2, 2, 1], [10, 10, 1], [50, 50, 5], [100, 100, 10]]) {
    const r = await host.run('bench_gaussian', d1, d2, dy, 7);
    if (r.error) throw new Error(r.error);
    const ms = [...r.ms].sort((a, b) => a - b);
    console.log(`| ${d1}, ${d2}, ${dy} | ${ms[3].toFixed(2)} | ${ms[0].toFixed(2)}–${ms[6].toFixed(2)} | ${r.iterations} | ${r.stop} | ${r.redundancy.toFixed(6)}, ${r.synergy.toFixed(6)} |`);
  }
  await host.close();
  process.exit(0);
}

if (args.includes('--batch')) {
  const rest = args.slice(args.indexOf('--batch') + 1).filter((a) => !a.startsWith('--'));
  const gates = rest[0] && !/^\d+$/.test(rest[0]) ? [rest[0]] : ['xor', 'and'];
  const epochs = Number(rest.find((a) => /^\d+$/.test(a)) ?? 10);
  const host = args.includes('--browser')
    ? await inBrowser()
    : nodeHost();
  console.log(`BATCH in ${host.where}`);
  for (const gate of gates) {
    const r = await host.run('bench_batch', gate, 20000, 64, epochs, 20);
    if (r.error) throw new Error(r.error);
    const { step: s, pipeline: p } = r;
    console.log(
      `one alignment step (${gate}-like, m = 256, ${s.pairs_per_label} Sinkhorn pairs/label): ` +
        `forward ${s.forward.toFixed(1)} ms, backward ${s.backward.toFixed(1)} ms, total ${s.total.toFixed(1)} ms; ` +
        `Sinkhorn alone ${s.sinkhorn_pair_forward.toFixed(3)} ms forward, ${s.sinkhorn_pair_backward.toFixed(3)} ms backward per pair and label`,
    );
    console.log(
      `pipeline ${gate}: classifiers ${p.classifiers.toFixed(1)} s (validation ${p.classifier_validation.toFixed(1)}), ` +
        `alignment ${epochs} epochs ${p.alignment.toFixed(1)} s (validation ${p.alignment_validation.toFixed(1)}), ` +
        `read-out ${p.readout.toFixed(1)} s; total ${p.total.toFixed(1)} s = ${p.samples_per_second.toFixed(0)} samples/s; ` +
        `R ${p.pid.redundancy.toFixed(3)} U1 ${p.pid.unique1.toFixed(3)} U2 ${p.pid.unique2.toFixed(3)} S ${p.pid.synergy.toFixed(3)}; ` +
        `Sinkhorn ${p.pid.sinkhorn_iterations.toFixed(1)} pairs/label on test batches`,
    );
  }
  await host.close();
  process.exit(0);
}

const sizes = [[2, 2, 2], [10, 10, 5], [20, 20, 10], [50, 50, 10], [100, 100, 10]];
console.log('| shape | kind | median ms | Newton | CG | certificate (bits) | converged |');
console.log('|---|---|---|---|---|---|---|');
for (const [n1, n2, ny] of sizes) {
  for (const kind of ['dense', 'sparse', 'near-det']) {
    const reps = n1 * n2 * ny <= 5000 ? 7 : 3;
    const runs = [];
    for (let r = 0; r < reps; r++) runs.push(glue.bench_cvx(n1, n2, ny, 42n, kind));
    if (runs[0].error) throw new Error(runs[0].error);
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(reps / 2)];
    const last = runs[runs.length - 1];
    console.log(
      `| ${n1}×${n2}×${ny} | ${kind} | ${ms.toFixed(1)} | ${last.iterations} | ` +
        `${last.cg_iterations} | ${last.certificate.toExponential(1)} | ${last.converged} |`,
    );
  }
}
