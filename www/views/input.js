// Input: the drop zone and file picker, each file's preview with inferred column
// types, and the role picker (X1 / X2 / Y / Ŷ / weight / id), usable by keyboard alone.
import { h } from '../dom.js';

export const ROLES = [
  ['', '— not used'],
  ['x1', 'X1 (first modality)'],
  ['x2', 'X2 (second modality)'],
  ['y', 'Y (label)'],
  ['yhat', 'Ŷ (model prediction)'],
  ['weight', 'weight'],
  ['id', 'id (join key)'],
  ['p_x1', 'p̂(y|x1): a model’s probability (BATCH)'],
  ['p_x2', 'p̂(y|x2): a model’s probability (BATCH)'],
  ['p_joint', 'p̂(y|x1,x2): a model’s probability (BATCH)'],
];

/** Roles held by several columns; the others by one column at most. */
const LIST_ROLES = ['x1', 'x2', 'yhat', 'p_x1', 'p_x2', 'p_joint'];
const SINGLE_ROLES = ['y', 'weight', 'id'];

const size = (bytes) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/**
 * The drop zone. Calls `onFiles(File[])` for dropped or picked files.
 * @param {(files: File[]) => void} onFiles
 * @returns {HTMLElement}
 */
export function dropZone(onFiles) {
  const input = h('input', { type: 'file', multiple: true, accept: '.csv,.tsv,.txt,.json,text/csv', id: 'file-input', class: 'visually-hidden', dataset: { testid: 'file-input' } });
  input.addEventListener('change', () => {
    if (input.files.length) onFiles([...input.files]);
    input.value = '';
  });
  const zone = h(
    'div',
    { class: 'dropzone', dataset: { testid: 'dropzone' } },
    h('p', {}, h('strong', {}, 'Drop CSV files here'), ' or ', h('label', { for: 'file-input', class: 'button', tabindex: 0 }, 'choose files'), input),
    h(
      'p',
      { class: 'hint' },
      'One row per sample, with feature columns for each modality and a label column (modalities may come from separate files with the same rows); or a counts table with columns x1, x2, y, count; or a shared .pidscope.json analysis file. Files are read inside your browser and never uploaded.',
    ),
  );
  const label = /** @type {HTMLLabelElement} */ (zone.querySelector('label.button'));
  label.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      input.click();
    }
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length) onFiles(files);
  });
  return zone;
}

/**
 * A file's summary line and a preview of its first rows, with each column's type.
 * @param {import('../bridge.js').EngineValue} file the engine's summary of it (`finishFile`)
 * @param {{onRemove?: () => void}} [options]
 */
export function filePreview(file, { onRemove } = {}) {
  const { name, bytes, rows, columns, preview, kind, missing_values: missing } = file;
  const head = h(
    'tr',
    {},
    columns.map((c) => h('th', { scope: 'col' }, c.name, h('br'), h('span', { class: `type ${c.kind}` }, c.kind === 'numeric' ? 'number' : `text · ${c.levels} levels`))),
  );
  const body = preview.map((row) => h('tr', {}, row.map((cell) => h('td', {}, cell))));
  return h(
    'div',
    { class: 'file', dataset: { testid: 'file', name } },
    h(
      'p',
      { class: 'file-summary' },
      h('strong', {}, name),
      ` — ${size(bytes)}, ${rows.toLocaleString()} rows, ${columns.length} columns`,
      kind === 'counts' ? ' · recognised as a counts table (x1, x2, y, count)' : '',
      missing ? ` · ${missing.toLocaleString()} missing values (rows with one in a used column are dropped)` : '',
      ' ',
      onRemove ? h('button', { type: 'button', class: 'link', onclick: onRemove, 'aria-label': `Remove ${name}` }, 'remove') : null,
    ),
    h('div', { class: 'preview', tabindex: 0, 'aria-label': `First rows of ${name}` }, h('table', {}, h('thead', {}, head), h('tbody', {}, body))),
  );
}

const listColumns = (cols) => (cols.length <= 4 ? cols.join(', ') : `${cols.slice(0, 2).join(', ')} … ${cols.at(-1)} (${cols.length} columns)`);

/** One line saying which columns play which role, as the estimate will use them. */
export function rolesSummary(roles) {
  const part = (label, cols) => (cols.length ? `${label}: ${listColumns(cols)}` : null);
  return [
    part('X1', roles.x1),
    part('X2', roles.x2),
    part('Y', roles.y ? [roles.y] : []),
    part('Ŷ', roles.yhat),
    part('weight', roles.weight ? [roles.weight] : []),
    part('id', roles.id ? [roles.id] : []),
    part('p̂(y|x1)', roles.p_x1 ?? []),
    part('p̂(y|x2)', roles.p_x2 ?? []),
    part('p̂(y|x1,x2)', roles.p_joint ?? []),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The role of every column: a native <select> per column, so the keyboard works as everywhere. */
export function rolePicker(columns, roles, onChange) {
  const several = columns.some((c) => c.file);
  const roleOf = (qualified) => {
    for (const key of LIST_ROLES) if (roles[key]?.includes(qualified)) return key;
    for (const key of SINGLE_ROLES) if (roles[key] === qualified) return key;
    return '';
  };
  const rows = columns.map(({ qualified, name, file, kind }) => {
    const select = h('select', { 'aria-label': `Role of column ${name}${file ? ` in ${file}` : ''}`, dataset: { column: qualified } }, ROLES.map(([value, label]) => h('option', { value, selected: roleOf(qualified) === value }, label)));
    select.addEventListener('change', () => onChange(qualified, select.value));
    return h('tr', {}, h('td', {}, name), several ? h('td', {}, file ?? '') : null, h('td', {}, kind === 'numeric' ? 'number' : 'text'), h('td', {}, select));
  });
  return h(
    'details',
    { class: 'roles', open: columns.length <= 24 },
    h('summary', {}, 'Column roles ', h('span', { class: 'status', dataset: { testid: 'roles-summary' } }, rolesSummary(roles) || 'none assigned yet')),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'column'), several ? h('th', {}, 'file') : null, h('th', {}, 'type'), h('th', {}, 'role'))), h('tbody', {}, rows)),
  );
}

/** Applies one role change: a column holds one role at most; Y, weight and id are single columns. */
export function assignRole(roles, column, role) {
  const next = Object.fromEntries([
    ...LIST_ROLES.map((key) => [key, (roles[key] ?? []).filter((c) => c !== column)]),
    ...SINGLE_ROLES.map((key) => [key, roles[key] === column ? null : roles[key]]),
  ]);
  if (LIST_ROLES.includes(role)) next[role] = [...next[role], column];
  else if (role) next[role] = column;
  return next;
}
