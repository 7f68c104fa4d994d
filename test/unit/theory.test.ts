import { describe, expect, test } from 'vitest';
import { erlangC, mg1, mmc, mmcSojournSurvival } from '../../sim-core/index';

/** Erlang C straight from the textbook formula with factorials (independent of the recursion). */
function erlangCDirect(c: number, a: number): number {
  let term = 1; // a^k / k!
  let below = 0;
  for (let k = 0; k < c; k++) {
    below += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * c) / (c - a); // a^c / c! · c / (c − a)
  return top / (below + top);
}

/** P(T > t) for the M/M/c sojourn by Simpson integration of the wait density (independent). */
function sojournSurvivalNumeric(t: number, mu: number, theta: number, probWait: number): number {
  const steps = 2000;
  const h = t / steps;
  const f = (x: number) => theta * Math.exp(-theta * x) * Math.exp(-mu * (t - x));
  let integral = f(0) + f(t);
  for (let i = 1; i < steps; i++) integral += (i % 2 === 1 ? 4 : 2) * f(i * h);
  integral *= h / 3;
  const waitedSurvival = Math.exp(-theta * t) + integral; // P(X + S > t)
  return (1 - probWait) * Math.exp(-mu * t) + probWait * waitedSurvival;
}

function relativeError(x: number, exact: number): number {
  return Math.abs(x - exact) / Math.abs(exact);
}

describe('erlangC', () => {
  test('is 1/3 for two servers at one Erlang', () => {
    expect(relativeError(erlangC(2, 1), 1 / 3)).toBeLessThan(1e-15);
  });

  test('equals the factorial formula, e.g. c = 4 at a = 3.6 (ρ = 0.9)', () => {
    expect(relativeError(erlangC(4, 3.6), erlangCDirect(4, 3.6))).toBeLessThan(1e-13);
    expect(erlangC(4, 3.6)).toBeCloseTo(0.7877532642953624, 13);
    for (const c of [1, 2, 3, 5, 8, 13, 20, 50]) {
      for (const rho of [0.01, 0.3, 0.5, 0.8, 0.95, 0.999]) {
        expect(relativeError(erlangC(c, rho * c), erlangCDirect(c, rho * c))).toBeLessThan(1e-11);
      }
    }
  });

  test('is ρ for one server, 0 with no load and 1 at or beyond saturation', () => {
    for (const a of [0.1, 0.5, 0.9]) expect(erlangC(1, a)).toBeCloseTo(a, 15);
    expect(erlangC(3, 0)).toBe(0);
    expect(erlangC(3, 3)).toBe(1);
    expect(erlangC(3, 7)).toBe(1);
  });

  test('stays finite for many servers where factorials overflow', () => {
    const c = erlangC(500, 490);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
  });

  test('rises with load and falls with servers', () => {
    for (const c of [1, 2, 4, 16]) {
      let previous = 0;
      for (let rho = 0.05; rho < 1; rho += 0.05) {
        const value = erlangC(c, rho * c);
        expect(value).toBeGreaterThan(previous);
        previous = value;
      }
    }
    for (let c = 2; c < 20; c++) expect(erlangC(c, 1.5)).toBeLessThan(erlangC(c - 1, 1.5));
  });

  test('rejects non-integer servers and negative load', () => {
    expect(() => erlangC(1.5, 1)).toThrow(RangeError);
    expect(() => erlangC(0, 0)).toThrow(RangeError);
    expect(() => erlangC(2, -1)).toThrow(RangeError);
    expect(() => erlangC(2, NaN)).toThrow(RangeError);
  });
});

