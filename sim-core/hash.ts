// Every hash and bit mixer of the engine, in one place: the Murmur3 block step and finalizer,
// stream keys, per-message uniforms, the partition hash, the trace hash and its event fold. Integer-only 32-bit
// arithmetic (Math.imul, shifts), so every JavaScript engine gives the same bits. Changing a
// constant here changes random streams or golden trace hashes: bump the hash version if you do.

const TWO_POW_32 = 4294967296;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** One Murmur3 x86_32 block step: mixes word k into state h. */
export function murmurStep(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = rotl(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Murmur3's 32-bit finalizer: full avalanche of a 32-bit state. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Mixes a string into a Murmur3 state: its length first, then each UTF-16 code unit. */
export function murmurString(h: number, s: string): number {
  h = murmurStep(h, s.length); // length prefix: ("ab","c") and ("a","bc") hash differently
  for (let i = 0; i < s.length; i++) h = murmurStep(h, s.charCodeAt(i));
  return h;
}

/**
 * A uniform number in [0, 1) fixed by (seed, sender, sequence): a property of a message's
 * content (being poison) that must not depend on which consumer or attempt looks at it. Pass
 * the sender's key (a hash of its id), never its position in a list.
 */
export function messageUniform(seed: number, sender: number, seq: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (Math.floor(seed / TWO_POW_32) | 0), 0xc2b2ae35);
  h = Math.imul(h ^ sender, 0x27d4eb2f) ^ (h >>> 15);
  h = Math.imul(h ^ seq, 0x165667b1);
  return (fmix32(h) >>> 0) / TWO_POW_32;
}

/** A stable, well-mixed hash of a key (the partition a keyed record goes to). */
export function keyHash(key: number): number {
  let h = Math.imul(key ^ 0x5bd1e995, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  h ^= h >>> 13;
  return h >>> 0;
}

/** A stable, well-mixed hash of a message id, so sampling 1 in N ids picks an unbiased subset. */
export function messageIdHash(sender: number, seq: number): number {
  let h = Math.imul(seq ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(sender + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

const SEED_A = 0x9e3779b9;
const SEED_B = 0x7f4a7c15;

function hex8(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

/**
 * An incremental, order-sensitive 64-bit hash of a stream of 32-bit words: two lanes, each
 * stepping by a bijection of its state for a fixed word and of the word for a fixed state
 * (xor or add, multiply by an odd constant, xor-shift), so a single differing word always
 * changes both lanes for good; the lanes' different algebra keeps two-word cancellations apart.
 * A cross-lane Murmur3 finalizer gives full avalanche. No allocation; not cryptographic.
 */
export class TraceHash {
  private a = SEED_A;
  private b = SEED_B;
  /** Words mixed so far (mod 2^32), folded in by the finalizer like Murmur3's length. */
  private words = 0;

  /** Mixes one 32-bit integer (any number is reduced to its low 32 bits, two's complement). */
  mixInt(x: number): void {
    const w = x | 0;
    const a = Math.imul(this.a ^ w, 0x9e3779b1);
    this.a = a ^ (a >>> 15);
    const b = Math.imul((this.b + w) | 0, 0x85ebca77);
    this.b = b ^ (b >>> 13);
    this.words = (this.words + 1) | 0;
  }

  /** The hash so far as 16 lowercase hex digits; does not change the state (mixing may go on). */
  hex(): string {
    let a = this.a ^ this.words;
    let b = this.b ^ Math.imul(this.words, 0x27d4eb2f);
    a = (a + b) | 0;
    b = (b + a) | 0;
    a = fmix32(a);
    b = fmix32(b);
    a = (a + b) | 0;
    b = (b + a) | 0;
    return hex8(a) + hex8(b);
  }

  /** Starts over from the empty stream. */
  reset(): void {
    this.a = SEED_A;
    this.b = SEED_B;
    this.words = 0;
  }
}

/**
 * One event as one 32-bit word (trace hash format v2, see CHANGELOG.md): every field enters
 * through a bijection of its own bits (multiplication by an odd constant), so any single
 * differing field changes the word; times and aux above 32 bits fold their high word in first.
 * `sender` −1: no message.
 */
export function eventWord(
  kind: number,
  where: number,
  sender: number,
  seq: number,
  timeUs: number,
  aux: number,
): number {
  let w = Math.imul(kind, 0x9e3779b1) ^ Math.imul(where + 1, 0x85ebca77);
  if (sender >= 0) w ^= Math.imul(sender + 1, 0xc2b2ae3d) ^ Math.imul(seq, 0x27d4eb2f);
  const tw =
    timeUs < TWO_POW_32
      ? timeUs >>> 0
      : (timeUs >>> 0) ^ Math.imul(Math.floor(timeUs / TWO_POW_32), 0x165667b1);
  w ^= Math.imul(tw, 0x2c1b3c6d);
  if (aux !== 0) {
    const aw =
      aux >= 0 && aux < TWO_POW_32
        ? aux >>> 0
        : (aux >>> 0) ^ Math.imul(Math.floor(aux / TWO_POW_32), 0xfd7046c5);
    w ^= Math.imul(aw, 0xd3a2646d);
  }
  return w;
}
