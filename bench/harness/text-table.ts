// Plain-text tables for the terminal with an alignment per column: numbers right, words left.

export type Align = 'left' | 'right';

export function textTable(
  rows: readonly string[][],
  align: readonly Align[],
  indent = '  ',
): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      (
        indent +
        row
          .map((cell, i) =>
            (align[i] ?? 'right') === 'left' ? cell.padEnd(widths[i]) : cell.padStart(widths[i]),
          )
          .join('  ')
      ).trimEnd(),
    )
    .join('\n');
}