describe('mmc', () => {
  test('M/M/1 at λ = 0.8/ms, E[S] = 1 ms: Wq = 4 ms, W = 5 ms, sojourn p99 = ln(100)/0.2', () => {
    const r = mmc({ lambdaPerMs: 0.8, serviceMeanMs: 1, servers: 1 })!;
    expect(r.model).toBe('M/M/c');
    expect(r.utilization).toBeCloseTo(0.8, 15);
    expect(r.probWait).toBeCloseTo(0.8, 15);
    expect(r.queueWaitMeanMs).toBeCloseTo(4.0, 12);
    expect(r.sojournMeanMs).toBeCloseTo(5.0, 12);
    expect(r.queueLengthMean).toBeCloseTo(3.2, 12);
    expect(r.sojournP99Ms).toBeCloseTo(23.025850929940457, 9); // sojourn ~ Exp(μ − λ)
    expect(r.queueWaitP99Ms).toBeCloseTo(21.910133173369406, 9); // ln(0.8 / 0.01) / 0.2
  });

  test('M/M/c sojourn p99 matches numerical integration of the wait density', () => {
    for (const [lambdaPerMs, serviceMeanMs, servers] of [
      [0.8, 1, 1],
      [3.6, 1, 4], // θ = 0.4 < μ
      [1, 1, 2], // θ = μ exactly
      [2.5, 0.5, 8], // θ = 11 > μ = 2
      [0.5, 2, 2],
    ]) {
      const r = mmc({ lambdaPerMs, serviceMeanMs, servers })!;
      const mu = 1 / serviceMeanMs;
      const theta = servers * mu - lambdaPerMs;
      const t = r.sojournP99Ms!;
      expect(mmcSojournSurvival(t, mu, theta, r.probWait)).toBeCloseTo(0.01, 12);
      expect(sojournSurvivalNumeric(t, mu, theta, r.probWait)).toBeCloseTo(0.01, 9);
      for (const s of [0.1, 1, 5, 20]) {
        const closed = mmcSojournSurvival(s, mu, theta, r.probWait);
        expect(
          relativeError(closed, sojournSurvivalNumeric(s, mu, theta, r.probWait)),
        ).toBeLessThan(1e-9);
      }
    }
  });

  test('the sojourn tail is continuous across cμ − λ = μ', () => {
    const at = (lambdaPerMs: number) =>
      mmc({ lambdaPerMs, serviceMeanMs: 1, servers: 2 })!.sojournP99Ms!;
    const exact = at(1); // θ = μ = 1: P(T > t) = e^−t (1 + C·t)
    const c = erlangC(2, 1);
    expect(Math.exp(-exact) * (1 + c * exact)).toBeCloseTo(0.01, 12);
    expect(relativeError(at(1 - 1e-9), exact)).toBeLessThan(1e-8);
    expect(relativeError(at(1 + 1e-9), exact)).toBeLessThan(1e-8);
  });

  test('queue-wait p99 is 0 when at most 1% of arrivals wait', () => {
    const r = mmc({ lambdaPerMs: 0.1, serviceMeanMs: 1, servers: 4 })!;
    expect(r.probWait).toBeLessThan(0.01);
    expect(r.queueWaitP99Ms).toBe(0);
    expect(r.sojournP99Ms).toBeCloseTo(Math.log(100), 3); // nearly pure service time
  });

  test('is null when unstable (ρ ≥ 1)', () => {
    expect(mmc({ lambdaPerMs: 1, serviceMeanMs: 1, servers: 1 })).toBeNull();
    expect(mmc({ lambdaPerMs: 5, serviceMeanMs: 1, servers: 4 })).toBeNull();
    expect(mmc({ lambdaPerMs: 0, serviceMeanMs: Infinity, servers: 4 })).toBeNull();
  });

  test('every prediction rises with load', () => {
    for (const servers of [1, 3, 10]) {
      let previous = mmc({ lambdaPerMs: 0, serviceMeanMs: 2, servers })!;
      for (let rho = 0.05; rho < 0.99; rho += 0.05) {
        const r = mmc({ lambdaPerMs: (rho * servers) / 2, serviceMeanMs: 2, servers })!;
        expect(r.utilization).toBeGreaterThan(previous.utilization);
        expect(r.queueWaitMeanMs).toBeGreaterThan(previous.queueWaitMeanMs);
        expect(r.queueLengthMean).toBeGreaterThan(previous.queueLengthMean);
        expect(r.sojournP99Ms!).toBeGreaterThan(previous.sojournP99Ms!);
        expect(r.queueWaitP99Ms!).toBeGreaterThanOrEqual(previous.queueWaitP99Ms!);
        previous = r;
      }
    }
  });

  test('rejects invalid input', () => {
    expect(() => mmc({ lambdaPerMs: -1, serviceMeanMs: 1, servers: 1 })).toThrow(RangeError);
    expect(() => mmc({ lambdaPerMs: 0.5, serviceMeanMs: 0, servers: 1 })).toThrow(RangeError);
    expect(() => mmc({ lambdaPerMs: 0.5, serviceMeanMs: 1, servers: 0 })).toThrow(RangeError);
  });
});

