// Numbers as the lab shows them: three significant digits, units always, thousands separators,
// and a dash for a value that does not exist (NaN, ±Infinity, null). Counters are exact integers.

/** Shown in place of a value that does not exist. */
export const MISSING = '—';
/** Typographic minus, the width of a digit in tabular figures. */
const MINUS = '\u2212';

const sigFormats = new Map<number, Intl.NumberFormat>();
const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function sigFormat(digits: number): Intl.NumberFormat {
  let f = sigFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      minimumSignificantDigits: digits,
      maximumSignificantDigits: digits,
    });
    sigFormats.set(digits, f);
  }
  return f;
}

function isValue(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** x rounded to `digits` significant digits (0 stays 0; -0 becomes 0). */
export function roundSig(x: number, digits = 3): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  return Number(x.toPrecision(digits));
}

/** Three significant digits with thousands separators and a typographic minus: 0.0123, 1.20, 1,230. */
export function fmtSig(x: number | null | undefined, digits = 3): string {
  if (!isValue(x)) return MISSING;
  const r = roundSig(x, digits);
  if (r === 0) return '0';
  const s = sigFormat(digits).format(Math.abs(r));
  return r < 0 ? MINUS + s : s;
}

/** A duration in milliseconds: "0.0123 ms", "12.3 ms", "1.23 s" (seconds from 1,000 ms on). */
export function fmtMs(ms: number | null | undefined): string {
  if (!isValue(ms)) return MISSING;
  const r = roundSig(ms);
  if (Math.abs(r) >= 1000) return `${fmtSig(ms / 1000)} s`;
  return `${fmtSig(ms)} ms`;
}

/** A duration in seconds: "1.23 s"; below one second in milliseconds. */
export function fmtSeconds(s: number | null | undefined): string {
  if (!isValue(s)) return MISSING;
  return fmtMs(s * 1000);
}

/** A simulated clock reading in seconds with millisecond resolution: "12.345 s". */
export function fmtClock(s: number | null | undefined): string {
  if (!isValue(s)) return MISSING;
  return `${s.toFixed(3)} s`;
}

/** A value with k/M/G prefixes from 1,000 on: "950", "12.3k", "1.20M". */
export function fmtSi(x: number | null | undefined): string {
  if (!isValue(x)) return MISSING;
  const r = roundSig(x);
  const a = Math.abs(r);
  if (a >= 1e9) return `${fmtSig(x / 1e9)}G`;
  if (a >= 1e6) return `${fmtSig(x / 1e6)}M`;
  if (a >= 1e3) return `${fmtSig(x / 1e3)}k`;
  return fmtSig(x);
}

/** A rate: "950 msg/s", "12.3k msg/s". */
export function fmtRate(perSec: number | null | undefined, unit = 'msg/s'): string {
  if (!isValue(perSec)) return MISSING;
  return `${fmtSi(perSec)} ${unit}`;
}

/** An exact count with thousands separators: 1234567 → "1,234,567". */
export function fmtCount(n: number | null | undefined): string {
  if (!isValue(n)) return MISSING;
  const s = countFormat.format(Math.abs(Math.round(n)));
  return n < 0 && Math.round(n) !== 0 ? MINUS + s : s;
}

/** Bytes in megabytes (10^6): "1.23 MB", "0.00100 MB". */
export function fmtMB(bytes: number | null | undefined): string {
  if (!isValue(bytes)) return MISSING;
  return `${fmtSig(bytes / 1e6)} MB`;
}

/** Bytes with the unit that suits: "512 B", "12.3 kB", "1.23 MB", "4.56 GB" (powers of 10). */
export function fmtBytes(bytes: number | null | undefined): string {
  if (!isValue(bytes)) return MISSING;
  const a = Math.abs(roundSig(bytes));
  if (a >= 1e9) return `${fmtSig(bytes / 1e9)} GB`;
  if (a >= 1e6) return `${fmtSig(bytes / 1e6)} MB`;
  if (a >= 1e3) return `${fmtSig(bytes / 1e3)} kB`;
  return `${fmtSig(bytes)} B`;
}

/** A fraction as a percentage: 0.7341 → "73.4%". */
export function fmtPercent(fraction: number | null | undefined): string {
  if (!isValue(fraction)) return MISSING;
  return `${fmtSig(fraction * 100)}%`;
}

/** A signed fraction as a percentage: 0.0342 → "+3.42%", -0.012 → "−1.20%", 0 → "0%". */
export function fmtSignedPercent(fraction: number | null | undefined): string {
  if (!isValue(fraction)) return MISSING;
  const s = fmtPercent(fraction);
  return roundSig(fraction * 100) > 0 ? `+${s}` : s;
}

/** (measured − theory) / theory, or null when there is nothing to compare with. */
export function relativeDifference(
  measured: number | null | undefined,
  theory: number | null | undefined,
): number | null {
  if (!isValue(measured) || !isValue(theory)) return null;
  if (theory === 0) return measured === 0 ? 0 : null;
  return (measured - theory) / Math.abs(theory);
}

/** The relative difference of a measured value from theory: "+3.42%", or "—". */
export function fmtRelDiff(
  measured: number | null | undefined,
  theory: number | null | undefined,
): string {
  return fmtSignedPercent(relativeDifference(measured, theory));
}

/** A tick label without a unit (the axis title carries it): short, "~" trimmed. */
export function fmtTick(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4) return fmtSi(x).replace(/\.0+(?=[kMG]|$)/, '');
  return fmtSig(x)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/** Percentile label: 0.5 → "p50", 0.999 → "p99.9". */
export function percentileLabel(q: number): string {
  const p = roundSig(q * 100, 6);
  return `p${Number.isInteger(p) ? p : String(p)}`;
}
