// Sharing an analysis: a link whose fragment carries the discrete table and results
// (never raw rows; browsers do not send fragments to servers), or a downloadable
// analysis file when the link is too long for chat apps.
import META from '../meta.js';
import { h } from '../dom.js';
import { download, safeName } from '../export.js';

/** Links longer than this get cut by some chat apps. */
export const LONG_LINK = META.limits.long_link_chars;

/** The page's URL with `#s=<link>` as its fragment. */
export function linkUrl(link, base = location.href) {
  return `${base.split('#')[0]}#s=${link}`;
}

/**
 * What sharing an analysis asks of the engine: its link data, its analysis file, and
 * (for the counts export, optional) the counts CSV of a table.
 * @typedef {{makeLink: () => Promise<string>, makeFile: () => Promise<string>, countsCsv?: (table: object) => Promise<string>}} ShareActions
 */

/**
 * The share controls of one analysis.
 * @param {import('../bridge.js').EngineValue} analysis
 * @param {ShareActions} actions
 */
export function shareBox(analysis, { makeLink, makeFile }) {
  const output = h('div', { class: 'link-out', hidden: true });
  const status = h('span', { class: 'status', role: 'status' });
  const copy = async () => {
    try {
      const url = linkUrl(await makeLink());
      const field = h('input', { type: 'text', readonly: true, value: url, 'aria-label': 'Share link', dataset: { testid: 'share-link' }, onfocus: (e) => e.target.select() });
      const long = url.length > LONG_LINK;
      // replaceChildren writes a null as the text "null": only the nodes that are there.
      output.replaceChildren(
        field,
        h('p', { dataset: { testid: 'link-length' } }, `${url.length.toLocaleString()} characters.`),
        ...(long ? [h('p', { class: 'warn', role: 'note' }, `⚠ Longer than about ${LONG_LINK.toLocaleString()} characters: chat apps may cut it. Send the analysis file instead (button above); anyone can drop it on this page.`)] : []),
      );
      output.hidden = false;
      try {
        await navigator.clipboard.writeText(url);
        status.textContent = 'Link copied.';
      } catch {
        field.focus();
        status.textContent = 'Select the link and copy it.';
      }
    } catch (error) {
      status.textContent = `Could not make a link: ${error.message}`;
    }
  };
  const file = async () => {
    try {
      download(`${safeName(analysis.title)}.pidscope.json`, await makeFile(), 'application/json');
    } catch (error) {
      status.textContent = `Could not make the file: ${error.message}`;
    }
  };
  return h(
    'div',
    { class: 'share' },
    h('span', {}, 'Share: '),
    h('button', { type: 'button', onclick: copy }, 'Copy link'),
    h('button', { type: 'button', onclick: file }, 'Download analysis file'),
    status,
    output,
  );
}

/** What opening a shared analysis found: agreement with the link's numbers, and its note. */
export function sharedCheck(shared) {
  if (!shared) return null;
  const agree = !shared.mismatches.length;
  return h(
    'div',
    { class: agree ? 'shared' : 'shared warn', dataset: { testid: 'shared-check' } },
    h(
      'p',
      {},
      agree
        ? `Recomputed here from the shared table: agrees with the numbers in the link to within ${shared.tolerance.toExponential(0)} bits.`
        : `⚠ Recomputed here from the shared table, the numbers differ from those in the link: ${shared.mismatches.join('; ')}.`,
    ),
    uncertaintyCheck(shared),
    shared.note ? h('p', { class: 'note' }, shared.note) : null,
    shared.files?.length ? h('p', { class: 'status' }, `Made from ${shared.files.join(', ')} (the files themselves are not in the link).`) : null,
    shared.storedModel ? h('p', { class: 'status' }, 'The model’s PID is shown as shared; the link has no model table to recompute it from.') : null,
  );
}

/** What became of the link's intervals and p-values: checked here, or shown as stored, and why. */
function uncertaintyCheck({ storedUncertainty, uncertaintyUnchecked, uncertaintyMismatches }) {
  if (!storedUncertainty) return null;
  if (uncertaintyUnchecked) return h('p', { class: 'status', dataset: { testid: 'uncertainty-check' } }, uncertaintyUnchecked);
  if (!uncertaintyMismatches) return h('p', { class: 'status', dataset: { testid: 'uncertainty-check' } }, 'Estimating the intervals and p-values again to check the link’s…');
  return uncertaintyMismatches.length
    ? h('p', { class: 'warn', role: 'note', dataset: { testid: 'uncertainty-check' } }, `⚠ Estimated again here with the link’s settings, the intervals and p-values differ from the link’s: ${uncertaintyMismatches.join('; ')}.`)
    : h('p', { dataset: { testid: 'uncertainty-check' } }, `Intervals and p-values estimated again here with the link’s settings (${META.limits.stored_uncertainty_resolution_bits.toExponential(0)}-bit resolution): they agree with the link’s.`);
}
