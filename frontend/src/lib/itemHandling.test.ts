import { describe, expect, it } from 'vitest';
import { handlingFactsOf } from './itemHandling';
import type { EventOut } from './live/protocol';

function event(position: number, type: string, data: Record<string, unknown> | null): EventOut {
  return {
    position,
    type,
    aggregate_id: 'item-1',
    aggregate_version: position,
    investigation_id: 'jit',
    recorded_at: '2026-01-20T10:00:00Z',
    actor: { user_id: 'u', country: 'DE', role: 'legal_advisor' },
    data,
    withheld: [],
  } as unknown as EventOut;
}

describe('the forensic and handling facts of an item', () => {
  it('are none before any is recorded', () => {
    expect(handlingFactsOf([event(1, 'EvidenceItem.Registered', { reference: 'R' })])).toEqual([]);
  });
  it('are read in the order recorded, with when they happened', () => {
    const facts = handlingFactsOf([
      event(1, 'EvidenceItem.PrivilegeReviewed', { reviewed_by: 'Judge Weber', result: 'privileged_deleted', occurred_at: '2026-01-10T09:00:00Z' }),
      event(2, 'EvidenceItem.SearchRecorded', { witnesses: ['Mme Martin'], inventory_made: true, signed_by: [] }),
      event(3, 'EvidenceItem.CertificateRecorded', { certified_by: 'custodian', basis: 'FRE 902(14)', notice_given_at: null }),
      event(4, 'EvidenceItem.VerifiedElsewhere', { algorithm: 'md5', matched: false, verified_by: 'BE lab', tool: 'md5sum' }),
      event(5, 'EvidenceItem.Translated', null),
    ]);
    expect(facts).toEqual([
      { kind: 'review', at: '2026-01-10T09:00:00Z', by: 'Judge Weber', result: 'privileged_deleted' },
      { kind: 'search', at: '2026-01-20T10:00:00Z', witnesses: ['Mme Martin'], inventory: true, signedBy: [] },
      { kind: 'certificate', at: '2026-01-20T10:00:00Z', by: 'custodian', basis: 'FRE 902(14)', notice: null },
      { kind: 'verification', at: '2026-01-20T10:00:00Z', algorithm: 'md5', matched: false, by: 'BE lab', tool: 'md5sum' },
    ]);
  });
});
