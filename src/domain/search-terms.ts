/**
 * The words of a search, as both engines' indexes see words: runs of letters and digits, lower-cased.
 * Everything else (quotes, operators, SQL, markup) is a separator, so no input can be a syntax error.
 */
export function searchTerms(q: string): string[] {
  const words = q.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.map((w) => w.slice(0, 40)))].slice(0, 8);
}

export const SORTS = ['recent', 'popular', 'trending'] as const;
export type SearchSort = (typeof SORTS)[number];
