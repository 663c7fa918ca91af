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
  /** the row each loaded page starts at, and how many rows it asked for */
  starts: number[];
  limits: number[];
  next: string | null;
  total: number;
  /** whether the list has been fetched at least once */
  started: boolean;
}

export function emptyList<T>(): PagedList<T> {
  return { items: [], cursors: [], starts: [], limits: [], next: null, total: 0, started: false };
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
  limit: number = page.items.length,
): PagedList<T> {
  const seen = new Set(list.items.map(keyOf));
  const fresh = page.items.filter((item) => !seen.has(keyOf(item)));
  return {
    items: [...list.items, ...fresh],
    cursors: [...list.cursors, list.started ? list.next : null],
    starts: [...list.starts, list.items.length],
    limits: [...list.limits, limit],
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

/** The index of the loaded page holding row `row` (-1 when none does). */
export function pageOfRow<T>(list: PagedList<T>, row: number): number {
  if (row < 0 || row >= list.items.length) return -1;
  let low = 0;
  let high = list.starts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((list.starts[middle] ?? 0) <= row) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** How many rows to ask for next: a small page near what is on screen, the largest the
 * API allows when the user jumped far ahead of what is loaded. */
export function nextLimit<T>(list: PagedList<T>, wantedEnd: number, small: number, large: number): number {
  return wantedEnd - list.items.length > 2 * large ? large : small;
}

/** Every row of a list, page after page, following the cursors; what the first failed
 * page answered (`failed`) otherwise. A row that a live change moved across a page
 * boundary while the pages were read is kept once. */
export async function allPages<T, F>(
  fetchPage: (after: string | null) => Promise<{ page: Page<T> } | { failed: F }>,
  keyOf: (item: T) => string,
): Promise<{ items: T[] } | { failed: F }> {
  let list = emptyList<T>();
  do {
    const answer = await fetchPage(list.started ? list.next : null);
    if ('failed' in answer) return answer;
    list = appendPage(list, answer.page, keyOf);
  } while (list.next !== null);
  return { items: list.items };
}
