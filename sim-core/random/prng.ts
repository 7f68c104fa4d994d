// The project's own PRNG: xoshiro128** over four int32 fields, and named streams derived from
// (seed, entity, purpose). Same triple → same stream in every engine; no allocation per draw.

import { fmix32, murmurStep, murmurString } from '../hash';
import { ln } from './math';

const TWO_POW_MINUS_32 = 1 / 4294967296;
/** Outputs generated per refill. */
const BLOCK = 64;

/**
 * A xoshiro128** generator (Blackman & Vigna): 128-bit state, period 2^128 − 1, 32-bit outputs.
 * Create one per (entity, purpose) with {@link streamFor}; never share one between entities.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Outputs generated ahead (see refill) and how many of them were handed out. */
  private block: Int32Array | null = null;
  private used = BLOCK;
  /** The second value of the last polar-method pair, owned by this stream (see nextNormal). */
  private normalSpare = 0;
  private hasNormalSpare = false;

  /** Raw state words (taken mod 2^32). They must not all be zero; use streamFor in the engine. */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) {
      throw new RangeError('Rng: the all-zero state is a fixed point of xoshiro128**');
    }
  }

  /** The next 32-bit output as an unsigned integer in 0..2^32−1. */
  nextU32(): number {
    return this.nextI32() >>> 0;
  }

  /** The next 32-bit output as a signed int32 (the same bits as nextU32: cheaper to use as bits). */
  nextI32(): number {
    if (this.used === BLOCK) this.refill();
    return this.block![this.used++];
  }

  /**
   * The next BLOCK outputs at once, in order, with the state in locals: the same sequence as
   * one at a time, for a fraction of the loads and stores. Made on first use: most streams of
   * a run (crashes, ack loss...) draw rarely or never.
   */
  private refill(): void {
    const out = (this.block ??= new Int32Array(BLOCK));
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = 0; i < BLOCK; i++) {
      const x = Math.imul(s1, 5);
      out[i] = Math.imul((x << 7) | (x >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    this.used = 0;
  }

  /** Uniform in the open interval (0, 1): (u32 + 0.5)·2^-32, so never 0 or 1 (ln is finite). */
  nextFloat(): number {
    return (this.nextU32() + 0.5) * TWO_POW_MINUS_32;
  }

  /**
   * Uniform integer in 0..n−1, for an integer 1 ≤ n ≤ 2^32 (not checked: hot path).
   * floor(u·n); the bias is below n/2^32 per value.
   */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /**
   * A standard normal N(0, 1) by Marsaglia's polar method. Values come in pairs; the second is
   * kept on this stream (not in a sampler), so a stream's draws never depend on other streams.
   */
  nextNormal(): number {
    if (this.hasNormalSpare) {
      this.hasNormalSpare = false;
      return this.normalSpare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextFloat() - 1;
      v = 2 * this.nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * ln(s)) / s);
    this.normalSpare = v * m;
    this.hasNormalSpare = true;
    return u * m;
  }
}

/** One 32-bit lane of the stream key: murmur3 over (seed, entity, purpose) with its own seed. */
function hashLane(
  lane: number,
  seedLo: number,
  seedHi: number,
  entity: string,
  purpose: string,
): number {
  let h = Math.imul(lane + 1, 0x9e3779b9);
  h = murmurStep(h, seedLo);
  h = murmurStep(h, seedHi);
  h = murmurString(h, entity);
  h = murmurString(h, purpose);
  return fmix32(h ^ (entity.length + purpose.length + 4));
}

/**
 * The random stream of one entity for one purpose, e.g. `streamFor(42, 'web', 'arrivals')`.
 * The 128-bit state is four independently seeded murmur3 hashes of (seed's low and high 32 bits,
 * entity, purpose), with length prefixes so different pairs never collide by concatenation.
 * The same triple always gives the same stream; adding an entity changes no other stream.
 * @param seed a non-negative safe integer (all 53 bits count)
 */
export function streamFor(seed: number, entity: string, purpose: string): Rng {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`streamFor: seed must be a non-negative safe integer, got ${seed}`);
  }
  const seedLo = seed >>> 0;
  const seedHi = Math.floor(seed / 4294967296);
  const s0 = hashLane(0, seedLo, seedHi, entity, purpose);
  const s1 = hashLane(1, seedLo, seedHi, entity, purpose);
  const s2 = hashLane(2, seedLo, seedHi, entity, purpose);
  const s3 = hashLane(3, seedLo, seedHi, entity, purpose);
  // An all-zero hash is astronomically unlikely, but it would make a stuck generator.
  return (s0 | s1 | s2 | s3) === 0 ? new Rng(0x9e3779b9, 1, 2, 3) : new Rng(s0, s1, s2, s3);
}
