// Closed-form queueing results (Erlang C / M/M/c, Pollaczek–Khinchine / M/G/1) for the report's
// `theory` block. Pure and engine-independent: only + − × ÷ and the ln/exp of ../random/math.
import { exp, ln } from '../random/math';

/** Steady-state predictions for a single queue, in the report's units (ms, counts). */
export interface QueueTheory {
  model: 'M/M/c' | 'M/G/1';
  /** ρ = λ·E[S] / c: the fraction of time a server is busy. */
  utilization: number;
  /** Probability an arrival has to wait (Erlang C; ρ for M/G/1). */
  probWait: number;
  /** Wq: mean time waiting before service. */
  queueWaitMeanMs: number;
  /** W = Wq + E[S]: mean time in the system. */
  sojournMeanMs: number;
  /** Lq = λ·Wq: mean number waiting (Little's law). */
  queueLengthMean: number;
  /** 99th percentile of the sojourn time; null where no closed form exists (M/G/1). */
  sojournP99Ms: number | null;
  /** 99th percentile of the queue wait; null where no closed form exists (M/G/1). */
  queueWaitP99Ms: number | null;
}

function requireNonNegative(name: string, x: number): void {
  if (!(x >= 0 && x < Infinity)) {
    throw new RangeError(`${name} must be a finite non-negative number, got ${x}`);
  }
}

function requireServers(where: string, c: number): void {
  if (!(Number.isInteger(c) && c >= 1)) {
    throw new RangeError(`${where}: servers must be a positive integer, got ${c}`);
  }
}

/** A positive number; Infinity is allowed (an infinite mean service time is simply unstable). */
function requirePositive(name: string, x: number): void {
  if (!(x > 0)) throw new RangeError(`${name} must be a positive number, got ${x}`);
}

/**
 * Erlang C: the probability that an arrival waits in an M/M/c queue with c servers and offered
 * load a = λ/μ Erlangs. Uses the stable Erlang B recursion B(k) = a·B(k−1) / (k + a·B(k−1)),
 * then C = c·B / (c − a·(1 − B)). Returns 1 when a ≥ c (the queue grows without bound).
 */
export function erlangC(c: number, a: number): number {
  requireServers('erlangC', c);
  requireNonNegative('erlangC: offered load', a);
  if (a >= c) return 1;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return (c * b) / (c - a * (1 - b));
}

/** (1 − e^−x) / x, accurate near 0 (a series there; the plain form loses digits). */
function oneMinusExpOver(x: number): number {
  if (Math.abs(x) < 1e-3) return 1 - (x / 2) * (1 - (x / 3) * (1 - (x / 4) * (1 - x / 5)));
  return (1 - exp(-x)) / x;
}

/**
 * P(T > t) for the M/M/c sojourn T = Wq + S, with S ~ Exp(μ), Wq = 0 with probability 1 − C and
 * Exp(θ), θ = cμ − λ, otherwise. Conditioning on waiting, X + S is hypoexponential:
 *   P(T > t) = e^−μt · [1 + Cμ/(θ−μ)] − Cμ/(θ−μ) · e^−θt            (θ ≠ μ)
 *            = e^−μt · (1 + Cμt)                                     (θ = μ).
 * Both are written as sums of non-negative terms with φ(x) = (1 − e^−x)/x, which is exact at
 * θ = μ, free of cancellation near it, and never overflows:
 *   θ ≥ μ:  e^−μt · (1 + Cμt·φ((θ−μ)t))
 *   θ < μ:  e^−θt · (e^−(μ−θ)t + Cμt·φ((μ−θ)t)).
 */
export function mmcSojournSurvival(t: number, mu: number, theta: number, probWait: number): number {
  const cmt = probWait * mu * t;
  if (theta >= mu) return exp(-mu * t) * (1 + cmt * oneMinusExpOver((theta - mu) * t));
  const d = (mu - theta) * t;
  return exp(-theta * t) * (exp(-d) + cmt * oneMinusExpOver(d));
}

