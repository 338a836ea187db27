// Turns what a user typed into an FTS5 MATCH expression that cannot be a syntax error.
// FTS5 gives meaning to quotes, parentheses, AND/OR/NOT/NEAR, `^`, `*`, `:` and `-`; a search box
// sends all of those. We keep only the words (query-words.ts) and quote each one as a string, so
// `name:"x" OR (` is just the words name, x and OR. Words are ANDed (FTS5's implicit operator):
// every word must match somewhere in the document. The last word is a prefix, so search-as-you-
// type works ("wireless mou" finds "Wireless Mouse"), the same rule Elasticsearch's bool_prefix
// applies on the other implementation.
import { queryWords } from "./query-words.ts";

/** The MATCH expression, or null when the text has no word to search for. */
export function toFtsQuery(text: string): string | null {
  const words = queryWords(text);
  if (words.length === 0) return null;
  const last = words.length - 1;
  return words.map((w, i) => `"${w.replaceAll('"', '""')}"${i === last ? "*" : ""}`).join(" ");
}
