// Number formatting for people: three significant digits, thousands separators, units.

/** 3 significant digits, no exponent for ordinary magnitudes: 0.00123, 1.23, 123, 12,300. */
export function sig3(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  const digits = Math.max(0, 2 - Math.floor(Math.log10(abs)));
  return x.toFixed(Math.min(digits, 6));
}

/** An integer count with thousands separators. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function percent(fraction: number): string {
  return `${sig3(fraction * 100)}%`;
}

/** Formats rows as aligned columns: the first column left-aligned, the rest right-aligned. */
export function columns(rows: string[][], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
          .join('  '),
    )
    .join('\n');
}
