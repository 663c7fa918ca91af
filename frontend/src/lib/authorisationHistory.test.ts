import { describe, expect, it } from 'vitest';
import { authorisationSteps, standing } from './authorisationHistory';
import { en, type MessageKey } from '../i18n/en';
import { format, type Params } from '../i18n/index.svelte';
import type { EventOut } from './live/protocol';

const english = (key: MessageKey, params?: Params) => format(en[key], params);
const day = (iso: string) => iso.slice(0, 10);

function event(position: number, type: string, data: Record<string, unknown>): EventOut {
  return {
    position,
    type,
    aggregate_id: 'order-1',
    aggregate_version: position,
    investigation_id: 'jit',
    recorded_at: '2026-01-20T10:00:00Z',
    actor: { user_id: 'u', country: 'FR', role: 'legal_advisor' },
    data,
    withheld: [],
  } as unknown as EventOut;
}

describe('an authorisation’s timeline', () => {
  it('says whom the measure was notified to, and who objected', () => {
    const steps = authorisationSteps(
      [
        event(1, 'LegalAuthorisation.NotificationSent', { to_country: 'CH', occurred_at: '2026-01-03T09:00:00Z' }),
        event(2, 'LegalAuthorisation.ObjectionRaised', { by_country: 'CH', covers: 'all', occurred_at: '2026-01-04T09:00:00Z' }),
        event(3, 'LegalAuthorisation.NoNotificationMade', { to_country: 'DE', reason: 'urgent', occurred_at: '2026-01-04T09:00:00Z' }),
      ],
      english,
      day,
    );
    expect(steps.map((s) => s.text)).toEqual(['Notified to CH', 'CH objected', 'No notification made to DE (urgent)']);
  });

  it('says each step in words, on the date it happened', () => {
    const steps = authorisationSteps(
      [
        event(1, 'LegalAuthorisation.Recorded', {
          authority: 'JLD Paris',
          occurred_at: '2026-01-02T09:00:00Z',
          valid_from: '2026-01-02T00:00:00Z',
          valid_until: '2026-02-01T00:00:00Z',
        }),
        event(2, 'LegalAuthorisation.Qualified', { issuer: 'judge', offences: ['drug trafficking'], urgent: true }),
        event(3, 'LegalAuthorisation.Extended', { valid_until: '2026-03-01T00:00:00Z', reason: 'renewal', occurred_at: '2026-01-30T09:00:00Z' }),
        event(4, 'LegalAuthorisation.Annulled', { court: 'Cour d’appel de Paris', ruling: 'CA 26/1', occurred_at: '2026-02-10T09:00:00Z' }),
      ],
      english,
      day,
    );
    expect(steps.map((s) => s.text)).toEqual([
      'Issued by JLD Paris, valid from 2026-01-02 until 2026-02-01',
      'Issued by a judge, urgent, for drug trafficking',
      'Renewed until 2026-03-01 (renewal)',
      'Annulled by Cour d’appel de Paris, ruling CA 26/1',
    ]);
    expect(steps.map((s) => s.at)).toEqual(['2026-01-02T09:00:00Z', '2026-01-20T10:00:00Z', '2026-01-30T09:00:00Z', '2026-02-10T09:00:00Z']);
    expect(steps.map((s) => s.ending)).toEqual([false, false, false, true]);
  });

  it('tells where an authorisation stands on a given day', () => {
    const order = { valid_from: '2026-01-01T00:00:00Z', valid_until: '2026-02-01T00:00:00Z', revoked: false, annulled: false };
    expect(standing(order, new Date('2025-12-31T00:00:00Z'))).toBe('pending');
    expect(standing(order, new Date('2026-01-15T00:00:00Z'))).toBe('in-force');
    expect(standing(order, new Date('2026-03-01T00:00:00Z'))).toBe('expired');
    expect(standing({ ...order, revoked: true }, new Date('2026-01-15T00:00:00Z'))).toBe('revoked');
    expect(standing({ ...order, annulled: true, revoked: true }, new Date('2026-01-15T00:00:00Z'))).toBe('annulled');
  });
});
