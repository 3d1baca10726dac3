/**
 * Once people have signed, a petition's words may only change by typo-level fixes: signers must
 * keep what they signed. A fix is small when its edit distance is at most 3 characters, or 2 % of
 * the text, whichever is larger, and never more than 20.
 */
export const allowedTypoDistance = (text: string): number => Math.min(20, Math.max(3, Math.floor(text.length / 50)));

/** Levenshtein distance, computed only within `limit` (a diagonal band); returns limit + 1 past it. */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const big = limit + 1;
  let previous = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j <= limit ? j : big;
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(big);
    current[0] = i <= limit ? i : big;
    let rowMin = current[0];
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (current[j]! < rowMin) rowMin = current[j]!;
    }
    if (rowMin > limit) return big;
    previous = current;
  }
  return Math.min(previous[b.length]!, big);
}

/** What the edit log says of one change to a petition's words. */
export interface WordsEdit {
  field: string;
  before: string;
  /** Made while people had signed, so held to the typo rule. */
  underTypoRule: boolean;
}

/**
 * The words people signed: a field as it stood when the typo rule began to hold, the last time it
 * began. Each fix is measured against this, not against the previous fix, so that small fixes
 * cannot add up to new words ("Update url test" walked to "Pave over the park" in six 3-character
 * steps). An edit made with no signature counted (before the first, or after every signature was
 * invalidated) starts again from what it left. With no held edit yet, the words are as they are now.
 */
export function wordsAsSigned(history: readonly WordsEdit[], field: string, current: string): string {
  let signed: string | null = null;
  for (const edit of history) {
    if (edit.field !== field) continue;
    if (!edit.underTypoRule) signed = null;
    else signed ??= edit.before;
  }
  return signed ?? current;
}

export const isTypoFix = (before: string, after: string): boolean =>
  boundedEditDistance(before, after, allowedTypoDistance(before)) <= allowedTypoDistance(before);
