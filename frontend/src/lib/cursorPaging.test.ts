import { describe, expect, it } from 'vitest';
import { allPages, appendPage, emptyList, needsMore, nextLimit, pageOfRow, replaceRows } from './cursorPaging';

interface Row {
  id: string;
  label: string;
}
const key = (row: Row) => row.id;
const rows = (from: number, to: number): Row[] =>
  Array.from({ length: to - from }, (_, i) => ({ id: `r${from + i}`, label: `row ${from + i}` }));

describe('cursor paging', () => {
  it('fetches the first page of a list it has never fetched', () => {
    expect(needsMore(emptyList<Row>(), 10)).toBe(true);
  });

  it('appends pages in order and remembers the cursor of each', () => {
    let list = appendPage(emptyList<Row>(), { items: rows(0, 3), next: 'c3', total: 7 }, key);
    list = appendPage(list, { items: rows(3, 6), next: 'c6', total: 7 }, key);
    expect(list.items.map(key)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(list.cursors).toEqual([null, 'c3']);
    expect(list.next).toBe('c6');
    expect(list.total).toBe(7);
  });

  it('asks for more only while the wanted rows are not loaded and a next page exists', () => {
    const list = appendPage(emptyList<Row>(), { items: rows(0, 3), next: 'c3', total: 7 }, key);
    expect(needsMore(list, 2)).toBe(false);
    expect(needsMore(list, 5)).toBe(true);
    const last = appendPage(list, { items: rows(3, 7), next: null, total: 7 }, key);
    expect(needsMore(last, 100)).toBe(false);
  });

  it('does not add a row twice when a page boundary shifted', () => {
    let list = appendPage(emptyList<Row>(), { items: rows(0, 3), next: 'c3', total: 6 }, key);
    list = appendPage(list, { items: rows(2, 6), next: null, total: 6 }, key);
    expect(list.items.map(key)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('replaces refetched rows in place and keeps the others', () => {
    const list = appendPage(emptyList<Row>(), { items: rows(0, 4), next: null, total: 4 }, key);
    const updated = replaceRows(list, { items: [{ id: 'r2', label: 'sealed' }], next: null, total: 4 }, key);
    expect(updated.items.map((r) => r.label)).toEqual(['row 0', 'row 1', 'sealed', 'row 3']);
    expect(list.items[2]?.label).toBe('row 2');
  });

  it('finds the page that holds a row, pages of any size', () => {
    let list = appendPage(emptyList<Row>(), { items: rows(0, 3), next: 'c3', total: 10 }, key, 3);
    list = appendPage(list, { items: rows(3, 8), next: 'c8', total: 10 }, key, 5);
    list = appendPage(list, { items: rows(8, 10), next: null, total: 10 }, key, 3);
    expect(list.starts).toEqual([0, 3, 8]);
    expect(list.limits).toEqual([3, 5, 3]);
    expect([0, 2, 3, 7, 8, 9].map((row) => pageOfRow(list, row))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(pageOfRow(list, 10)).toBe(-1);
  });

  it('asks for large pages only when far behind the screen', () => {
    const list = appendPage(emptyList<Row>(), { items: rows(0, 100), next: 'c', total: 100_000 }, key);
    expect(nextLimit(list, 150, 100, 500)).toBe(100);
    expect(nextLimit(list, 50_000, 100, 500)).toBe(500);
  });

  it('reads every page of a list, following the cursors, each row once', async () => {
    const pages: Record<string, { items: Row[]; next: string | null; total: number }> = {
      first: { items: rows(0, 3), next: 'c3', total: 7 },
      c3: { items: rows(2, 5), next: 'c5', total: 7 }, // r2 moved across the boundary
      c5: { items: rows(5, 7), next: null, total: 7 },
    };
    const asked: (string | null)[] = [];
    const read = await allPages<Row, string>(async (after) => {
      asked.push(after);
      return { page: pages[after ?? 'first']! };
    }, key);
    expect(asked).toEqual([null, 'c3', 'c5']);
    expect(read).toEqual({ items: rows(0, 7) });
  });

  it('stops at the first page that fails and says what it answered', async () => {
    const read = await allPages<Row, string>(
      async (after) => (after === null ? { page: { items: rows(0, 3), next: 'c3', total: 7 } } : { failed: 'gone' }),
      key,
    );
    expect(read).toEqual({ failed: 'gone' });
  });
});
