// "Did you mean" hints for misspelled field names, kinds and ids: case-insensitive matches first,
// then the closest candidate by optimal-string-alignment (Damerau–Levenshtein) distance.

const MAX_WORD = 64;

/** The largest edit distance still worth suggesting for a word of this length. */
function threshold(length: number): number {
  if (length <= 4) return 1;
  if (length <= 7) return 2;
  return Math.max(2, Math.floor(length / 3));
}

/** Optimal string alignment distance, or limit + 1 as soon as it must exceed limit. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      row.push(d);
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/** The candidate closest to word, or null when none is close enough. Ties go to the first. */
export function suggest(word: string, candidates: Iterable<string>): string | null {
  if (word.length === 0 || word.length > MAX_WORD) return null;
  const lower = word.toLowerCase();
  const limit = threshold(word.length);
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === word || candidate.length > MAX_WORD) continue;
    const other = candidate.toLowerCase();
    if (other === lower) return candidate;
    const d = editDistance(lower, other, Math.min(limit, bestDistance - 1));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)`, or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = suggest(word, candidates);
  return hit === null ? '' : ` (did you mean "${hit}"?)`;
}
