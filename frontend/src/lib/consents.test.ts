import { describe, expect, it } from 'vitest';
import { conditionsOf, consentsOf, onwardOf, requestsOf } from './consents';
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

describe('an item’s requests for consent', () => {
  it('pairs each request with the grant or refusal that answered it', () => {
    const requests = requestsOf([
      event(1, 'EvidenceItem.ConsentRequested', { by_country: 'BE', to_country: 'BE', purpose: 'disclosure', offence: '' }),
      event(2, 'EvidenceItem.ConsentRequested', { by_country: 'BE', to_country: 'CH', purpose: 'onward_transfer', offence: '' }),
      event(3, 'EvidenceItem.ConsentRefused', { to_country: 'BE', purpose: 'disclosure', offence: '', reason: 'an informant' }),
      event(4, 'EvidenceItem.ConsentGranted', { to_country: 'CH', purpose: 'onward_transfer', offence: '' }),
      event(5, 'EvidenceItem.ConsentRequested', { by_country: 'BE', to_country: 'BE', purpose: 'disclosure', offence: '' }),
    ]);
    expect(requests.map((r) => [r.toCountry, r.answer?.granted ?? null, r.answer?.reason ?? null])).toEqual([
      ['BE', false, 'an informant'],
      ['CH', true, ''],
      ['BE', null, null],
    ]);
  });
});

describe('an item’s conditions and onward transfers', () => {
  it('closes a condition met or lifted, and lists the transfers on', () => {
    const events = [
      event(1, 'EvidenceItem.ConditionAttached', { number: 1, kind: 'use', text: 'only here', to_country: 'BE' }),
      event(2, 'EvidenceItem.ConditionAttached', { number: 2, kind: 'disclosure', text: 'ask us', to_country: '' }),
      event(3, 'EvidenceItem.ConditionMet', { number: 1, note: 'done' }),
      event(4, 'EvidenceItem.ConditionLifted', { number: 2, reason: 'testified' }),
      { ...event(5, 'EvidenceItem.SentOnward', { to_country: 'CH', recipient: 'CH police', reason: 'asked' }), actor: { country: 'BE' } } as EventOut,
    ];
    expect(conditionsOf(events).map((c) => [c.number, c.closed?.lifted ?? null, c.closed?.why ?? null])).toEqual([
      [1, false, 'done'],
      [2, true, 'testified'],
    ]);
    expect(onwardOf(events).map((o) => [o.byCountry, o.toCountry, o.recipient])).toEqual([['BE', 'CH', 'CH police']]);
  });
});
