// Learn mode: a gallery of toy distributions, predict-then-reveal, a live editable
// table whose PID follows every edit, a Gaussian example with sliders (gaussian.js), and
// scenarios generated in the browser.
import { atomsBar } from '../charts/atomsBar.js';
import { ATOMS } from '../charts/atoms.js';
import { pidDiagram } from '../charts/pidDiagram.js';
import { h } from '../dom.js';
import { download } from '../export.js';
import { formatInfo } from '../format.js';
import { reshape, setCell, MAX_STATES } from './editor.js';
import { gaussianLesson } from './gaussian.js';

const labelsFor = (shape) => shape.map((n) => Array.from({ length: n }, (_, i) => String(i)));

/**
 * Learn mode's section: `load()` fetches the gallery and opens its first example,
 * `redraw()` draws the live result again.
 * @typedef {HTMLElement & {load: () => Promise<void>, redraw: () => void}} LearnView
 */

/**
 * @param {{bridge: import('../bridge.js').WorkerBridge, unit: () => import('../format.js').Unit, shareControls: (analysis: object) => HTMLElement, renderResult: (analysis: object) => HTMLElement, report: (error: Error, context?: string) => void}} deps
 * @returns {LearnView}
 */
export function learnView({ bridge, unit, shareControls, renderResult, report }) {
  const lesson = {
    entry: null, // the gallery entry being studied
    shape: [2, 2, 2],
    labels: labelsFor([2, 2, 2]),
    p: new Array(8).fill(1 / 8),
    analysis: null,
    revealed: false,
    pending: null, // the latest table waiting to be solved
    busy: false,
  };

  const gallery = h('ul', { class: 'gallery', 'aria-label': 'Examples' });
  const title = h('h3', {}, 'Pick an example');
  // The setup is shown before the prediction; the explanation (the answer) only after it.
  const setup = h('p', { class: 'setup', dataset: { testid: 'setup' } });
  const explanation = h('p', { class: 'explanation', dataset: { testid: 'explanation' }, hidden: true });
  const predict = h('div', { class: 'predict' });
  const grid = h('div', { class: 'editor-grid', dataset: { testid: 'editor' } });
  const shapeControls = h('div', { class: 'shape' });
  const live = h('div', { class: 'live', dataset: { testid: 'live-result' } });
  // What a screen reader hears after an edit: the four atoms in one line, not the whole result.
  const liveStatus = h('p', { class: 'visually-hidden', role: 'status', dataset: { testid: 'live-status' } });
  const timing = h('p', { class: 'status', dataset: { testid: 'update-time' } });
  // What an edit did to the other cells: never renormalised without a word.
  const editNote = h('p', { class: 'status', role: 'status', dataset: { testid: 'edit-note' } });
  const scenarios = h('div', { class: 'scenarios' });
  const gaussian = gaussianLesson({ bridge, unit, report });

  // ---- solving, latest edit wins ----
  async function solve() {
    if (lesson.busy) return;
    lesson.busy = true;
    while (lesson.pending) {
      const { shape, p, labels, started } = lesson.pending;
      lesson.pending = null;
      try {
        const asked = performance.now();
        const analysis = await bridge.call('table', { shape, weights: p, labels, title: lesson.entry ? `${lesson.entry.title} (edited)` : 'Edited table' });
        const solved = performance.now();
        lesson.analysis = { ...analysis, kind: 'edited', example: lesson.entry?.name ?? null };
        drawLive();
        const done = performance.now();
        timing.textContent = `Updated in ${(done - started).toFixed(1)} ms (engine ${(solved - asked).toFixed(1)} ms, drawing ${(done - solved).toFixed(1)} ms).`;
      } catch (error) {
        report(error, 'The table could not be analysed');
      }
    }
    lesson.busy = false;
  }

  function changed() {
    lesson.pending = { shape: [...lesson.shape], p: [...lesson.p], labels: lesson.labels, started: performance.now() };
    updateGrid();
    solve();
  }

  /** New values into the existing cells (same shape): no DOM rebuilt while editing. */
  function updateGrid() {
    const inputs = /** @type {NodeListOf<HTMLInputElement>} */ (grid.querySelectorAll('input[data-cell]'));
    if (inputs.length !== lesson.p.length) {
      drawGrid();
      return;
    }
    for (const input of inputs) {
      const value = lesson.p[Number(input.dataset.cell)];
      if (document.activeElement !== input) input.value = String(+value.toFixed(4));
      input.style.setProperty('--fill', String(Math.min(1, (value * lesson.p.length) / 2)));
    }
  }

  // ---- drawing ----
  function drawLive() {
    const { analysis } = lesson;
    if (!analysis) return;
    if (!lesson.revealed) {
      liveStatus.textContent = '';
      live.replaceChildren(h('p', { class: 'status' }, 'Make your prediction above to see the decomposition.'));
      return;
    }
    const u = unit();
    const rows = ATOMS.map((a) => h('tr', {}, h('th', { scope: 'row' }, `${a.label} (${a.short})`), h('td', { class: 'value', dataset: { testid: `learn-${a.key}` } }, formatInfo(analysis.pid[a.key], u, 4))));
    liveStatus.textContent = ATOMS.map((a) => `${a.label} ${formatInfo(analysis.pid[a.key], u, 3)}`).join(', ');
    live.replaceChildren(
      h('table', { class: 'terms' }, h('tbody', {}, rows, h('tr', {}, h('th', { scope: 'row' }, 'I(X1,X2;Y)'), h('td', { class: 'value' }, formatInfo(analysis.pid.mi_joint, u, 4))))),
      atomsBar([{ name: 'this table', pid: analysis.pid }], { unit: u, title: 'PID of the table' }),
      pidDiagram(analysis.pid, { unit: u }),
      shareControls(analysis),
    );
  }

  function drawPredict() {
    if (!lesson.entry || lesson.revealed) {
      predict.replaceChildren(
        lesson.entry && lesson.revealed
          ? h(
              'p',
              { class: 'verdict', dataset: { testid: 'verdict' } },
              lesson.guess === null
                ? `Answer: ${dominantText(lesson.entry)}.`
                : lesson.entry.dominant.includes(lesson.guess)
                  ? `Right: ${dominantText(lesson.entry)}.`
                  : `Not quite: you said ${atomLabel(lesson.guess)}, but ${dominantText(lesson.entry)}.`,
            )
          : '',
      );
      return;
    }
    predict.replaceChildren(
      h('p', {}, h('strong', {}, 'Predict first: '), 'which part of I(X1,X2;Y) is largest here?'),
      h(
        'div',
        { class: 'choices', role: 'group', 'aria-label': 'Your prediction' },
        ATOMS.map((a) =>
          h('button', { type: 'button', onclick: () => reveal(a.key) }, a.label),
        ),
        h('button', { type: 'button', class: 'link', onclick: () => reveal(null) }, 'just show me'),
      ),
    );
  }

  const dominantText = (entry) =>
    entry.dominant.length > 1 ? `${entry.dominant.map(atomLabel).join(' and ')} tie for the largest share` : `${atomLabel(entry.dominant[0])} dominates`;
  const atomLabel = (key) => ATOMS.find((a) => a.key === key)?.label.toLowerCase() ?? key;

  function reveal(guess) {
    lesson.guess = guess;
    lesson.revealed = true;
    explanation.hidden = false;
    drawPredict();
    drawLive();
  }

  function drawGrid() {
    const [n1, n2, ny] = lesson.shape;
    const [l1, l2, ly] = lesson.labels;
    const panels = [];
    for (let y = 0; y < ny; y += 1) {
      const rows = [];
      for (let a = 0; a < n1; a += 1) {
        const cells = [];
        for (let b = 0; b < n2; b += 1) {
          const index = (a * n2 + b) * ny + y;
          cells.push(h('td', {}, cellInput(index, `p(x1=${l1[a]}, x2=${l2[b]}, y=${ly[y]})`)));
        }
        rows.push(h('tr', {}, h('th', { scope: 'row' }, `x1=${l1[a]}`), cells));
      }
      panels.push(
        h(
          'table',
          { class: 'panel' },
          h('caption', {}, `Y = ${ly[y]}`),
          h('thead', {}, h('tr', {}, h('td', {}), l2.map((l) => h('th', { scope: 'col' }, `x2=${l}`)))),
          h('tbody', {}, rows),
        ),
      );
    }
    const active = document.activeElement;
    const focused = active instanceof HTMLElement ? active.dataset.cell : undefined;
    grid.replaceChildren(...panels);
    if (focused !== undefined) /** @type {HTMLInputElement | null} */ (grid.querySelector(`[data-cell="${focused}"]`))?.focus();
  }

  /** Sets one cell through setCell and says what happened to the others. */
  function edit(index, value) {
    const { p, note, refused } = setCell(lesson.p, index, value);
    editNote.textContent = note;
    editNote.classList.toggle('warn', refused);
    if (refused) {
      updateGrid();
      const input = /** @type {HTMLInputElement | null} */ (grid.querySelector(`[data-cell="${index}"]`));
      if (input) input.value = String(+lesson.p[index].toFixed(4));
      return;
    }
    lesson.p = p;
    changed();
  }

  /** A probability cell: type a value, use the arrow keys, or drag sideways with the pointer. */
  function cellInput(index, label) {
    const value = lesson.p[index];
    const input = h('input', { type: 'number', min: 0, max: 1, step: 0.01, value: +value.toFixed(4), 'aria-label': label, dataset: { cell: index } });
    input.style.setProperty('--fill', String(Math.min(1, value * lesson.p.length / 2)));
    input.addEventListener('change', () => {
      edit(index, Number.parseFloat(input.value));
    });
    input.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      const startX = event.clientX;
      const start = lesson.p[index];
      let moved = false;
      const move = (e) => {
        const dx = e.clientX - startX;
        if (Math.abs(dx) < 3 && !moved) return;
        moved = true;
        edit(index, start + dx / 300);
      };
      const up = () => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    });
    return input;
  }

  function drawShapeControls() {
    const names = ['X1', 'X2', 'Y'];
    shapeControls.replaceChildren(
      h('span', {}, 'States: '),
      ...names.map((name, axis) => {
        const select = h(
          'select',
          { 'aria-label': `Number of states of ${name}` },
          [1, 2, 3, 4].filter((n) => n <= MAX_STATES).map((n) => h('option', { value: n, selected: lesson.shape[axis] === n }, `${name}: ${n}`)),
        );
        select.addEventListener('change', () => {
          const next = [...lesson.shape];
          next[axis] = Number(select.value);
          const resized = reshape(lesson.p, lesson.shape, next);
          lesson.p = resized.p;
          editNote.textContent = resized.note;
          editNote.classList.remove('warn');
          lesson.shape = next;
          lesson.labels = labelsFor(next);
          drawShapeControls();
          changed();
        });
        return select;
      }),
      h('button', { type: 'button', onclick: () => lesson.entry && choose(lesson.entry) }, 'Reset to the example'),
    );
  }

  async function choose(entry) {
    try {
      const analysis = await bridge.call('example', { name: entry.name });
      lesson.entry = entry;
      lesson.shape = analysis.table.shape;
      lesson.labels = analysis.table.labels;
      lesson.p = analysis.table.p;
      lesson.analysis = { ...analysis, kind: 'edited', example: entry.name };
      lesson.revealed = false;
      lesson.guess = null;
      title.textContent = entry.title;
      setup.textContent = entry.setup;
      explanation.textContent = entry.explanation;
      explanation.hidden = true;
      editNote.textContent = '';
      for (const button of gallery.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.dataset.name === entry.name));
      drawShapeControls();
      drawGrid();
      drawPredict();
      drawLive();
    } catch (error) {
      report(error, `The example ${entry.name} could not be loaded`);
    }
  }

  async function load() {
    try {
      const entries = await bridge.call('gallery');
      gallery.replaceChildren(
        ...entries.map((entry) => h('li', {}, h('button', { type: 'button', class: 'example', dataset: { name: entry.name }, 'aria-pressed': 'false', onclick: () => choose(entry) }, h('strong', {}, entry.label), h('span', {}, entry.title)))),
      );
      const list = await bridge.call('scenarios');
      scenarios.replaceChildren(...list.map(scenarioCard));
      gaussian.start();
      if (entries.length) await choose(entries[0]);
    } catch (error) {
      report(error, 'Learn mode could not start');
    }
  }

  function scenarioCard(scenario) {
    const seed = h('input', { type: 'number', min: 0, value: scenario.seed ?? 1, 'aria-label': `Seed for ${scenario.title}` });
    const status = h('span', { class: 'status' });
    const result = h('div', { class: 'scenario-result' });
    const run = async () => {
      status.textContent = 'Generating and analysing…';
      try {
        const analysis = await bridge.call('runScenario', { id: scenario.id, seed: Number(seed.value) });
        status.textContent = '';
        result.replaceChildren(renderResult(analysis));
      } catch (error) {
        status.textContent = '';
        report(error, `The scenario ${scenario.title} failed`);
      }
    };
    const csv = async () => {
      try {
        download(`${scenario.id}-seed${seed.value}.csv`, await bridge.call('scenarioCsv', { id: scenario.id, seed: Number(seed.value) }), 'text/csv');
      } catch (error) {
        report(error, 'The scenario could not be downloaded');
      }
    };
    return h(
      'article',
      { class: 'scenario', dataset: { testid: 'scenario', id: scenario.id } },
      h('h4', {}, scenario.title),
      h('p', {}, scenario.description),
      h('p', { class: 'row' }, h('label', {}, 'Seed ', seed), h('button', { type: 'button', onclick: run }, 'Generate and analyse'), h('button', { type: 'button', onclick: csv }, 'Download CSV'), status),
      result,
    );
  }

  const view = h(
    'section',
    { id: 'learn', class: 'card', 'aria-label': 'Learn PID' },
    h('h2', {}, 'Learn PID with toy examples'),
    h('p', { class: 'status' }, 'Each example is a small joint distribution p(x1, x2, y). Predict which part dominates, then edit the table and watch the atoms move: every number is computed by the same exact solver the analysis uses.'),
    gallery,
    h('article', { class: 'lesson' }, title, setup, predict, explanation, h('div', { class: 'editor' }, shapeControls, grid, editNote, timing), liveStatus, live),
    gaussian,
    h('h3', {}, 'Scenarios generated in your browser'),
    h('p', { class: 'status' }, 'Seeded generators produce samples that go through the same path as your files: clustering, then the exact PID.'),
    scenarios,
  );
  const redraw = () => {
    drawLive();
    gaussian.redraw();
  };
  return Object.assign(view, { load, redraw });
}
