// Number formatting shared by the page's views and charts.

const NATS_PER_BIT = Math.LN2;

/** @typedef {'bits' | 'nats'} Unit the display units (src/meta.rs `Units`) */

/**
 * Converts a value in bits to the chosen unit.
 * @param {number} bits
 * @param {Unit} [unit]
 */
export function fromBits(bits, unit = 'bits') {
  return unit === 'nats' ? bits * NATS_PER_BIT : bits;
}

/**
 * Formats an information quantity given in bits, e.g. "0.311 bits". Tiny rounding noise shows as 0.
 * @param {number} bits
 * @param {Unit} [unit]
 * @param {number} [digits]
 */
export function formatInfo(bits, unit = 'bits', digits = 3) {
  if (!Number.isFinite(bits)) return '—';
  const value = fromBits(Math.abs(bits) < 0.5 * 10 ** -digits ? 0 : bits, unit);
  return `${value.toFixed(digits)} ${unit}`;
}

/**
 * A duration for progress text: "40 s", "12 min", "3.5 h" (the CLI's `format_duration`).
 * @param {number} seconds
 */
export function formatDuration(seconds) {
  if (seconds < 120) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
