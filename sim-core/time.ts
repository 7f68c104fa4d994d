// Simulated time: the engine counts integer microseconds; scenarios and reports speak
// milliseconds. These are the only conversions, used at the edges (compile step, report).

export const US_PER_MS = 1000;
export const US_PER_SEC = 1_000_000;

/** ms (a float) → the nearest integer µs. */
export function msToUs(ms: number): number {
  return Math.round(ms * US_PER_MS);
}

/** µs → ms, for reports and messages. */
export function usToMs(us: number): number {
  return us / US_PER_MS;
}
