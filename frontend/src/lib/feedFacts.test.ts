import { describe, expect, it } from 'vitest';
import { learn, type Learned } from './feedFacts';
import type { EventOut } from './live/protocol';

let position = 0;
const event = (type: string, aggregate_id: string, data: Record<string, unknown>): EventOut => ({
  position: ++position,
  type,
  aggregate_id,
  aggregate_version: 1,
  investigation_id: 'jit',
  recorded_at: '2025-01-01T00:00:00Z',
  actor: { user_id: 'u', country: 'NL', role: 'investigator' },
  data,
});

describe('what the feed teaches the page', () => {
  it('remembers references and task titles, the latest title winning', () => {
    const facts: Learned = { references: {}, taskTitles: {}, awaiting: {} };
    learn(facts, event('EvidenceItem.Registered', 'e1', { reference: 'NL-24-0412-P' }));
    learn(facts, event('Task.Created', 't1', { title: 'Translate' }));
    learn(facts, event('Task.Edited', 't1', { title: 'Translate into Romanian' }));
    expect(facts.references).toEqual({ e1: 'NL-24-0412-P' });
    expect(facts.taskTitles).toEqual({ t1: 'Translate into Romanian' });
  });

  it('knows which items wait for whose receipt until it is confirmed', () => {
    const facts: Learned = { references: {}, taskTitles: {}, awaiting: {} };
    learn(facts, event('EvidenceItem.HandedOver', 'e1', { recipient_id: 'sofie' }));
    learn(facts, event('EvidenceItem.TransferredToParty', 'e2', { recipient_id: 'daan', country: 'NL' }));
    expect(facts.awaiting).toEqual({ e1: 'sofie', e2: 'daan' });
    learn(facts, event('EvidenceItem.Received', 'e1', { sender_id: 'eva' }));
    expect(facts.awaiting).toEqual({ e2: 'daan' });
  });
});
