import { describe, expect, it } from 'vitest';
import { defectText, duration, type Defect, type DefectContext } from './defects';
import { en, type MessageKey } from '../i18n/en';
import { de } from '../i18n/de';
import { format, type Params } from '../i18n/index.svelte';

const english = (key: MessageKey, params?: Params) => format(en[key], params);
const german = (key: MessageKey, params?: Params) => format(de[key], params);

function context(language: string): DefectContext {
  return {
    person: (id) => (id === 'pieter' ? 'Pieter Claes (BE)' : '?'),
    language,
    hasMessage: (key): key is MessageKey => key in en,
  };
}

function defect(reason: string, facts: Record<string, string>, message = 'the server’s words'): Defect {
  return { code: 'x', message, version: 3, reason, facts };
}

describe('custody defects in the reader’s words', () => {
  it('names the recipient of a handover never received, with the moment in the reader’s locale', () => {
    const text = defectText(defect('not-received', { person: 'pieter', at: '2026-03-02T09:30:00+00:00' }), german, context('de'));
    expect(text).toContain('an Pieter Claes (BE) übergeben');
    expect(text).toContain('2026');
    expect(text).not.toContain('pieter');
    expect(text).not.toContain('UTC');
  });

  it('says how long an item was in transit in whole units', () => {
    const facts = { from: '2026-03-01T08:00:00+00:00', until: '2026-03-04T09:00:00+00:00', seconds: String(3 * 86400 + 3600) };
    expect(defectText(defect('long-transit', facts), english, context('en'))).toMatch(
      /^in transit with no custodian for 3 days 1 hour: from /,
    );
    // the server's rule: to the minute under an hour, to the hour under a week, then days
    expect(duration(30 * 3600, 'en')).toBe('1 day 6 hours');
    expect(duration(5 * 3600 + 59, 'de')).toBe('5 Stunden');
    expect(duration(90, 'en')).toBe('2 minutes');
    expect(duration(10 * 86400 + 3600, 'fr')).toMatch(/^10\sjours$/);
  });

  it('names a file by the start of its hash, and quotes the seals compared', () => {
    const sha = 'a'.repeat(64);
    expect(defectText(defect('not-rehashed-since-attached', { sha256: sha, file: 'f' }), english, context('en'))).toBe(
      `the file with SHA-256 ${'a'.repeat(16)}… not re-hashed since it was attached`,
    );
    expect(defectText(defect('seal-changed', { sealed: 'FR-1', found: 'FR-2' }), english, context('en'))).toBe(
      'sealed as “FR-1”, received with seal “FR-2”',
    );
  });

  it('falls back on the server’s message for a defect it has no wording for', () => {
    expect(defectText(defect('a-new-kind', {}), english, context('en'))).toBe('the server’s words');
    expect(defectText({ code: 'old', message: 'stored before reasons', reason: '' }, english, context('en'))).toBe('stored before reasons');
  });
});