describe('mg1', () => {
  test('M/D/1 at ρ = 0.8 with S = 1 ms: Wq = 2 ms', () => {
    const r = mg1({ lambdaPerMs: 0.8, serviceMeanMs: 1, serviceSecondMomentMs2: 1 })!;
    expect(r.model).toBe('M/G/1');
    expect(r.utilization).toBeCloseTo(0.8, 15);
    expect(r.probWait).toBeCloseTo(0.8, 15);
    expect(r.queueWaitMeanMs).toBeCloseTo(2.0, 12);
    expect(r.sojournMeanMs).toBeCloseTo(3.0, 12);
    expect(r.queueLengthMean).toBeCloseTo(1.6, 12);
    expect(r.sojournP99Ms).toBeNull();
    expect(r.queueWaitP99Ms).toBeNull();
  });

  test('with exponential service (E[S²] = 2E[S]²) agrees with M/M/1', () => {
    for (const rho of [0.1, 0.5, 0.8, 0.95]) {
      const g = mg1({ lambdaPerMs: rho / 3, serviceMeanMs: 3, serviceSecondMomentMs2: 18 })!;
      const m = mmc({ lambdaPerMs: rho / 3, serviceMeanMs: 3, servers: 1 })!;
      expect(relativeError(g.queueWaitMeanMs, m.queueWaitMeanMs)).toBeLessThan(1e-12);
      expect(relativeError(g.sojournMeanMs, m.sojournMeanMs)).toBeLessThan(1e-12);
    }
  });

  test('waiting rises with load and with service variability', () => {
    let previous = 0;
    for (let rho = 0.05; rho < 0.99; rho += 0.05) {
      const wq = mg1({
        lambdaPerMs: rho,
        serviceMeanMs: 1,
        serviceSecondMomentMs2: 1,
      })!.queueWaitMeanMs;
      expect(wq).toBeGreaterThan(previous);
      previous = wq;
    }
    const d = mg1({ lambdaPerMs: 0.5, serviceMeanMs: 1, serviceSecondMomentMs2: 1 })!;
    const h = mg1({ lambdaPerMs: 0.5, serviceMeanMs: 1, serviceSecondMomentMs2: 10 })!;
    expect(h.queueWaitMeanMs).toBe(10 * d.queueWaitMeanMs);
  });

  test('is null when unstable or when E[S²] is infinite', () => {
    expect(mg1({ lambdaPerMs: 1, serviceMeanMs: 1, serviceSecondMomentMs2: 1 })).toBeNull();
    expect(
      mg1({ lambdaPerMs: 0.5, serviceMeanMs: 1, serviceSecondMomentMs2: Infinity }),
    ).toBeNull();
    // Pareto with α ≤ 1: an infinite mean service time, so an unbounded queue
    for (const lambdaPerMs of [0, 0.5]) {
      const r = mg1({ lambdaPerMs, serviceMeanMs: Infinity, serviceSecondMomentMs2: Infinity });
      expect(r).toBeNull();
    }
  });

  test('rejects a second moment below the squared mean', () => {
    expect(() => mg1({ lambdaPerMs: 0.5, serviceMeanMs: 2, serviceSecondMomentMs2: 3 })).toThrow(
      RangeError,
    );
    expect(() => mg1({ lambdaPerMs: 0.5, serviceMeanMs: 2, serviceSecondMomentMs2: NaN })).toThrow(
      RangeError,
    );
  });
});
