// Input: the drop zone and file picker, each file's preview with inferred column
// types, and the role picker (X1 / X2 / Y / Ŷ / weight / id), usable by keyboard alone.
import { h } from '../dom.js';

export const ROLES = [
  ['', '— not used'],
  ['x1', 'X1 (first modality)'],
  ['x2', 'X2 (second modality)'],
  ['y', 'Y (label)'],
  ['y_extra', 'Y, one more target column (Gaussian estimator only)'],
  ['yhat', 'Ŷ (model prediction)'],
  ['weight', 'weight'],
  ['id', 'id (join key)'],
  ['p_x1', 'p̂(y|x1): a model’s probability (BATCH)'],
  ['p_x2', 'p̂(y|x2): a model’s probability (BATCH)'],
  ['p_joint', 'p̂(y|x1,x2): a model’s probability (BATCH)'],
];

/** Roles held by several columns; the others by one column at most. */
const LIST_ROLES = ['x1', 'x2', 'y_extra', 'yhat', 'p_x1', 'p_x2', 'p_joint'];
const SINGLE_ROLES = ['y', 'weight', 'id'];

const size = (bytes) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/**
 * The drop zone. Calls `onFiles(File[])` for dropped or picked files.
 * @param {(files: File[]) => void} onFiles
 * @returns {HTMLElement}
 */
