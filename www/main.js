// The page: starts the engine worker, shows the built-in example, reports failures.
import { WorkerBridge } from './bridge.js';
import { h, showBanner } from './dom.js';
import { formatInfo } from './format.js';

const bridge = new WorkerBridge(new URL('./worker.js', import.meta.url));
bridge.addEventListener('crash', ({ detail }) => {
  showBanner(
    `The computation engine stopped unexpectedly: ${detail.message}` +
      (detail.restarted ? '\nIt has been restarted; your results on screen are kept.' : '\nReload the page to try again.'),
  );
});
// For tests and the curious: the bridge is reachable from the console.
window.pidscope = { bridge };

const TERMS = [
  ['mi_x1_y', 'I(X1;Y)', 'what X1 says about Y'],
  ['mi_x2_y', 'I(X2;Y)', 'what X2 says about Y'],
  ['mi_joint', 'I(X1,X2;Y)', 'what both say together'],
];

function renderExample(section, analysis) {
  const rows = TERMS.map(([key, label, meaning]) =>
    h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'value', dataset: { testid: key } }, formatInfo(analysis.info[key])), h('td', {}, meaning)),
  );
  section.replaceChildren(
    h('h2', { id: 'example-title' }, `Built-in example: the ${analysis.name} gate`),
    h('p', {}, 'X1 and X2 are independent fair bits; Y = X1 XOR X2. Neither input alone says anything about Y, together they determine it.'),
    h('table', { class: 'terms', 'aria-label': `Information terms of the ${analysis.name} example` }, h('tbody', {}, rows)),
  );
  section.setAttribute('aria-busy', 'false');
  section.dataset.ready = 'true';
}

async function main() {
  const section = document.getElementById('example');
  try {
    const [version, analysis] = await Promise.all([bridge.call('version'), bridge.call('example', { name: 'XOR' })]);
    document.getElementById('core-version').textContent = `pidscope core ${version}`;
    renderExample(section, analysis);
  } catch (error) {
    section.querySelector('[data-testid=status]').textContent = 'The example could not be computed.';
    showBanner(error.message);
  }
}

main();
