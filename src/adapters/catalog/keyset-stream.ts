// Streams a table in keyset pages (id > last id, never OFFSET): memory holds at most two pages.
// The next page is fetched while the consumer works on the current one, so a full search sync
// overlaps database reads with index writes instead of waiting on each in turn.

export async function* keysetPages<T extends { id: number }>(
  fetchAfter: (afterId: number, limit: number) => Promise<T[]>,
  batchSize: number,
): AsyncGenerator<T[]> {
  const fetch = (afterId: number) => {
    const p = fetchAfter(afterId, batchSize);
    // A prefetch that fails while the consumer is busy is awaited (and thrown) on the next turn;
    // the no-op handler keeps Node from calling it unhandled in between, or after an early break.
    p.catch(() => {});
    return p;
  };
  let pending: Promise<T[]> | null = fetch(0);
  while (pending) {
    const page: T[] = await pending;
    pending = page.length === batchSize ? fetch(page[page.length - 1].id) : null;
    if (page.length > 0) yield page;
  }
}
