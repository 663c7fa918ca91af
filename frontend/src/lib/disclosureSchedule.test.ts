import { describe, expect, it } from 'vitest';
import { scheduleOf } from './disclosureSchedule';
import type { EventOut } from './live/protocol';

function event(type: string, data: Record<string, unknown>): EventOut {
  return {
    position: 1,
    type,
    aggregate_id: 'item',
    aggregate_version: 1,
    investigation_id: 'i',
    recorded_at: '2025-01-01T00:00:00Z',
    actor: { user_id: 'u', country: 'GB', role: 'investigator' },
    data,
  };
}

describe('disclosure schedule', () => {
  it('lists the steps by forum, in the order they happened, and skips what it cannot read', () => {
    const steps = scheduleOf([
      event('EvidenceItem.DisclosureStepRecorded', { country: 'GB', step: 'scheduled_used', occurred_at: '2025-02-01T00:00:00Z', note: '' }),
      event('EvidenceItem.DisclosureStepRecorded', { country: 'GB', step: 'reviewed', occurred_at: '2025-01-20T00:00:00Z', note: 'MG6C' }),
      event('EvidenceItem.DisclosureStepRecorded', { country: 'IE', step: 'forgotten', occurred_at: '2025-01-20T00:00:00Z' }),
      event('EvidenceItem.DisclosureStepRecorded', {}),
      event('EvidenceItem.Sealed', { seal_number: 'S-1' }),
    ]);
    expect(steps).toEqual([
      { country: 'GB', step: 'reviewed', occurredAt: '2025-01-20T00:00:00Z', note: 'MG6C' },
      { country: 'GB', step: 'scheduled_used', occurredAt: '2025-02-01T00:00:00Z', note: '' },
    ]);
  });
});
