// Deterministic test data, made in the test (no files checked in for the happy paths).

/** A tiny seeded PRNG (mulberry32) and Box–Muller normals. */
export function rng(seed) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-300)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

const GATES = { and: (a, b) => a & b, xor: (a, b) => a ^ b };

/**
 * A noisy gate: bit a in 4 camera columns, bit b in 4 lidar columns (value 5·bit plus
 * N(0, 0.3) noise), label = gate(a, b). The four (a, b) pairs occur equally often, so
 * with 2 clusters per modality the exact PID is the gate's.
 */
export function noisyGateCsv(rows = 400, seed = 7, { gate = 'and', prediction = false } = {}) {
  const r = rng(seed);
  const header = ['cam_0', 'cam_1', 'cam_2', 'cam_3', 'lidar_0', 'lidar_1', 'lidar_2', 'lidar_3', 'label', ...(prediction ? ['pred'] : [])];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i += 1) {
    const a = i % 2;
    const b = (i >> 1) % 2;
    const feature = (bit) => (5 * bit + 0.3 * r.normal()).toFixed(4);
    // A lazy model that predicts the label from the camera's bit alone: its PID is X1's uniqueness.
    const row = [feature(a), feature(a), feature(a), feature(a), feature(b), feature(b), feature(b), feature(b), GATES[gate](a, b)];
    lines.push((prediction ? [...row, a] : row).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Noisy AND (see {@link noisyGateCsv}). */
export const noisyAndCsv = (rows = 400, seed = 7, { prediction = false } = {}) => noisyGateCsv(rows, seed, { gate: 'and', prediction });

/** Exact PID of AND over uniform bits. */
export const AND_PID = { redundancy: 1.5 - 0.75 * Math.log2(3), unique1: 0, unique2: 0, synergy: 0.5 };
