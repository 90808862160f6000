// Geometry of the area-proportional PID diagram; pure functions, no DOM.

/** Area of the lens where two circles of radii r1, r2 at centre distance d overlap. */
export function lensArea(r1, r2, d) {
  if (d >= r1 + r2) return 0;
  if (d <= Math.abs(r1 - r2)) return Math.PI * Math.min(r1, r2) ** 2;
  const a1 = Math.acos((d * d + r1 * r1 - r2 * r2) / (2 * d * r1));
  const a2 = Math.acos((d * d + r2 * r2 - r1 * r1) / (2 * d * r2));
  const k = Math.sqrt((-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2));
  return r1 * r1 * a1 + r2 * r2 * a2 - 0.5 * k;
}

/**
 * The centre distance at which two circles of radii r1, r2 overlap in `area`
 * (clamped to what is possible), by bisection: the lens area falls as d grows.
 */
export function distanceForOverlap(r1, r2, area) {
  const full = Math.PI * Math.min(r1, r2) ** 2;
  if (area <= 0) return r1 + r2;
  if (area >= full) return Math.abs(r1 - r2);
  let lo = Math.abs(r1 - r2);
  let hi = r1 + r2;
  for (let i = 0; i < 100; i += 1) {
    const mid = 0.5 * (lo + hi);
    if (lensArea(r1, r2, mid) > area) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Layout of the diagram in abstract units where area = bits: circles for I(X1;Y)
 * (= R + U1) and I(X2;Y) (= R + U2) overlapping in R, and a separate disc of area S.
 * @param {import('./atoms.js').PidAtoms} pid
 */
export function pidLayout({ redundancy: R, unique1: U1, unique2: U2, synergy: S }) {
  const clamp = (v) => Math.max(0, v);
  const i1 = clamp(R) + clamp(U1);
  const i2 = clamp(R) + clamp(U2);
  const r1 = Math.sqrt(i1 / Math.PI);
  const r2 = Math.sqrt(i2 / Math.PI);
  const rs = Math.sqrt(clamp(S) / Math.PI);
  const d = r1 > 0 && r2 > 0 ? distanceForOverlap(r1, r2, clamp(R)) : r1 + r2;
  return { r1, r2, rs, d, i1, i2 };
}
