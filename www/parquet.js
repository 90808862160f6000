// Parquet in the worker: hyparquet decodes one row group at a time straight from the
// File (no copy of the whole file), and each column goes into the core's table through
// the Workspace's pushNumbers / pushTexts / pushList, so roles, assembly and errors are
// the core's, as for a CSV. Loaded by dynamic import only when a .parquet is dropped.
// Codecs: snappy is hyparquet's own; gzip (hyparquet-compressors' gunzip) and zstd
// (fzstd, what hyparquet-compressors uses) are imported alone: the package's index would
// also bring brotli, lz4 and a wasm snappy (measured: 92.9 KiB gzip for this chunk
// instead of the figure in docs/ingest.md).
import { decompress as decompressZstd } from 'fzstd';
import { parquetMetadataAsync, parquetRead } from 'hyparquet';
import { gunzip } from 'hyparquet-compressors/src/gzip.js';

/** @type {import('hyparquet').Compressors} */
const compressors = {
  GZIP: (input, length) => gunzip(input, new Uint8Array(length)),
  ZSTD: (input) => decompressZstd(input),
};

/** A DataError as the page shows it: the file, then what is wrong. */
const dataError = (message) => Object.assign(new Error(message), { name: 'DataError' });

const isList = (value) => Array.isArray(value) || ArrayBuffer.isView(value);
const asNumber = (value) => (value === null || value === undefined ? Number.NaN : Number(value));

/**
 * Pushes one column chunk into the workspace by what its values are: numbers (and
 * booleans, BigInts), texts, or lists of numbers (an embedding).
 * @param {import('pidscope-wasm').Workspace} workspace
 * @param {string} file @param {string} name @param {ArrayLike<any>} values
 * @param {boolean} float32 the column is FLOAT (float32)
 */
function pushColumn(workspace, file, name, values, float32) {
  if (values instanceof Float64Array) return workspace.pushNumbers(name, values, float32);
  const sample = Array.prototype.find.call(values, (v) => v !== null && v !== undefined);
  if (typeof sample === 'string') return workspace.pushTexts(name, Array.from(values, (v) => (v === null || v === undefined ? null : String(v))));
  if (isList(sample)) {
    const lengths = new Uint32Array(values.length);
    let total = 0;
    for (let r = 0; r < values.length; r++) total += lengths[r] = values[r] ? values[r].length : 0;
    const flat = new Float64Array(total);
    let at = 0;
    for (let r = 0; r < values.length; r++) {
      const row = values[r];
      if (!row) continue;
      for (let k = 0; k < row.length; k++) {
        if (isList(row[k]) || typeof row[k] === 'string') throw dataError(`${file}, column '${name}': a list of lists or of strings is not supported; a list column must hold numbers`);
        flat[at++] = asNumber(row[k]);
      }
    }
    return workspace.pushList(name, lengths, flat, float32);
  }
  if (sample !== undefined && typeof sample === 'object' && !(sample instanceof Date)) {
    throw dataError(`${file}, column '${name}': a struct or map column is not supported; flatten it into columns`);
  }
  return workspace.pushNumbers(name, Float64Array.from(values, asNumber), float32);
}

/**
 * Reads `file` row group by row group into the workspace's current file.
 * @param {import('pidscope-wasm').Workspace} workspace
 * @param {File} file
 * @param {(loaded: number) => void} report rows read so far
 */
export async function readParquet(workspace, file, report) {
  /** @type {import('hyparquet').AsyncBuffer} */
  const buffer = { byteLength: file.size, slice: (start, end) => file.slice(start, end).arrayBuffer() };
  let metadata;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw dataError(`${file.name}: not a readable Parquet file (${error.message})`);
  }
  const topLevel = topLevelFields(metadata.schema);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    /** @type {Map<string, any[]>} */
    const chunks = new Map();
    await parquetRead({
      file: buffer,
      metadata,
      compressors,
      rowStart,
      rowEnd,
      onChunk: ({ columnName, columnData, rowStart: from, rowEnd: to }) => {
        // A chunk may reach outside the row group: keep this group's rows only.
        const data = /** @type {any} */ (columnData).slice(Math.max(0, rowStart - from), Math.max(0, Math.min(to, rowEnd) - from));
        chunks.set(columnName, [...(chunks.get(columnName) ?? []), data]);
      },
    });
    for (const { name, float32 } of topLevel) {
      const parts = chunks.get(name) ?? [];
      // concat joins the parts without flattening a list column's rows.
      const values = parts.length === 1 ? parts[0] : [].concat(...parts.map((p) => Array.from(p)));
      pushColumn(workspace, file.name, name, values, float32);
    }
    workspace.endBatch();
    rowStart = rowEnd;
    report(rowStart);
  }
}

/**
 * The schema's top-level fields (a group's children are skipped), each with whether
 * its values are FLOAT (float32; a list's leaf for a list), which the core keeps as
 * float32: half the memory of float64.
 */
function topLevelFields(schema) {
  const fields = [];
  let i = 1;
  /** @returns {[number, boolean]} the next field's index, and whether every leaf is FLOAT */
  const skip = (at) => {
    let next = at + 1;
    let float32 = (schema[at].num_children ?? 0) > 0 || schema[at].type === 'FLOAT';
    for (let c = 0; c < (schema[at].num_children ?? 0); c++) {
      const [after, leafFloat] = skip(next);
      float32 &&= leafFloat;
      next = after;
    }
    return [next, float32];
  };
  while (i < schema.length) {
    const [next, float32] = skip(i);
    fields.push({ name: schema[i].name, float32 });
    i = next;
  }
  return fields;
}
