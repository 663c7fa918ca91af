import { describe, expect, it } from 'vitest';
import { consentsOf } from './consents';
import type { EventOut } from './live/protocol';

function event(position: number, type: string, data: Record<string, unknown>): EventOut {
  return { position, type, recorded_at: `2026-01-0${position}T10:00:00Z`, data } as unknown as EventOut;
}

describe('an item’s consents', () => {
  it('pairs each withdrawal with the consent it ends, and keeps a later grant apart', () => {
    const consents = consentsOf([
      event(1, 'EvidenceItem.Registered', {}),
      event(2, 'EvidenceItem.ConsentGranted', { to_country: 'BE', purpose: 'other_offence', offence: '', occurred_at: '2026-01-02T09:00:00Z' }),
      event(3, 'EvidenceItem.ConsentGranted', { to_country: 'NL', purpose: 'jit', offence: 'fraud' }),
      event(4, 'EvidenceItem.ConsentWithdrawn', { to_country: 'BE', purpose: 'other_offence', offence: '', reason: 'the case closed' }),
      event(5, 'EvidenceItem.ConsentGranted', { to_country: 'BE', purpose: 'other_offence', offence: '' }),
    ]);
    expect(consents.map((c) => [c.toCountry, c.purpose, c.withdrawn?.reason ?? null])).toEqual([
      ['BE', 'other_offence', 'the case closed'],
      ['NL', 'jit', null],
      ['BE', 'other_offence', null],
    ]);
    expect(consents[0]!.grantedAt).toBe('2026-01-02T09:00:00Z');
    expect(consents[1]!.grantedAt).toBe('2026-01-03T10:00:00Z');
  });
});
