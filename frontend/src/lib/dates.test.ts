import { describe, expect, it } from 'vitest';
import { isOverdue, localDate, utcTitle } from './dates';

describe('dates', () => {
  it('gives the UTC time for the title', () => {
    expect(utcTitle('2025-05-10T12:34:56+02:00')).toBe('2025-05-10 10:34 UTC');
  });

  it('keeps a calendar date on its day whatever the time zone', () => {
    expect(localDate('2025-03-01', 'en')).toContain('2025');
    expect(localDate('2025-03-01', 'en')).toContain('1');
  });

  it('marks a task overdue only from the day after its due date', () => {
    const now = new Date(2025, 4, 10, 9, 0);
    expect(isOverdue('2025-05-09', now)).toBe(true);
    expect(isOverdue('2025-05-10', now)).toBe(false);
  });
});
