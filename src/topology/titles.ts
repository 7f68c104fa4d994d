// Fitting a node's name into the width its card has: whole at 12 px, else at 11 px, else wrapped
// onto two lines at its separators (order-|service), else broken inside a word; only a name
// that fits none of these is cut with an ellipsis, and the caller reports it as clipped.

/** The two fonts of the topology: titles (12 px) and everything else (11 px). */
export type Font = 'title' | 'small';
/** Width of a text in a font, in CSS pixels (a canvas's measureText in the lab). */
export type Measure = (text: string, font: Font) => number;

export interface Title {
  lines: string[];
  font: Font;
  /** A small tag (the channel's kind, the exchange's type), right of the last line or below. */
  tag: string;
  tagOwnLine: boolean;
  /** The name had to be cut: some of it is not on screen. */
  clipped: boolean;
}

const TAG_GAP = 6;

/** Lines a title takes (name lines and the tag's line if it has one). */
export function titleLines(t: Title): number {
  return t.lines.length + (t.tagOwnLine ? 1 : 0);
}

export function fitTitle(name: string, tag: string, room: number, measure: Measure): Title {
  const tagW = tag ? measure(tag, 'small') + TAG_GAP : 0;
  const make = (lines: string[], font: Font, clipped = false): Title => ({
    lines,
    font,
    tag,
    tagOwnLine: tag !== '' && measure(lines[lines.length - 1], font) + tagW > room,
    clipped,
  });
  for (const font of ['title', 'small'] as const)
    if (measure(name, font) + tagW <= room) return make([name], font);
  for (const font of ['title', 'small'] as const)
    if (measure(name, font) <= room) return make([name], font);
  for (const font of ['title', 'small'] as const) {
    const lines = wrap(name, room, font, measure, /[-_.:/ ]/);
    if (lines && lines.length <= 2) return make(lines, font);
  }
  const lines = wrap(name, room, 'small', measure, null)!; // one character always fits
  if (lines.length <= 2) return make(lines, 'small');
  return make([lines[0], ellipsis(lines.slice(1).join(''), room, 'small', measure)], 'small', true);
}

/**
 * Greedy lines of at most `room`, broken after the characters `at` matches (null: anywhere);
 * null when a piece between two breaks is itself too wide.
 */
function wrap(
  text: string,
  room: number,
  font: Font,
  measure: Measure,
  at: RegExp | null,
): string[] | null {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of text) {
    piece += ch;
    if (at === null || at.test(ch)) {
      pieces.push(piece);
      piece = '';
    }
  }
  if (piece) pieces.push(piece);
  const lines: string[] = [];
  let line = '';
  for (const p of pieces) {
    if (line && measure(line + p, font) > room) {
      lines.push(line);
      line = p;
    } else line += p;
    if (measure(line, font) > room && (at !== null || line.length > 1)) return null;
  }
  if (line) lines.push(line);
  return lines;
}

/** The longest prefix of text that fits with an ellipsis. */
export function ellipsis(text: string, room: number, font: Font, measure: Measure): string {
  if (measure(text, font) <= room) return text;
  let t = text;
  while (t.length > 1 && measure(t + '…', font) > room) t = t.slice(0, -1);
  return t + '…';
}

/**
 * A binding's label on at most two lines of `room`: broken after its ", " or " | " (between
 * header matches), else cut with an ellipsis; `clipped` when it was cut.
 */
export function fitEdgeLabel(
  text: string,
  room: number,
  measure: Measure,
): { lines: string[]; clipped: boolean } {
  if (measure(text, 'small') <= room) return { lines: [text], clipped: false };
  const parts = text.split(/(?<=, | \| )/);
  const lines: string[] = [];
  for (const p of parts) {
    const last = lines.length - 1;
    if (last >= 0 && measure(lines[last] + p, 'small') <= room) lines[last] += p;
    else lines.push(p);
  }
  const trimmed = lines.map((l) => l.trimEnd());
  if (trimmed.length <= 2 && trimmed.every((l) => measure(l, 'small') <= room))
    return { lines: trimmed, clipped: false };
  const first = ellipsis(trimmed[0], room, 'small', measure);
  const rest = trimmed.slice(1).join(' ');
  return {
    lines: rest ? [first, ellipsis(rest, room, 'small', measure)] : [first],
    clipped: true,
  };
}
