// A uniform number in [0, 1) fixed by (seed, sender, sequence): properties of a message's
// content, such as being poison, must not depend on which consumer or attempt looks at it.

/** Deterministic uniform in [0, 1) for a message id under a seed. */
export function messageUniform(seed: number, sender: number, seq: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (Math.floor(seed / 4294967296) | 0), 0xc2b2ae35);
  h = Math.imul(h ^ sender, 0x27d4eb2f) ^ (h >>> 15);
  h = Math.imul(h ^ seq, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
