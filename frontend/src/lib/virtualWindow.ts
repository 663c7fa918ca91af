/** Which rows of a fixed-row-height list are in the DOM: the visible ones plus some
 * overscan on each side, and where the first of them sits. */
export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  rowCount: number;
  overscan: number;
}

export interface RowWindow {
  /** first row in the DOM */
  start: number;
  /** one past the last row in the DOM */
  end: number;
  /** offset of the first rendered row from the top of the list, in pixels */
  offsetTop: number;
  /** height of the whole list, in pixels */
  totalHeight: number;
}

export function rowWindow(input: WindowInput): RowWindow {
  const { rowHeight, rowCount, overscan } = input;
  const totalHeight = rowCount * rowHeight;
  if (rowCount === 0 || rowHeight <= 0) {
    return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  }
  const scrollTop = clamp(input.scrollTop, 0, Math.max(0, totalHeight - input.viewportHeight));
  const firstVisible = Math.floor(scrollTop / rowHeight);
  const visibleCount = Math.ceil(Math.max(0, input.viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, firstVisible - overscan);
  const end = Math.min(rowCount, firstVisible + visibleCount + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/** The scroll position that brings `row` into view, or null when it is already visible. */
export function scrollToReveal(
  row: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number | null {
  const top = row * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return null;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