export function dropZone(onFiles) {
  // The input is hidden (no second, invisible tab stop); the button opens its picker.
  const input = h('input', { type: 'file', multiple: true, accept: '.csv,.tsv,.txt,.json,.npy,.npz,.parquet,text/csv', id: 'file-input', hidden: true, tabindex: -1, dataset: { testid: 'file-input' } });
  input.addEventListener('change', () => {
    if (input.files.length) onFiles([...input.files]);
    input.value = '';
  });
  const zone = h(
    'div',
    { class: 'dropzone', dataset: { testid: 'dropzone' } },
    h('p', {}, h('strong', {}, 'Drop CSV, NumPy (.npy, .npz) or Parquet files here'), ' or ', h('button', { type: 'button', class: 'choose', onclick: () => input.click() }, 'choose files'), input),
    h(
      'p',
      { class: 'hint' },
      'One row per sample, with feature columns for each modality and a label column (modalities may come from separate files with the same rows); or a counts table with columns x1, x2, y, count; or a shared .pidscope.json analysis file. Files are read inside your browser and never uploaded.',
    ),
  );
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

/** The preview shows at most this many columns. */
const PREVIEW_COLUMNS = 12;

/**
 * A file's summary line and a preview of its first rows, with each column's type, and
 * the question for each column of numbers and other text.
 * @param {import('../bridge.js').EngineValue} file the engine's summary of it (`finishFile`)
 * @param {{onRemove?: () => void, choices?: Record<string, string>, onChoose?: (column: string, how: string) => void}} [options]
 */
export function filePreview(file, { onRemove, choices = {}, onChoose = () => {} } = {}) {
  const { name, bytes, rows, columns, preview, kind, missing_values: missing } = file;
  // A wide file (hundreds of feature columns) would make a table thousands of pixels wide:
  // show the first columns and say how many more there are.
  const shown = columns.slice(0, PREVIEW_COLUMNS);
  const head = h(
    'tr',
    {},
    shown.map((c) => h('th', { scope: 'col' }, c.name, h('br'), h('span', { class: `type ${c.kind}` }, c.kind === 'numeric' ? 'number' : `text · ${c.levels} levels`))),
  );
  const body = preview.map((row) => h('tr', {}, row.slice(0, PREVIEW_COLUMNS).map((cell) => h('td', {}, cell))));
  return h(
    'div',
    { class: 'file', dataset: { testid: 'file', name } },
    h(
      'p',
      { class: 'file-summary' },
      h('strong', {}, name),
      ` — ${size(bytes)}, ${rows.toLocaleString()} rows, ${columns.length.toLocaleString('en')} columns`,
      kind === 'counts' ? ' · recognised as a counts table (x1, x2, y, count)' : '',
      missing ? ` · ${missing.toLocaleString()} missing values (rows with one in a used column are dropped)` : '',
      ' ',
      onRemove ? h('button', { type: 'button', class: 'link', onclick: onRemove, 'aria-label': `Remove ${name}` }, 'remove') : null,
    ),
    mixedColumnQuestions(file, choices, onChoose),
    h('div', { class: 'preview', tabindex: 0, 'aria-label': `First rows of ${name}` }, h('table', {}, h('thead', {}, head), h('tbody', {}, body))),
    columns.length > PREVIEW_COLUMNS ? h('p', { class: 'help', dataset: { testid: 'preview-columns' } }, `The preview shows the first ${PREVIEW_COLUMNS} of ${columns.length.toLocaleString('en')} columns; every column has its role below.`) : null,
  );
}

/** A column's name without its `FILE::` qualifier: the join key is one column of that name in every file. */
const bare = (column) => {
  const cut = column.lastIndexOf('::');
  return cut < 0 ? column : column.slice(cut + 2);
};

const listColumns = (cols) => (cols.length <= 4 ? cols.join(', ') : `${cols.slice(0, 2).join(', ')} … ${cols.at(-1)} (${cols.length.toLocaleString('en')} columns)`);

/** One line saying which columns play which role, as the estimate will use them. */
export function rolesSummary(roles) {
  const part = (label, cols) => (cols.length ? `${label}: ${listColumns(cols)}` : null);
  return [
    part('X1', roles.x1),
    part('X2', roles.x2),
    part('Y', [...(roles.y ? [roles.y] : []), ...(roles.y_extra ?? [])]),
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

/** Roles the pattern box and the checked columns take: the ones several columns hold, or none. */
const BULK_ROLES = ROLES.filter(([value]) => value === '' || LIST_ROLES.includes(value));
/** Columns per page of the role table. */
const ROLE_PAGE = 200;
/** Keys that move a closed <select> to another option at once: such a move waits for Enter. */
const MOVE_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);

/** Why a feature column is suspect, in words (the core's `feature_concern`). */
const CONCERNS = {
  id_name: 'its name says it identifies rows',
  distinct: 'it has a different whole number or text in every row, like a row key',
  constant: 'it has the same value in every row, so it says nothing about Y',
};

/**
 * @typedef {object} RolePicker
 * @property {HTMLElement} element
 * @property {(roles: object) => void} update shows new roles in place: focus, the open panel and checks stay
 */

/**
 * The role of every column, usable by keyboard alone and at 128 columns:
 * - a native <select> per column: a pointer's pick applies at once; an arrow key (or
 *   Home/End, or typing) only proposes a role, marked "pending", that Enter applies and
 *   Escape or leaving the control undoes, so one stray key press changes nothing;
 * - a pattern box, by the CLI's rule (`cam_*, lidar_0`), matched in the core;
 * - a checkbox per row (Shift with a click or Space checks the range from the last box)
 *   and one role for every checked column;
 * - a warning for each feature that looks like a row key or is constant.
 * Role changes go through `onAssign(columns, role)`; the caller then calls `update`.
 * @param {import('../bridge.js').EngineValue[]} columns
 * @param {object} roles
 * @param {{onAssign: (columns: string[], role: string) => void, match: (patterns: string, names: string[]) => Promise<number[]>}} actions
 * @returns {RolePicker}
 */
export function rolePicker(columns, roles, { onAssign, match }) {
  const several = columns.some((c) => c.file);
  let current = roles;
  // Each column's role, rebuilt once per update: a lookup per row stays O(1) at 100,000 columns.
  /** @type {Map<string, string>} */
  let roleMap = new Map();
  const mapRoles = () => {
    roleMap = new Map();
    for (const key of LIST_ROLES) for (const c of current[key] ?? []) roleMap.set(c, key);
    for (const key of SINGLE_ROLES) if (current[key]) roleMap.set(current[key], key);
  };
  const roleOf = (qualified) => roleMap.get(qualified) ?? (current.id && bare(current.id) === bare(qualified) ? 'id' : '');
  const options = (list) => list.map(([value, label]) => h('option', { value }, label));
  const summary = h('span', { class: 'status', dataset: { testid: 'roles-summary' } });
  const warnings = h('div', { class: 'role-warnings', role: 'status', dataset: { testid: 'role-warnings' } });

  const items = columns.map(({ qualified, name, file, concern }, index) => ({ qualified, name, file, concern, index, label: `${name}${file ? ` in ${file}` : ''}` }));
  /** @type {Set<number>} the checked columns, on every page */
  const checked = new Set();
  /** One table row with its controls, built only while its page is shown. */
  const buildRow = ({ qualified, name, file, concern, index, label }) => {
    const { kind } = columns[index];
    const hintId = `role-hint-${index}`;
    const select = h('select', { 'aria-label': `Role of column ${label}`, 'aria-describedby': hintId, dataset: { column: qualified } }, options(ROLES));
    const hint = h('span', { class: 'pending-hint', id: hintId, dataset: { testid: 'role-pending' } });
    const check = h('input', { type: 'checkbox', 'aria-label': `Check column ${label}`, dataset: { index } });
    check.checked = checked.has(index);
    let keyed = false;
    let pending = false;
    const settle = (apply) => {
      pending = false;
      select.classList.remove('pending');
      hint.textContent = '';
      if (apply && select.value !== roleOf(qualified)) onAssign([qualified], select.value);
      else select.value = roleOf(qualified);
    };
    select.addEventListener('keydown', (event) => {
      if (pending && (event.key === 'Enter' || event.key === 'Escape')) {
        event.preventDefault();
        settle(event.key === 'Enter');
        return;
      }
      // Alt+ArrowDown opens the list, where a pick is deliberate: it applies at once.
      keyed = !event.altKey && (MOVE_KEYS.has(event.key) || (event.key.length === 1 && event.key !== ' ' && !event.ctrlKey && !event.metaKey));
    });
    select.addEventListener('keyup', () => (keyed = false));
    select.addEventListener('change', () => {
      if (!keyed) return settle(true);
      pending = select.value !== roleOf(qualified);
      select.classList.toggle('pending', pending);
      hint.textContent = pending ? 'pending: Enter applies, Esc undoes' : '';
    });
    select.addEventListener('blur', () => {
      keyed = false;
      if (pending) settle(false);
    });
    // Checking a range: Shift with a click (or with Space) checks every box from the last one.
    check.addEventListener('click', (event) => {
      const [from, to] = event.shiftKey && anchor >= 0 ? [Math.min(anchor, index), Math.max(anchor, index)] : [index, index];
      for (let i = from; i <= to; i++) {
        if (check.checked) checked.add(i);
        else checked.delete(i);
      }
      for (const r of shown) r.check.checked = checked.has(r.index);
      anchor = index;
      countChecked();
    });
    // Shown while the column is a feature; the warning below says why in words.
    const flag = concern ? h('span', { class: 'warn concern', title: CONCERNS[concern], 'aria-hidden': 'true', hidden: true }, ' ⚠') : null;
    const row = h('tr', {}, h('td', {}, check), h('td', {}, name, flag), several ? h('td', {}, file ?? '') : null, h('td', { class: 'type-cell' }, kind === 'numeric' ? 'number' : 'text'), h('td', { class: 'role-cell' }, select, hint));
    select.value = roleOf(qualified);
    return { qualified, index, concern, flag, select, check, row, isPending: () => pending };
  };

  // Wide files show their columns a page at a time: 100,000 rows of controls would freeze the tab.
  const pages = Math.ceil(items.length / ROLE_PAGE);
  let page = 0;
  /** @type {ReturnType<typeof buildRow>[]} */
  let shown = [];
  const tbody = h('tbody', {});
  const pageStatus = h('span', { class: 'status', dataset: { testid: 'roles-page' } });
  const pageButton = (label, step) => h('button', { type: 'button', onclick: () => showPage(page + step) }, label);
  const previous = pageButton(`Previous ${ROLE_PAGE}`, -1);
  const next = pageButton(`Next ${ROLE_PAGE}`, 1);
  const showPage = (target) => {
    page = Math.max(0, Math.min(pages - 1, target));
    shown = items.slice(page * ROLE_PAGE, (page + 1) * ROLE_PAGE).map(buildRow);
    tbody.replaceChildren(...shown.map((r) => r.row));
    pageStatus.textContent = `columns ${page * ROLE_PAGE + 1}–${page * ROLE_PAGE + shown.length} of ${items.length.toLocaleString('en')}; the pattern box assigns many at once`;
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
    flagSuspects();
  };
  const pager = pages > 1 ? h('div', { class: 'role-pager' }, previous, next, pageStatus) : null;

  let anchor = -1;
  const checkedCount = h('span', { class: 'status', dataset: { testid: 'checked-count' } });
  const countChecked = () => {
    checkedCount.textContent = `${checked.size} checked`;
  };

  const patternInput = h('input', { type: 'text', id: 'role-pattern', spellcheck: 'false', autocomplete: 'off', placeholder: 'cam_*, lidar_0', 'aria-describedby': 'role-pattern-help' });
  // Every role: a single one (Y, weight, id) takes a pattern that matches one column, so a wide file's Y needs no paging.
  const patternRole = h('select', { id: 'role-pattern-role', 'aria-label': 'Role for the columns matched' }, options(ROLES));
  patternRole.value = 'x1';
  const patternStatus = h('p', { class: 'help', id: 'role-pattern-help', role: 'status', dataset: { testid: 'pattern-status' } }, 'Names or prefixes ending in *, comma-separated, as on the command line.');
  const byPattern = h(
    'form',
    {
      class: 'role-bulk',
      onsubmit: async (/** @type {SubmitEvent} */ event) => {
        event.preventDefault();
        const text = patternInput.value.trim();
        if (!text) return;
        const hits = await match(text, items.map((r) => r.name));
        const role = patternRole.value;
        if (!hits.length) {
          patternStatus.textContent = `No column matches '${text}'.`;
          return;
        }
        const roleName = ROLES.find(([v]) => v === role)?.[1];
        if (SINGLE_ROLES.includes(role) && hits.length > 1) {
          patternStatus.textContent = `${roleName} is one column, and '${text}' matches ${hits.length.toLocaleString('en')}: ${listColumns(hits.map((i) => items[i].name))}. Give its full name.`;
          return;
        }
        onAssign(hits.map((i) => items[i].qualified), role);
        patternStatus.textContent = `${hits.length.toLocaleString('en')} column${hits.length === 1 ? '' : 's'} set to ${roleName}: ${listColumns(hits.map((i) => items[i].name))}.`;
      },
    },
    h('label', { for: 'role-pattern' }, 'Columns'),
    patternInput,
    h('span', { 'aria-hidden': 'true' }, '→'),
    patternRole,
    h('button', { type: 'submit' }, 'Assign'),
    patternStatus,
  );
  const checkedRole = h('select', { 'aria-label': 'Role for the checked columns' }, options(BULK_ROLES));
  checkedRole.value = 'x1';
  const byChecks = h(
    'div',
    { class: 'role-bulk' },
    checkedCount,
    h('span', { 'aria-hidden': 'true' }, '→'),
    checkedRole,
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          const chosen = [...checked].sort((a, b) => a - b).map((i) => items[i].qualified);
          if (chosen.length) onAssign(chosen, checkedRole.value);
        },
      },
      'Assign to checked',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: () => {
          checked.clear();
          for (const r of shown) r.check.checked = false;
          anchor = -1;
          countChecked();
        },
      },
      'uncheck all',
    ),
    h('span', { class: 'help' }, 'Shift-click (or Shift+Space) a box to check the range from the last one.'),
  );

  const isFeature = (qualified) => ['x1', 'x2'].includes(roleMap.get(qualified) ?? '');
  let suspect = new Set();
  const flagSuspects = () => {
    for (const r of shown) if (r.flag) r.flag.hidden = !suspect.has(r.qualified);
  };
  const update = (nextRoles) => {
    current = nextRoles;
    mapRoles();
    for (const r of shown) if (!r.isPending()) r.select.value = roleOf(r.qualified);
    summary.textContent = rolesSummary(current) || 'none assigned yet';
    const suspects = items.filter((r) => r.concern && isFeature(r.qualified));
    suspect = new Set(suspects.map((r) => r.qualified));
    flagSuspects();
    warnings.replaceChildren(
      ...suspects.map((r) =>
        h(
          'p',
          { class: 'warn', dataset: { testid: 'role-warning', column: r.qualified } },
          `⚠ Column '${r.label}' is a feature of ${roleMap.get(r.qualified) === 'x1' ? 'X1' : 'X2'}, but ${CONCERNS[r.concern]}. ` +
            (r.concern === 'constant' ? 'It adds nothing. ' : 'Clustering it gives every row a cluster of its own and inflates the information. '),
          h('button', { type: 'button', class: 'link', onclick: () => onAssign([r.qualified], '') }, `stop using ${r.name}`),
        ),
      ),
    );
  };
  mapRoles();
  showPage(0);
  update(roles);
  countChecked();

  const element = h(
    'div',
    { class: 'role-picker' },
    h(
      'details',
      { class: 'roles', open: columns.length <= 24 },
      h('summary', {}, 'Column roles ', summary),
      byPattern,
      byChecks,
      pager,
      h(
        'div',
        { class: 'roles-table' },
        h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, h('span', { class: 'visually-hidden' }, 'check')), h('th', {}, 'column'), several ? h('th', {}, 'file') : null, h('th', { class: 'type-cell' }, 'type'), h('th', {}, 'role'))), tbody),
      ),
    ),
    warnings,
  );
  return { element, update };
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
