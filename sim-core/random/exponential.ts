// Standard exponential variates by Marsaglia and Tsang's ziggurat (2000): 256 layers of equal
// area under e^−x; a draw picks a layer with the low 8 bits of one 32-bit output and a point in
// it with the high 24, and is accepted at once about 98.9% of the time, so the logarithm (the
// costly part of −ln U) is needed only in the tail and the wedges. The tables are built once
// from our own ln/exp, so every JavaScript engine draws the same values.

import { exp, ln } from './math';
import type { Rng } from './prng';

const LAYERS = 256;
/** Start of the tail (the rightmost layer's edge) and each layer's area, for 256 layers. */
const R = 7.697117470131487;
const AREA = 3.949659822581572e-3;
/** Points within a layer: 24 bits. */
const SCALE = 16777216;

/** Per layer: accept-at-once threshold (24-bit), width per point, and e^−x at its edge. */
const K = new Uint32Array(LAYERS);
const W = new Float64Array(LAYERS);
const F = new Float64Array(LAYERS);

(function buildTables() {
  let edge = R;
  let previous = R;
  const q = AREA / exp(-R);
  K[0] = Math.floor((R / q) * SCALE);
  K[1] = 0;
  W[0] = q / SCALE;
  W[LAYERS - 1] = R / SCALE;
  F[0] = 1;
  F[LAYERS - 1] = exp(-R);
  for (let i = LAYERS - 2; i >= 1; i--) {
    edge = -ln(AREA / edge + exp(-edge));
    K[i + 1] = Math.floor((edge / previous) * SCALE);
    previous = edge;
    F[i] = exp(-edge);
    W[i] = edge / SCALE;
  }
})();

/** One Exp(1) variate from the stream (a variable number of draws: one, 98.9% of the time). */
export function standardExponential(rng: Rng): number {
  for (;;) {
    const u = rng.nextI32();
    const i = u & (LAYERS - 1);
    const j = u >>> 8;
    if (j < K[i]) return j * W[i];
    const x = slowPath(rng, i, j);
    if (x >= 0) return x;
  }
}

/** The tail (layer 0) or a wedge test; −1 means rejected: draw again. */
function slowPath(rng: Rng, i: number, j: number): number {
  if (i === 0) return R - ln(rng.nextFloat());
  const x = j * W[i];
  return F[i] + rng.nextFloat() * (F[i - 1] - F[i]) < exp(-x) ? x : -1;
}
