// Number formatting shared by the page's views and charts.

const NATS_PER_BIT = Math.LN2;

/** Converts a value in bits to the chosen unit ('bits' or 'nats'). */
export function fromBits(bits, unit = 'bits') {
  return unit === 'nats' ? bits * NATS_PER_BIT : bits;
}

/** Formats an information quantity given in bits, e.g. "0.311 bits". Tiny rounding noise shows as 0. */
export function formatInfo(bits, unit = 'bits', digits = 3) {
  if (!Number.isFinite(bits)) return '—';
  const value = fromBits(Math.abs(bits) < 0.5 * 10 ** -digits ? 0 : bits, unit);
  return `${value.toFixed(digits)} ${unit}`;
}
