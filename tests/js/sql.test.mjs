// Past one machine (docs/scale.md): `pidscope fit` saves the discretiser, `pidscope sql`
// writes it as one query, DuckDB (embedded, @duckdb/node-api) runs it over the same CSV,
// and the counts it returns are pidscope's own, to the count; `pidscope estimate` on
// them gives the same atoms.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';

const CLI = new URL('../../target/debug/pidscope', import.meta.url).pathname;
const DIGITS = new URL('../data/digits_halves.csv', import.meta.url).pathname;
const ATOMS = ['redundancy', 'unique1', 'unique2', 'synergy', 'mi_x1_y', 'mi_x2_y', 'mi_joint'];

const run = (...args) => execFileSync(CLI, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** `x1,x2,y,count` lines (labels plain: c0…, digits, the fixture's) → Map cell → count. */
function readCounts(text) {
  const rows = text.trim().split('\n');
  assert.equal(rows[0], 'x1,x2,y,count');
  const cells = new Map();
  for (const line of rows.slice(1)) {
    const fields = parseCsvLine(line);
    cells.set(fields.slice(0, 3).join('\u0001'), Number(fields[3]));
  }
  return cells;
}

/** One CSV line with RFC 4180 quoting. */
function parseCsvLine(line) {
  const out = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(field), (field = '');
    else field += c;
  }
  out.push(field);
  return out;
}

const csvField = (s) => (/[",\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s);

/** Fits on `csv`, runs the DuckDB query over it, returns both counts and the paths. */
async function roundTrip(csv, roleArgs) {
  const dir = mkdtempSync(join(tmpdir(), 'pidscope-sql-'));
  const model = join(dir, 'model.json');
  const counts = join(dir, 'counts.csv');
  run('fit', csv, ...roleArgs, '--save-model', model, '--counts-out', counts);
  const saved = JSON.parse(readFileSync(model, 'utf8'));
  assert.equal(saved.format, 'pidscope-discretiser');
  assert.equal(saved.version, 1);
  const query = run('sql', model, '--dialect', 'duckdb', '--table', 'samples');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  await connection.run(`CREATE TABLE samples AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', header = true)`);
  const result = await connection.runAndReadAll(query);
  const rows = result.getRowObjects();
  assert.deepEqual(result.columnNames(), ['x1', 'x2', 'y', 'count']);
  const sqlCsv = ['x1,x2,y,count', ...rows.map((r) => [r.x1, r.x2, r.y].map(csvField).join(',') + `,${r.count}`)].join('\n') + '\n';
  const sqlPath = join(dir, 'sql-counts.csv');
  writeFileSync(sqlPath, sqlCsv);
  connection.closeSync();
  return { ours: readCounts(readFileSync(counts, 'utf8')), sql: readCounts(sqlCsv), sqlPath, counts, saved };
}

/** The same cells with the same counts (pidscope's are p × n, whole within rounding). */
function assertSameCounts(ours, sql) {
  assert.ok(ours.size > 1);
  assert.deepEqual([...sql.keys()].sort(), [...ours.keys()].sort(), 'the same cells');
  for (const [cell, count] of ours) {
    assert.ok(Math.abs(count - Math.round(count)) < 1e-6, `pidscope's count ${count} is whole`);
    assert.equal(sql.get(cell), Math.round(count), `cell ${cell.replaceAll('\u0001', ',')}`);
  }
}

function assertSameAtoms(a, b) {
  const [x, y] = [a, b].map((f) => JSON.parse(run('estimate', f, '--json', '--resamples', '0', '--permutations', '0')));
  for (const key of ATOMS) assert.equal(y[key], x[key], key);
}

test('digits: the DuckDB query counts every row into pidscope’s own cells, to the count', async () => {
  const { ours, sql, sqlPath, counts, saved } = await roundTrip(DIGITS, ['--x1', 'left_*', '--x2', 'right_*', '--y', 'label']);
  // k-means on 32 pixels a side, some of them constant (left out of the projection).
  assert.equal(saved.x1.method, 'k_means');
  assert.ok(saved.x1.features.some((f) => f.standardise === null), 'a constant pixel');
  let total = 0;
  for (const n of sql.values()) total += n;
  assert.equal(total, 1797);
  assertSameCounts(ours, sql);
  assertSameAtoms(counts, sqlPath);
});

test('names with spaces and quotes, one-hot and categorical modalities, a text label, weights', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidscope-sql-'));
  const file = join(dir, "odd names.csv");
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = ['"cam ""a""",it\'s x,kind,sensor; b,y,w'];
  for (let i = 0; i < 300; i++) {
    const a = next() * 10 - 5;
    const b = next() * 1e6 + 1e9;
    const kind = ['red', 'green', "o'range"][Math.floor(next() * 3)];
    const s = ['lo "q"', 'hi', 'mid'][Math.floor(next() * 3)];
    const y = (a > 0) !== (s === 'hi') ? "yes 'y'" : 'no';
    const w = 1 + Math.floor(next() * 3); // whole weights: the counts stay whole
    lines.push([a.toFixed(4), b.toFixed(2), kind, csvField(s), csvField(y), w].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const { ours, sql, sqlPath, counts, saved } = await roundTrip(file, [
    '--x1', 'cam "a",it\'s x,kind', '--x2', 'sensor; b', '--y', 'y', '--weight', 'w', '--clusters', '6',
  ]);
  assert.equal(saved.weight, 'w');
  assert.equal(saved.x1.method, 'k_means');
  assert.ok(saved.x1.features.some((f) => f.kind === 'one_hot' && f.level === "o'range"));
  assert.equal(saved.x2.method, 'categorical');
  assertSameCounts(ours, sql);
  assertSameAtoms(counts, sqlPath);
});

test('a scalar target: Y’s quantile bins are cut at the same edges in SQL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidscope-sql-'));
  const file = join(dir, 'scalar.csv');
  let seed = 11;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = ['a_0,b_0,score'];
  for (let i = 0; i < 500; i++) {
    const [a, b, e] = [next() - 0.5, next() - 0.5, next() - 0.5];
    lines.push([a, b, a + b + 0.3 * e].map((v) => v.toPrecision(12)).join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const { ours, sql, sqlPath, counts, saved } = await roundTrip(file, ['--x1', 'a_0', '--x2', 'b_0', '--y', 'score', '--y-bins', '6', '--clusters', '4']);
  assert.equal(saved.y.upper.length, 6, 'six bins, their edges saved');
  assertSameCounts(ours, sql);
  assertSameAtoms(counts, sqlPath);
});
