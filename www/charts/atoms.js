// The four PID atoms: names in the paper's words, and colours from the Okabe–Ito
// palette, which stays distinguishable under the common colour-vision deficiencies.

import META from '../meta.js';

/** Only the colours are the page's own; names and meanings come from the core (src/pid). */
const COLORS = { redundancy: '#0072B2', unique1: '#E69F00', unique2: '#009E73', synergy: '#CC79A7' };

/** The four atoms in display order: `{key, short, label, meaning, color}`. */
export const ATOMS = META.terms.filter((t) => t.atom).map(({ key, symbol, label, meaning }) => ({ key, short: symbol, label, meaning, color: COLORS[key] }));

/** The three information terms the atoms add up to: `{key, label, meaning}`. */
export const TERMS = META.terms.filter((t) => !t.atom).map(({ key, label, meaning }) => ({ key, label, meaning }));

export const ATOM_COLORS = { domain: ATOMS.map((a) => a.label), range: ATOMS.map((a) => a.color) };

/**
 * A PID's four atoms in bits: what the charts draw (the core's PID carries more).
 * @typedef {{redundancy: number, unique1: number, unique2: number, synergy: number}} PidAtoms
 */
