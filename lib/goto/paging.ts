/**
 * Following GoTo's paged lists to the end, up to a cap. The HAL lists (webinars, sessions,
 * attendees) say `page.number` (0-based) and `page.totalPages`; the paged registrant list
 * says `page`, `limit` and `total` (docs/goto-facts.md §5b). Public clients stop at
 * `totalPages` (slakbal `WebinarPaginator.php`); so does this, or at `maxPages`, whichever
 * comes first, and says which.
 */

/** One page as the caller read it: its items and how many pages there are in all. */
export type Page<T> = { items: readonly T[]; totalPages: number };

export type Pages<T> = {
  items: T[];
  /** How many pages were fetched. */
  fetched: number;
  /** How many pages the list has, as its last page fetched said. */
  totalPages: number;
  /** False when `maxPages` stopped it before the last page. */
  complete: boolean;
};

/** The default cap: 50 pages of 200 are ten thousand items, more than a check should read. */
export const defaultMaxPages = 50;

/**
 * Fetches page 0, then each next page while there is one, at most `maxPages` of them, one
 * at a time (each is a request against GoTo's rate limit). An empty page ends the list
 * whatever `totalPages` said.
 */
export async function followPages<T>(
  fetchPage: (page: number) => Promise<Page<T>>,
  options: { maxPages?: number } = {},
): Promise<Pages<T>> {
  const maxPages = Math.max(1, Math.floor(options.maxPages ?? defaultMaxPages));
  const items: T[] = [];
  let totalPages = 1;
  let fetched = 0;
  while (fetched < totalPages) {
    if (fetched >= maxPages) return { items, fetched, totalPages, complete: false };
    const page = await fetchPage(fetched);
    fetched += 1;
    totalPages = page.totalPages;
    items.push(...page.items);
    if (page.items.length === 0) break;
  }
  return { items, fetched, totalPages, complete: true };
}

type Embedded<Body extends HalBody> = NonNullable<Body['_embedded']>;
type HalBody = { _embedded?: object; page: { totalPages: number } };
type ItemOf<List> = List extends readonly (infer Item)[] ? Item : never;

/** A HAL list's page (`_embedded.{key}`, `page.totalPages`) as `followPages` reads it. */
export function halPage<Body extends HalBody, Key extends keyof Embedded<Body> & string>(
  body: Body,
  key: Key,
): Page<ItemOf<Embedded<Body>[Key]>> {
  const embedded = body._embedded as Record<string, unknown> | undefined;
  const items = embedded?.[key];
  return {
    items: Array.isArray(items) ? (items as ItemOf<Embedded<Body>[Key]>[]) : [],
    totalPages: body.page.totalPages,
  };
}

/** A `RegistrantPaginatedResponse` as `followPages` reads it: `total` items, `limit` to a page. */
export function registrantPage<T>(body: { data: T[]; total: number; limit: number }): Page<T> {
  return { items: body.data, totalPages: body.limit > 0 ? Math.ceil(body.total / body.limit) : 1 };
}
