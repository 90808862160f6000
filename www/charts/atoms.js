// The four PID atoms: names in the paper's words, and colours from the Okabe–Ito
// palette, which stays distinguishable under the common colour-vision deficiencies.

export const ATOMS = [
  { key: 'redundancy', short: 'R', label: 'Redundancy', color: '#0072B2', meaning: 'said by both X1 and X2' },
  { key: 'unique1', short: 'U1', label: 'Unique to X1', color: '#E69F00', meaning: 'said only by X1' },
  { key: 'unique2', short: 'U2', label: 'Unique to X2', color: '#009E73', meaning: 'said only by X2' },
  { key: 'synergy', short: 'S', label: 'Synergy', color: '#CC79A7', meaning: 'said only by X1 and X2 together' },
];

export const ATOM_COLORS = { domain: ATOMS.map((a) => a.label), range: ATOMS.map((a) => a.color) };
