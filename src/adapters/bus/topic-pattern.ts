// Topic-exchange matching with RabbitMQ's rules, so the in-process bus routes exactly like the
// broker does: keys and patterns are words separated by ".", `*` matches exactly one word and `#`
// zero or more words ("inventory.alert.#" matches "inventory.alert" and "inventory.alert.low";
// "#" matches every key, the empty one included).

export type TopicMatcher = (routingKey: string) => boolean;

const MAX_LENGTH = 255; // AMQP's shortstr limit for routing keys and binding keys

export function checkTopicPattern(pattern: string): string {
  if (typeof pattern !== "string") throw new TypeError(`topic pattern must be a string; got ${typeof pattern}`);
  if (new TextEncoder().encode(pattern).length > MAX_LENGTH) {
    throw new RangeError(`topic pattern must be at most ${MAX_LENGTH} bytes; got ${pattern.length} characters`);
  }
  return pattern;
}

/** Compiles a pattern once; the matcher is then a word-by-word walk, no RegExp. */
export function topicMatcher(pattern: string): TopicMatcher {
  const words = split(checkTopicPattern(pattern));
  return (routingKey) => matchWords(words, 0, split(routingKey), 0, new Map());
}

export function matchesTopic(pattern: string, routingKey: string): boolean {
  return topicMatcher(pattern)(routingKey);
}

/** RabbitMQ reads the empty key as zero words ("#" matches it, "*" does not). */
function split(s: string): string[] {
  return s === "" ? [] : s.split(".");
}

// Memoised on (pattern position, key position): patterns like "#.#.#.x" stay linear-ish instead
// of exploring every split of the key.
function matchWords(p: string[], i: number, k: string[], j: number, memo: Map<number, boolean>): boolean {
  const id = i * (k.length + 1) + j;
  const known = memo.get(id);
  if (known !== undefined) return known;
  let result: boolean;
  if (i === p.length) result = j === k.length;
  else if (p[i] === "#") {
    // "#" absorbs zero words (move past it) or one more word (stay on it).
    result = matchWords(p, i + 1, k, j, memo) || (j < k.length && matchWords(p, i, k, j + 1, memo));
  } else if (j === k.length) result = false;
  else if (p[i] === "*" || p[i] === k[j]) result = matchWords(p, i + 1, k, j + 1, memo);
  else result = false;
  memo.set(id, result);
  return result;
}
