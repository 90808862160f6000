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
  const input = h('input', { type: 'file', multiple: true, accept: '.csv,.tsv,.txt,.json,.npy,.npz,.parquet,text/csv', id: 'file-input', class: 'visually-hidden', dataset: { testid: 'file-input' } });
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

/** How a mixed column (numbers and other text) is read: the choices the core takes. */
export const READ_AS = [
  ['numeric', 'as numbers (values that are not numbers count as missing)'],
  ['text', 'as text (every distinct value a category)'],
];

/**
 * The question for each column of numbers and other text: one stray value would otherwise
 * turn a measurement into categories, so the person says how to read it.
 * @param {import('../bridge.js').EngineValue} file
 * @param {Record<string, string>} choices `FILE::column` → 'numeric' | 'text'
 * @param {(column: string, how: string) => void} onChoose
 */
function mixedColumnQuestions(file, choices, onChoose) {
  return file.columns
    .filter((c) => c.mixed)
    .map(({ name, mixed }) => {
      const key = `${file.name}::${name}`;
      const others = mixed.texts === 1 ? '1 value is not a number' : `${mixed.texts.toLocaleString()} values are not numbers`;
      return h(
        'fieldset',
        { class: choices[key] ? 'mixed' : 'mixed warn', dataset: { testid: 'mixed-column', column: name } },
        h('legend', {}, `Column '${name}': line ${mixed.line} has '${mixed.text}', not a number (${others}, ${mixed.numbers.toLocaleString()} are). Read it:`),
        READ_AS.map(([how, label]) =>
          h('label', {}, h('input', { type: 'radio', name: `read-${key}`, value: how, checked: choices[key] === how, onchange: () => onChoose(key, how) }), ` ${label}`),
        ),
      );
    });
}

/**
 * A file's summary line and a preview of its first rows, with each column's type, and
 * the question for each column of numbers and other text.
 * @param {import('../bridge.js').EngineValue} file the engine's summary of it (`finishFile`)
 * @param {{onRemove?: () => void, choices?: Record<string, string>, onChoose?: (column: string, how: string) => void}} [options]
 */
export function filePreview(file, { onRemove, choices = {}, onChoose = () => {} } = {}) {
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
    mixedColumnQuestions(file, choices, onChoose),
    h('div', { class: 'preview', tabindex: 0, 'aria-label': `First rows of ${name}` }, h('table', {}, h('thead', {}, head), h('tbody', {}, body))),
  );
}

/** A column's name without its `FILE::` qualifier: the join key is one column of that name in every file. */
const bare = (column) => {
  const cut = column.lastIndexOf('::');
  return cut < 0 ? column : column.slice(cut + 2);
};

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
    if (roles.id && bare(roles.id) === bare(qualified)) return 'id';
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

/**
 * Applies one role change: a column holds one role at most; Y, weight and id are single
 * columns. The id is the column joining the files: every file's column of that name is
 * the id (none of them holds another role), and it is kept by its bare name.
 */
export function assignRole(roles, column, role) {
  const sameName = (c) => bare(c) === bare(column);
  const freed = (c) => c !== column && !(role === 'id' && sameName(c));
  const next = Object.fromEntries([
    ...LIST_ROLES.map((key) => [key, (roles[key] ?? []).filter(freed)]),
    ...SINGLE_ROLES.map((key) => [key, roles[key] && freed(roles[key]) ? roles[key] : null]),
  ]);
  // Changing any file's column of the id's name changes the join.
  next.id = roles.id && !sameName(roles.id) ? roles.id : null;
  if (LIST_ROLES.includes(role)) next[role] = [...next[role], column];
  else if (role === 'id') next.id = bare(column);
  else if (role) next[role] = column;
  return next;
}
