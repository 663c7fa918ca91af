import { describe, expect, it } from 'vitest';
import { rulingsOf } from './itemRulings';
import type { EventOut } from './live/protocol';

function event(type: string, data: Record<string, unknown>): EventOut {
  return {
    position: 1,
    type,
    aggregate_id: 'item',
    aggregate_version: 1,
    investigation_id: 'i',
    recorded_at: '2025-01-01T00:00:00Z',
    actor: { user_id: 'u', country: 'BE', role: 'legal_advisor' },
    data,
  };
}

describe('item rulings', () => {
  it('lists the rulings by date and keeps the last territory recorded', () => {
    const found = rulingsOf([
      event('EvidenceItem.TerritoryRecorded', { country: 'CH' }),
      event('EvidenceItem.RulingRecorded', { country: 'BE', court: 'Appeal', ruling: 'A-2', effect: 'admitted', occurred_at: '2025-03-01T00:00:00Z' }),
      event('EvidenceItem.RulingRecorded', { country: 'BE', court: 'First', ruling: 'F-1', effect: 'excluded', occurred_at: '2025-02-01T00:00:00Z' }),
      event('EvidenceItem.RulingRecorded', {}),
      event('EvidenceItem.TerritoryRecorded', { country: 'BE' }),
    ]);
    expect(found.territory).toBe('BE');
    expect(found.rulings.map((r) => r.ruling)).toEqual(['F-1', 'A-2']);
  });
});
