// The words of a search query, as both indexes see them: runs of the characters the FTS5
// unicode61 tokenizer indexes (letters, numbers, marks, private-use), everything else a separator.
// A query with no word finds nothing in either implementation.

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const BASE = /[\p{L}\p{N}\p{Co}]/u; // a run of combining marks alone indexes as nothing

/** More words than this only slow a query down; the rest are dropped. */
export const MAX_QUERY_WORDS = 16;

export function queryWords(text: string): string[] {
  return (String(text ?? "").match(WORD) ?? []).filter((w) => BASE.test(w)).slice(0, MAX_QUERY_WORDS);
}

/** The query text up to the end of its MAX_QUERY_WORDS-th word, trimmed (what Elasticsearch gets). */
export function queryText(text: string): string {
  const s = String(text ?? "");
  let n = 0;
  for (const m of s.matchAll(WORD)) {
    if (BASE.test(m[0]) && ++n === MAX_QUERY_WORDS) return s.slice(0, m.index! + m[0].length).trim();
  }
  return s.trim();
}
