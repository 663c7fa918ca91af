import { describe, expect, it } from 'vitest';
import { targetsOf } from './itemTargets';
import type { EventOut } from './live/protocol';

function event(position: number, type: string, data: Record<string, unknown> | null): EventOut {
  return {
    position,
    type,
    aggregate_id: 'item-1',
    aggregate_version: position,
    investigation_id: 'jit',
    recorded_at: '2026-01-20T10:00:00Z',
    actor: { user_id: 'u', country: 'FR', role: 'investigator' },
    data,
    withheld: [],
  } as unknown as EventOut;
}

describe('whom an item concerns and where its target was', () => {
  it('is nothing before anything is recorded', () => {
    expect(targetsOf([event(1, 'EvidenceItem.Registered', { reference: 'R' })])).toEqual({ concerns: null, where: null });
  });
  it('takes the last list, which replaces the ones before, and the last state', () => {
    const found = targetsOf([
      event(1, 'EvidenceItem.ConcernsRecorded', { identifiers: [{ kind: 'person', value: 'Jean D.' }] }),
      event(2, 'EvidenceItem.TargetLocated', { country: 'CH' }),
      event(3, 'EvidenceItem.ConcernsRecorded', { identifiers: [{ kind: 'phone_number', value: '+41 79 000' }] }),
      event(4, 'EvidenceItem.TargetLocated', { country: 'FR' }),
      event(5, 'EvidenceItem.TargetLocated', null),
    ]);
    expect(found).toEqual({ concerns: [{ kind: 'phone_number', value: '+41 79 000' }], where: 'FR' });
  });
});
