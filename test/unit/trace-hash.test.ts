import { describe, expect, test } from 'vitest';
import { TraceHash } from '../../sim-core/index';

function hashInts(values: readonly number[]): string {
  const h = new TraceHash();
  for (const v of values) h.mixInt(v);
  return h.hex();
}

/** Number of differing bits between two 16-digit hex strings. */
function bitDistance(x: string, y: string): number {
  let bits = 0;
  for (let i = 0; i < 16; i += 8) {
    let d = (parseInt(x.slice(i, i + 8), 16) ^ parseInt(y.slice(i, i + 8), 16)) >>> 0;
    while (d !== 0) {
      bits += d & 1;
      d >>>= 1;
    }
  }
  return bits;
}

/** A small deterministic generator for test inputs (xorshift32). */
function xorshift(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s | 0;
  };
}

describe('TraceHash', () => {
  test('matches the pinned golden values (changing them changes every golden traceHash)', () => {
    const h = new TraceHash();
    expect(h.hex()).toBe('b1e9c30f1de81fa1');
    h.mixInt(0);
    h.mixInt(1);
    h.mixInt(-1);
    h.mixInt(0x7fffffff);
    h.mixInt(0x80000000);
    h.mixInt(2 ** 40 + 3); // reduced to its low 32 bits
    expect(h.hex()).toBe('fdbb56d69a2eab3f');
    expect(hashInts([1])).toBe('fa9fcb5bca214dfb');
  });

  test('hex is 16 lowercase hex digits and does not disturb the state', () => {
    const h = new TraceHash();
    h.mixInt(7);
    const first = h.hex();
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(h.hex()).toBe(first);
    h.mixInt(8);
    expect(h.hex()).toBe(hashInts([7, 8]));
    h.reset();
    expect(h.hex()).toBe(new TraceHash().hex());
  });

  test('is order-sensitive and length-sensitive', () => {
    expect(hashInts([1, 2])).not.toBe(hashInts([2, 1]));
    expect(hashInts([1, 2, 3])).not.toBe(hashInts([3, 2, 1]));
    const lengths = new Set([hashInts([]), hashInts([0]), hashInts([0, 0]), hashInts([0, 0, 0])]);
    expect(lengths.size).toBe(4);
  });

  test('every single-bit change of an input changes about half of the 64 output bits', () => {
    const next = xorshift(12345);
    let flips = 0;
    let trials = 0;
    for (let sample = 0; sample < 20; sample++) {
      const input = [next(), next(), next(), next()];
      const base = hashInts(input);
      for (let position = 0; position < input.length; position++) {
        for (let bit = 0; bit < 32; bit++) {
          const changed = input.slice();
          changed[position] ^= 1 << bit;
          const distance = bitDistance(base, hashInts(changed));
          expect(distance).toBeGreaterThan(0);
          flips += distance;
          trials++;
        }
      }
    }
    // 2560 trials; a good 64-bit mix flips 32 bits on average (standard error ≈ 0.08)
    expect(flips / trials).toBeGreaterThan(31);
    expect(flips / trials).toBeLessThan(33);
  });

  test('gives 100k distinct short sequences 100k distinct hashes', () => {
    const seen = new Set<string>();
    let sequences = 0;
    for (let a = 0; a < 300; a++) {
      for (let b = 0; b < 300; b++) {
        seen.add(hashInts([a, b]));
        sequences++;
      }
    }
    for (let a = 0; a < 10_000; a++) {
      seen.add(hashInts([a]));
      seen.add(hashInts([a, 0, 0]));
      sequences += 2;
    }
    expect(sequences).toBe(110_000);
    expect(seen.size).toBe(sequences);
  });
});
