/** A list the server hands out a page at a time, each page after a cursor. Rows the user
 * has not reached yet are not loaded; `total` says how long the list is. Every page
 * remembers the cursor it was fetched after, so one page can be fetched again when a
 * live event touches one of its rows. */
export interface Page<T> {
  items: T[];
  next: string | null;
  total: number;
}

export interface PagedList<T> {
  items: T[];
  /** the cursor each loaded page was fetched after (null: the first page) */
  cursors: (string | null)[];
  next: string | null;
  total: number;
  /** whether the list has been fetched at least once */
  started: boolean;
}

export function emptyList<T>(): PagedList<T> {
  return { items: [], cursors: [], next: null, total: 0, started: false };
}

/** Whether the rows up to `wantedEnd` (plus a margin) need another page. */
export function needsMore<T>(list: PagedList<T>, wantedEnd: number): boolean {
  if (!list.started) return true;
  return list.next !== null && list.items.length < Math.min(wantedEnd, list.total);
}

/** The list with the page fetched after `list.next` added at its end. Rows already
 * present (a row registered live can shift a page boundary) are not added twice. */
export function appendPage<T>(
  list: PagedList<T>,
  page: Page<T>,
  keyOf: (item: T) => string,
): PagedList<T> {
  const seen = new Set(list.items.map(keyOf));
  const fresh = page.items.filter((item) => !seen.has(keyOf(item)));
  return {
    items: [...list.items, ...fresh],
    cursors: [...list.cursors, list.started ? list.next : null],
    next: page.next,
    total: Math.max(page.total, list.items.length + fresh.length),
    started: true,
  };
}

/** The list with page `index` fetched again: its rows replaced in place, keyed by id, so
 * the rows on screen keep their positions. */
export function replaceRows<T>(
  list: PagedList<T>,
  page: Page<T>,
  keyOf: (item: T) => string,
): PagedList<T> {
  const fresh = new Map(page.items.map((item) => [keyOf(item), item]));
  let changed = false;
  const items = list.items.map((item) => {
    const replacement = fresh.get(keyOf(item));
    if (replacement === undefined || replacement === item) return item;
    changed = true;
    return replacement;
  });
  return changed ? { ...list, items } : list;
}

/** The index of the page holding row `row`, for pages of `pageSize` rows. */
export function pageOfRow(row: number, pageSize: number): number {
  return Math.floor(row / pageSize);
}
