import type { Schemas } from '../api/client';
import type { MessageKey } from '../i18n/index.svelte';
import type { Translate } from './activity';
import { localDateTime } from './dates';

export type Defect = Schemas['CustodyDefect'];

/** What wording a defect needs beyond the defect itself. */
export interface DefectContext {
  /** a member as the page names them ("Pieter Claes (BE)"), by user id */
  person(userId: string): string;
  language: string;
  hasMessage(key: string): key is MessageKey;
}

function count(value: number, unit: string, language: string): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** A length of time as people say it, by the server's rule (domain/wording.py): to the
 * minute under an hour, to the hour under a week ("1 day 6 hours"), to the day beyond. */
export function duration(seconds: number, language: string): string {
  const minutes = Math.max(0, Math.round(seconds / 60));
  if (minutes < 60) return count(minutes, 'minute', language);
  const hours = Math.round(minutes / 60);
  if (hours >= 7 * 24) return count(Math.round(hours / 24), 'day', language);
  const [days, rest] = [Math.floor(hours / 24), hours % 24];
  return [days > 0 ? count(days, 'day', language) : '', rest > 0 ? count(rest, 'hour', language) : '']
    .filter((part) => part !== '')
    .join(' ');
}

/** A custody defect in the reader's language, times in their time zone; the server's
 * English message for a defect this page has no wording for. */
export function defectText(defect: Defect, t: Translate, ctx: DefectContext): string {
  const key = `defect.${defect.reason ?? ''}`;
  if (!defect.reason || !ctx.hasMessage(key)) return defect.message;
  const facts = defect.facts ?? {};
  const when = (name: string) => (facts[name] ? localDateTime(facts[name], ctx.language) : '');
  const sha = facts.sha256 ?? '';
  return t(key, {
    file: sha === '' ? t('defect.fileUnknown') : t('defect.file', { sha: `${sha.slice(0, 16)}…` }),
    found: facts.found ?? '',
    expected: facts.expected ?? '',
    sealed: facts.sealed ?? '',
    person: facts.person ? ctx.person(facts.person) : '',
    at: when('at'),
    from: when('from'),
    until: when('until'),
    length: facts.seconds ? duration(Number(facts.seconds), ctx.language) : '',
  });
}
