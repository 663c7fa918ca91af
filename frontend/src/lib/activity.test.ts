import { describe, expect, it } from 'vitest';
import { describeEvent, type ActivityContext, type Person } from './activity';
import { en, type MessageKey } from '../i18n/en';
import { fr } from '../i18n/fr';
import { format, type Params } from '../i18n/index.svelte';
import type { EventOut } from './live/protocol';

const people: Record<string, Person> = {
  ines: { name: 'Inès Martin', country: 'FR', role: 'investigator' },
  pieter: { name: 'Pieter Claes', country: 'BE', role: 'national_member' },
};

const ctx: ActivityContext = {
  person: (id) => people[id] ?? null,
  reference: (id) => (id === 'item-7' ? 'FR-DOC-7' : null),
  taskTitle: (id) => (id === 'task-1' ? 'Interview the courier' : null),
  hasMessage: (key): key is MessageKey => key in en,
};

const english = (key: MessageKey, params?: Params) => format(en[key], params);
const french = (key: MessageKey, params?: Params) => format(fr[key], params);

function event(type: string, data: Record<string, unknown>, aggregate = 'item-7', withheld: string[] = []): EventOut {
  return {
    position: 1,
    type,
    aggregate_id: aggregate,
    aggregate_version: 2,
    investigation_id: 'jit',
    recorded_at: '2025-05-10T10:00:00Z',
    actor: { user_id: 'ines', country: 'FR', role: 'investigator' },
    data,
    withheld,
  };
}

describe('activity in people’s words', () => {
  it('names the state notified of a measure, and the one objecting', () => {
    const sent = describeEvent(event('LegalAuthorisation.NotificationSent', { to_country: 'CH' }, 'order-1'), english, ctx);
    expect(sent).toBe('Inès Martin (FR, investigator) recorded that CH was notified of an authorisation');
    const objected = describeEvent(event('LegalAuthorisation.ObjectionRaised', { by_country: 'CH' }, 'order-1'), french, ctx);
    expect(objected).toContain('CH');
  });
  it('names the item whose target was located', () => {
    const words = describeEvent(event('EvidenceItem.TargetLocated', { country: 'CH' }), english, ctx);
    expect(words).toBe('Inès Martin (FR, investigator) recorded that the target of FR-DOC-7 was in CH');
  });
  it('names the item reviewed for privileged content, and the one re-verified elsewhere', () => {
    const reviewed = describeEvent(event('EvidenceItem.PrivilegeReviewed', { reviewed_by: 'Judge Weber' }), english, ctx);
    expect(reviewed).toBe('Inès Martin (FR, investigator) recorded a review of FR-DOC-7 for privileged content');
    const verified = describeEvent(event('EvidenceItem.VerifiedElsewhere', { algorithm: 'md5' }), french, ctx);
    expect(verified).toContain('FR-DOC-7');
  });
  it('names who handed which item to whom', () => {
    const words = describeEvent(event('EvidenceItem.HandedOver', { recipient_id: 'pieter' }), english, ctx);
    expect(words).toBe('Inès Martin (FR, investigator) handed FR-DOC-7 to Pieter Claes (BE)');
  });

  it('takes the reference from the registration itself', () => {
    const words = describeEvent(event('EvidenceItem.Registered', { reference: 'BE-PH-1' }, 'new'), english, ctx);
    expect(words).toBe('Inès Martin (FR, investigator) registered BE-PH-1');
  });

  it('uses task titles and translated statuses', () => {
    const words = describeEvent(event('Task.StatusChanged', { status: 'in_progress' }, 'task-1'), english, ctx);
    expect(words).toBe('Inès Martin (FR, investigator) moved the task “Interview the courier” to “in progress”');
  });

  it('says a withheld location is withheld, by whom', () => {
    const words = describeEvent(
      event('EvidenceItem.Stored', { location: null, country: 'FR' }, 'item-7', ['location']),
      english,
      ctx,
    );
    expect(words).toContain('withheld by FR');
  });

  it('says which country used an item in a proceeding', () => {
    const words = describeEvent(event('EvidenceItem.UsedInProceeding', { country: 'BE' }), english, ctx);
    expect(words).toBe('Inès Martin (FR, investigator) recorded that BE used FR-DOC-7 in a proceeding');
  });

  it('falls back to words for event types without a phrase', () => {
    const words = describeEvent(event('EvidenceItem.SomethingNew', {}), english, ctx);
    expect(words).toBe('Inès Martin (FR, investigator) recorded a change to FR-DOC-7');
    const other = describeEvent(event('Ledger.Something', {}, 'x'), english, ctx);
    expect(other).toBe('Inès Martin (FR, investigator) recorded a change to a record');
  });

  it('phrases the events of authorisations and rulebooks by the types the server sends', () => {
    // the server names an event by its aggregate's class: LegalAuthorisation, Rulebook
    const renewal = describeEvent(event('LegalAuthorisation.Extended', {}, 'order-1'), english, ctx);
    expect(renewal).toBe('Inès Martin (FR, investigator) recorded the renewal of an authorisation');
    const recorded = describeEvent(event('LegalAuthorisation.Recorded', { country: 'BE' }, 'order-1'), english, ctx);
    expect(recorded).toContain('recorded an authorisation of BE');
    const rule = describeEvent(event('Rulebook.RuleSet', { country: 'NL' }, 'book-1'), english, ctx);
    expect(rule).toContain('changed a rule of the rulebook of NL');
    expect(describeEvent(event('LegalAuthorisation.SomethingNew', {}, 'order-1'), english, ctx)).toContain('an authorisation');
  });

  it('never shows a raw id for someone who left the team', () => {
    const words = describeEvent(event('EvidenceItem.HandedOver', { recipient_id: 'gone-uuid' }), english, ctx);
    expect(words).not.toContain('gone-uuid');
    expect(words).toContain('a former member');
  });

  it('speaks the user’s language', () => {
    const words = describeEvent(event('EvidenceItem.HandedOver', { recipient_id: 'pieter' }), french, ctx);
    expect(words).toContain('Inès Martin');
    expect(words).toContain('FR-DOC-7');
    expect(words).not.toContain('handed');
  });
});

describe('activity phrases', () => {
  it('use only the names phrasing provides, so no {placeholder} ever shows', () => {
    const provided = ['actor', 'item', 'task', 'recipient', 'assignee', 'member', 'seal', 'location', 'country', 'status', 'role', 'record', 'state'];
    for (const [key, message] of Object.entries(en)) {
      if (!key.startsWith('activity.')) continue;
      const used = [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const name of used) expect(provided, `${key} uses {${name}}`).toContain(name);
    }
  });

  it('phrase every event type with a message without leaving a placeholder', () => {
    for (const key of Object.keys(en)) {
      if (!key.startsWith('activity.') || key.startsWith('activity.record.') || key === 'activity.generic') continue;
      const words = describeEvent(event(key.slice('activity.'.length), { recipient_id: 'pieter', assignee_id: 'pieter' }), english, ctx);
      expect(words, key).not.toMatch(/\{\w+\}/);
    }
  });
});
