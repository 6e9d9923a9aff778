/** Keycloak's list endpoints page by `first`/`max`; a page shorter than `max` is the last. */

export const PAGE_SIZE = 200;

/**
 * Pages through a list endpoint until a short page. An aborted `signal` stops the walk between pages (a
 * shutting-down sidecar leaves long passes at a page boundary, where they resume or start over safely).
 */
export async function* pages<T>(
  fetchPage: (first: number, max: number) => Promise<T[]>,
  size = PAGE_SIZE,
  signal?: AbortSignal,
): AsyncGenerator<T[]> {
  for (let first = 0; ; first += size) {
    signal?.throwIfAborted();
    const page = await fetchPage(first, size);
    yield page;
    if (page.length < size) return;
  }
}

/** Every item of a paged list, read page by page. */
export const allPages = async <T>(fetchPage: (first: number, max: number) => Promise<T[]>, size = PAGE_SIZE) => {
  const out: T[] = [];
  for await (const page of pages(fetchPage, size)) out.push(...page);
  return out;
};

/** The ids of every item of a paged list. */
export const idsOf = async (list: AsyncIterable<{ id?: string }[]>, into = new Set<string>()) => {
  for await (const page of list) for (const item of page) if (item.id) into.add(item.id);
  return into;
};
