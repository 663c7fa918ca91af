import { describe, expect, it } from 'vitest';
import { asOfQuery, chosenMoment, custodyTrueAt, history, recordedAfter } from './history.svelte';

describe('the history control', () => {
  it('asks for the past only when the user chose a moment', () => {
    history.asOf = null;
    expect(asOfQuery()).toEqual({});
    history.asOf = '2026-03-01T10:00:00.000Z';
    expect(asOfQuery()).toEqual({ as_of: '2026-03-01T10:00:00.000Z' });
    history.asOf = null;
  });

  it('reads now for what was true then, the log up to then for what was known', () => {
    history.asOf = '2026-03-01T10:00:00.000Z';
    history.mode = 'occurred';
    expect(asOfQuery()).toEqual({});
    history.mode = 'recorded';
    expect(asOfQuery()).toEqual({ as_of: '2026-03-01T10:00:00.000Z' });
    // a log position is what was recorded, whatever the mode
    history.asOf = '42';
    history.mode = 'occurred';
    expect(asOfQuery()).toEqual({ as_of: '42' });
    history.asOf = null;
    history.mode = 'recorded';
  });

  it('tells an item’s custody as it was by the dates its steps happened', () => {
    const entries = [
      { version: 2, occurred_at: '2026-01-01T08:00:00Z', custodian_id: 'ines' },
      // recorded later, but it happened before the handover
      { version: 4, occurred_at: '2026-01-01T09:00:00Z', custodian_id: 'ines' },
      { version: 3, occurred_at: '2026-01-02T08:00:00Z', custodian_id: 'pieter' },
    ];
    const thatMorning = custodyTrueAt(entries, '2026-01-01T12:00:00Z');
    expect(thatMorning.steps.map((s) => s.version)).toEqual([2, 4]);
    expect(thatMorning.custodian).toBe('ines');
    expect(custodyTrueAt(entries, '2026-01-03T00:00:00Z').custodian).toBe('pieter');
    expect(custodyTrueAt(entries, '2025-12-31T00:00:00Z')).toEqual({ steps: [], custodian: null });
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
