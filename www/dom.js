// Builds DOM nodes from plain values. Text is always inserted as text, never as HTML,
// so nothing read from a file or a link can inject markup.

/**
 * h('p', {class: 'x', dataset: {testid: 'y'}}, 'text', childNode)
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag typed by name, so h('input') is an HTMLInputElement
 * @param {Record<string, unknown>} [attrs] `on…` functions become listeners
 * @param {...unknown} children nodes, or values shown as text; nested arrays flattened
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return node;
}

/**
 * Shows `message` in the page's alert banner; the banner stays until dismissed or replaced.
 * With `action`, a button beside it (focused) runs `action.onClick` and closes the banner.
 * @param {string} message
 * @param {{label: string, onClick: () => void}} [action]
 */
export function showBanner(message, action) {
  const banner = document.getElementById('banner');
  const act = action
    ? h('button', { type: 'button', dataset: { testid: 'banner-action' }, onclick: () => ((banner.hidden = true), action.onClick()) }, action.label)
    : null;
  banner.replaceChildren(
    h('span', { class: 'message', dataset: { testid: 'banner-message' } }, message),
    ...(act ? [act] : []),
    h('button', { type: 'button', 'aria-label': 'Dismiss message', onclick: () => (banner.hidden = true) }, 'Dismiss'),
  );
  banner.hidden = false;
  act?.focus();
}

/** The text the banner shows now, or null when it is hidden. */
export function bannerMessage() {
  const banner = document.getElementById('banner');
  return banner.hidden ? null : (banner.querySelector('.message')?.textContent ?? null);
}

/** Hides the banner. */
export function hideBanner() {
  document.getElementById('banner').hidden = true;
}
