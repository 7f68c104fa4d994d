// Duration parsing for scenario files and the CLI: a number is milliseconds; a string carries
// units ("250ms", "1.5s", "5m", "1h30m", "500us"), and a bare numeric string is milliseconds.

/** A duration string with units, as a JSON Schema / ECMAScript pattern (non-negative only). */
export const DURATION_PATTERN =
  '^(?:[0-9]+(?:\\.[0-9]+)?|(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:us|µs|μs|ms|s|m|h|d))+)$';

/** What to tell a user whose duration could not be read. */
export const DURATION_HINT = 'use a number of ms or a string like "250ms", "30s", "5m", "1h"';

const WHOLE = new RegExp(DURATION_PATTERN);
const PART = /([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(us|µs|μs|ms|s|m|h|d)/g;

// Each unit as (decimal exponent, integer factor): "1.1s" is exactly 1100, not 1100.0000000002.
const UNITS: Record<string, [number, number]> = {
  us: [-3, 1],
  µs: [-3, 1],
  μs: [-3, 1],
  ms: [0, 1],
  s: [3, 1],
  m: [3, 60],
  h: [3, 3600],
  d: [3, 86_400],
};

/**
 * Parses a duration into milliseconds: a finite number is returned as is; a string may carry
 * units (`us`/`µs`, `ms`, `s`, `m`, `h`, `d`, combinable as in "1m30s") and a leading minus
 * sign. Returns null when the value is not a duration or is not finite.
 */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.length > 200) return null;
  const text = value.trim();
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  if (!WHOLE.test(body)) return null;
  let ms = 0;
  if (/^[0-9.]+$/.test(body)) {
    ms = Number(body);
  } else {
    for (const match of body.matchAll(PART)) {
      const [exponent, factor] = UNITS[match[2]];
      ms += Number(`${match[1]}e${exponent}`) * factor;
    }
  }
  if (!Number.isFinite(ms)) return null;
  return negative && ms !== 0 ? -ms : ms;
}
