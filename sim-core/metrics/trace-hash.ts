// Stable, order-sensitive, non-cryptographic 64-bit hash of a stream of numbers and strings.
// Invariants: integer-only 32-bit arithmetic (Math.imul, shifts), so every engine gives the same
// hex; no allocation per mix. Changing any constant here changes every golden traceHash.

const SEED_A = 0x9e3779b9;
const SEED_B = 0x7f4a7c15;
// Lane A: MurmurHash3 x86_32 block constants. Lane B: xxHash32/Murmur fmix primes, other rotations.
const A1 = 0xcc9e2d51;
const A2 = 0x1b873593;
const B1 = 0x85ebca77;
const B2 = 0xc2b2ae3d;
const TWO_POW_32 = 4294967296;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** MurmurHash3's 32-bit finalizer: full avalanche of a 32-bit state. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hex8(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

/**
 * An incremental 64-bit hash: two 32-bit Murmur3-style lanes with different constants, each fed
 * every 32-bit word, with a cross-lane finalizer. Sensitive to order and to every input bit.
 */
export class TraceHash {
  private a = SEED_A;
  private b = SEED_B;
  /** Words mixed so far (mod 2^32), folded in by the finalizer like Murmur3's length. */
  private words = 0;

  /** Mixes one 32-bit integer (any number is reduced to its low 32 bits, two's complement). */
  mixInt(x: number): void {
    const ka = Math.imul(rotl(Math.imul(x | 0, A1), 15), A2);
    const ra = rotl(this.a ^ ka, 13);
    this.a = (Math.imul(ra, 5) + 0xe6546b64) | 0;
    const kb = Math.imul(rotl(Math.imul(x | 0, B1), 17), B2);
    // Lane B also takes lane A's mixed word, so no one input difference cancels in both lanes alike.
    this.b = (Math.imul(rotl(this.b ^ kb ^ ra, 19), 9) + 0x52dce729) | 0;
    this.words = (this.words + 1) | 0;
  }

  /**
   * Mixes a safe integer (|x| ≤ 2^53) as its two 32-bit words of 64-bit two's complement: exactly
   * mixInt(low word) then mixInt(high word). Fractions are truncated towards −∞.
   */
  mixNumber(x: number): void {
    this.mixInt(x >>> 0);
    this.mixInt(Math.floor(x / TWO_POW_32));
  }

  /** Mixes a string: its length, then its UTF-16 code units packed two to a word. */
  mixString(s: string): void {
    const n = s.length;
    this.mixInt(n);
    let i = 0;
    for (; i + 1 < n; i += 2) this.mixInt(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < n) this.mixInt(s.charCodeAt(i));
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
