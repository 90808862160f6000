// Benchmark of the CVX estimator in WebAssembly (node), the same sizes and seed as
// `cargo bench --bench cvx`. Build first:
//   cargo build --release --lib --target wasm32-unknown-unknown
//   wasm-bindgen --target web --out-dir /tmp/pidscope-bench target/wasm32-unknown-unknown/release/pidscope.wasm
//   node scripts/bench-wasm.mjs /tmp/pidscope-bench
// Prints a Markdown table: median ms, Newton steps, CG iterations, certificate (bits).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = path.resolve(process.argv[2] ?? '/tmp/pidscope-bench');
const glue = await import(pathToFileURL(path.join(dir, 'pidscope.js')).href);
glue.initSync({ module: fs.readFileSync(path.join(dir, 'pidscope_bg.wasm')) });

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
