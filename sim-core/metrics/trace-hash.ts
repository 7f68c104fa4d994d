// The report's traceHash: every event of the run folded into one 64-bit TraceHash (hash.ts), so
// the same scenario and seed give the same hex on any machine and in any JavaScript engine. The
// engine's event bus folds each event as it announces it, whoever else listens.

/** The trace hash's format version: bumped when the fold changes (see CHANGELOG.md). */
export const TRACE_HASH_VERSION = 2;

const TWO_POW_32 = 4294967296;

/**
 * One event as one 32-bit word: every field enters through a bijection of its own bits
 * (multiplication by an odd constant), so any single differing field changes the word; times
 * and aux above 32 bits fold their high word in first. `sender` −1: no message.
 */
export function eventWord(
  kind: number,
  where: number,
  sender: number,
  seq: number,
  timeUs: number,
  aux: number,
): number {
  let w = Math.imul(kind, 0x9e3779b1) ^ Math.imul(where + 1, 0x85ebca77);
  if (sender >= 0) w ^= Math.imul(sender + 1, 0xc2b2ae3d) ^ Math.imul(seq, 0x27d4eb2f);
  const tw =
    timeUs < TWO_POW_32
      ? timeUs >>> 0
      : (timeUs >>> 0) ^ Math.imul(Math.floor(timeUs / TWO_POW_32), 0x165667b1);
  w ^= Math.imul(tw, 0x2c1b3c6d);
  if (aux !== 0) {
    const aw =
      aux >= 0 && aux < TWO_POW_32
        ? aux >>> 0
        : (aux >>> 0) ^ Math.imul(Math.floor(aux / TWO_POW_32), 0xfd7046c5);
    w ^= Math.imul(aw, 0xd3a2646d);
  }
  return w;
}
