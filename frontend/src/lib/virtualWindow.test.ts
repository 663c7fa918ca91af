import { describe, expect, it } from 'vitest';
import { rowWindow, scrollToReveal } from './virtualWindow';

const base = { rowHeight: 40, viewportHeight: 400, overscan: 5 };

describe('rowWindow', () => {
  it('renders the visible rows and the overscan below at the top', () => {
    const w = rowWindow({ ...base, scrollTop: 0, rowCount: 100_000 });
    expect(w).toEqual({ start: 0, end: 16, offsetTop: 0, totalHeight: 4_000_000 });
  });

  it('keeps overscan on both sides in the middle of a long list', () => {
    const w = rowWindow({ ...base, scrollTop: 40 * 50_000 + 10, rowCount: 100_000 });
    expect(w.start).toBe(49_995);
    expect(w.end).toBe(50_016);
    expect(w.offsetTop).toBe(49_995 * 40);
  });

  it('never goes past the last row when scrolled beyond the end', () => {
    const w = rowWindow({ ...base, scrollTop: 10_000_000, rowCount: 1000 });
    expect(w.end).toBe(1000);
    expect(w.start).toBe(985);
  });

  it('renders nothing for an empty list', () => {
    expect(rowWindow({ ...base, scrollTop: 0, rowCount: 0 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
  });

  it('renders all rows of a list shorter than the viewport', () => {
    const w = rowWindow({ ...base, scrollTop: 0, rowCount: 3 });
    expect([w.start, w.end]).toEqual([0, 3]);
  });

  it('keeps the DOM small whatever the list length', () => {
    const w = rowWindow({ ...base, scrollTop: 123_456, rowCount: 100_000 });
    expect(w.end - w.start).toBeLessThanOrEqual(400 / 40 + 1 + 2 * 5);
  });
});

describe('scrollToReveal', () => {
  it('scrolls up to a row above the viewport', () => {
    expect(scrollToReveal(2, 200, 400, 40)).toBe(80);
  });
  it('scrolls down just enough for a row below the viewport', () => {
    expect(scrollToReveal(20, 0, 400, 40)).toBe(440);
  });
  it('leaves the scroll alone for a visible row', () => {
    expect(scrollToReveal(3, 0, 400, 40)).toBeNull();
  });
});
