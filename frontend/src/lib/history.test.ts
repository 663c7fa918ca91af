import { describe, expect, it } from 'vitest';
import { asOfQuery, chosenMoment, history, recordedAfter } from './history.svelte';

describe('the history control', () => {
  it('asks for the past only when the user chose a moment', () => {
    history.asOf = null;
    expect(asOfQuery()).toEqual({});
    history.asOf = '2026-03-01T10:00:00.000Z';
    expect(asOfQuery()).toEqual({ as_of: '2026-03-01T10:00:00.000Z' });
    history.asOf = null;
  });

  it('reads the moment typed in the user’s time zone as an instant', () => {
    const iso = chosenMoment('2026-03-01T10:00');
    expect(iso).toBe(new Date('2026-03-01T10:00').toISOString());
    expect(chosenMoment('')).toBeNull();
    expect(chosenMoment('not a date')).toBeNull();
  });

  it('tells what was recorded after a time or a log position', () => {
    const event = { position: 12, recorded_at: '2026-03-01T10:00:30Z' };
    expect(recordedAfter(event, '11')).toBe(true);
    expect(recordedAfter(event, '12')).toBe(false);
    expect(recordedAfter(event, '2026-03-01T10:00:00.000Z')).toBe(true);
    expect(recordedAfter(event, '2026-03-01T11:00:00.000Z')).toBe(false);
  });
});
