// Estimator settings with sensible defaults and a one-line explanation each.
import { h } from '../dom.js';

export const DEFAULT_SETTINGS = { clusters: 20, pca: 5, seed: 0, units: 'bits' };

const FIELDS = [
  ['clusters', 'Clusters per modality', 2, 200, 'Numeric features of each modality are grouped into this many clusters (k-means) before the exact PID; the paper uses 20.'],
  ['pca', 'PCA components', 1, 64, 'Features are standardised and reduced to this many principal components before clustering (the paper: 5).'],
  ['seed', 'Seed', 0, 2 ** 31 - 1, 'Fixes the clustering’s random start: the same seed gives the same result.'],
];

/** The settings form; `onChange(settings)` after every valid edit. */
export function settingsForm(settings, onChange) {
  const fields = FIELDS.map(([key, label, min, max, help]) => {
    const input = h('input', { type: 'number', id: `setting-${key}`, min, max, step: 1, value: settings[key], 'aria-describedby': `help-${key}`, inputmode: 'numeric' });
    input.addEventListener('change', () => {
      const value = Number.parseInt(input.value, 10);
      if (Number.isInteger(value) && value >= min && value <= max) onChange({ ...settings, [key]: value });
      else input.value = settings[key];
    });
    return h('div', { class: 'field' }, h('label', { for: `setting-${key}` }, label), input, h('p', { class: 'help', id: `help-${key}` }, help));
  });
  const units = h(
    'fieldset',
    { class: 'field' },
    h('legend', {}, 'Units'),
    ['bits', 'nats'].map((unit) =>
      h('label', {}, h('input', { type: 'radio', name: 'units', value: unit, checked: settings.units === unit, onchange: () => onChange({ ...settings, units: unit }) }), ` ${unit}`),
    ),
    h('p', { class: 'help' }, 'Bits use log base 2 (the paper’s convention); nats use the natural log.'),
  );
  return h('div', { class: 'settings' }, fields, units);
}