/** The t with survival(t) = p for a decreasing survival with survival(0) > p, by 60 bisections. */
function solveSurvival(survival: (t: number) => number, p: number, upper: number): number {
  let lo = 0;
  let hi = upper;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (survival(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Inputs of {@link mmc}: Poisson arrivals, exponential service, c identical FIFO servers. */
export interface MmcInput {
  lambdaPerMs: number;
  serviceMeanMs: number;
  servers: number;
}

/**
 * Steady state of an M/M/c queue (FIFO, unlimited buffer), or null if unstable (ρ ≥ 1).
 * Wq = C/(cμ − λ), W = Wq + 1/μ, Lq = λ·Wq; the queue-wait p99 solves C·e^−(cμ−λ)t = 0.01
 * (0 when C ≤ 0.01) and the sojourn p99 solves {@link mmcSojournSurvival} = 0.01 by bisection.
 */
export function mmc({ lambdaPerMs, serviceMeanMs, servers }: MmcInput): QueueTheory | null {
  requireNonNegative('mmc: lambdaPerMs', lambdaPerMs);
  requirePositive('mmc: serviceMeanMs', serviceMeanMs);
  requireServers('mmc', servers);
  const a = lambdaPerMs * serviceMeanMs;
  if (a >= servers || serviceMeanMs === Infinity) return null;
  const probWait = erlangC(servers, a);
  const mu = 1 / serviceMeanMs;
  const theta = servers * mu - lambdaPerMs;
  const queueWaitMeanMs = probWait / theta;
  // P(T > t) ≤ P(Wq > t/2) + P(S > t/2) ≤ e^−θt/2 + e^−μt/2, which is ≤ 0.01 at this bound.
  const upper = (2 * ln(200)) / Math.min(theta, mu);
  return {
    model: 'M/M/c',
    utilization: a / servers,
    probWait,
    queueWaitMeanMs,
    sojournMeanMs: queueWaitMeanMs + serviceMeanMs,
    queueLengthMean: lambdaPerMs * queueWaitMeanMs,
    sojournP99Ms: solveSurvival((t) => mmcSojournSurvival(t, mu, theta, probWait), 0.01, upper),
    queueWaitP99Ms: probWait > 0.01 ? ln(probWait / 0.01) / theta : 0,
  };
}

/**
 * The M/M/c CDF of the queue wait (P(Wq ≤ t) = 1 − C·e^−θt) or of the sojourn, end to end
 * (1 − {@link mmcSojournSurvival}), with t in ms; null if the queue is unstable.
 */
export function mmcCdf(
  { lambdaPerMs, serviceMeanMs, servers }: MmcInput,
  which: 'wait' | 'e2e',
): ((tMs: number) => number) | null {
  const a = lambdaPerMs * serviceMeanMs;
  if (!(serviceMeanMs > 0) || a >= servers || serviceMeanMs === Infinity) return null;
  const probWait = erlangC(servers, a);
  const mu = 1 / serviceMeanMs;
  const theta = servers * mu - lambdaPerMs;
  if (which === 'wait') return (t) => (t < 0 ? 0 : 1 - probWait * exp(-theta * t));
  return (t) => (t <= 0 ? 0 : 1 - mmcSojournSurvival(t, mu, theta, probWait));
}

/** Inputs of {@link mg1}: Poisson arrivals, one FIFO server, service with the given moments. */
export interface Mg1Input {
  lambdaPerMs: number;
  serviceMeanMs: number;
  /** E[S²] in ms²; Infinity (e.g. Pareto with α ≤ 2) gives null. */
  serviceSecondMomentMs2: number;
}

/**
 * Steady state of an M/G/1 queue by Pollaczek–Khinchine: Wq = λ·E[S²] / (2(1 − ρ)), ρ = λ·E[S],
 * W = Wq + E[S], Lq = λ·Wq, P(wait) = ρ. Null if ρ ≥ 1 or E[S²] is infinite. Percentiles have no
 * closed form for a general service law and are null.
 */
export function mg1({
  lambdaPerMs,
  serviceMeanMs,
  serviceSecondMomentMs2: m2,
}: Mg1Input): QueueTheory | null {
  requireNonNegative('mg1: lambdaPerMs', lambdaPerMs);
  requirePositive('mg1: serviceMeanMs', serviceMeanMs);
  // E[S²] ≥ E[S]² (the variance is non-negative); a small tolerance absorbs rounding.
  if (!(m2 >= serviceMeanMs * serviceMeanMs * (1 - 1e-12))) {
    throw new RangeError(`mg1: serviceSecondMomentMs2 must be at least serviceMeanMs², got ${m2}`);
  }
  const rho = lambdaPerMs * serviceMeanMs;
  if (rho >= 1 || serviceMeanMs === Infinity || m2 === Infinity) return null;
  const queueWaitMeanMs = (lambdaPerMs * m2) / (2 * (1 - rho));
  return {
    model: 'M/G/1',
    utilization: rho,
    probWait: rho,
    queueWaitMeanMs,
    sojournMeanMs: queueWaitMeanMs + serviceMeanMs,
    queueLengthMean: lambdaPerMs * queueWaitMeanMs,
    sojournP99Ms: null,
    queueWaitP99Ms: null,
  };
}
