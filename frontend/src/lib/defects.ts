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

/** A length of time in the largest whole unit that says it well: "3 days", "5 hours". */
export function duration(seconds: number, language: string): string {
  const minutes = seconds / 60;
  const hours = minutes / 60;
  const days = hours / 24;
  const [value, unit] =
    days >= 2 ? [Math.floor(days), 'day'] : hours >= 2 ? [Math.floor(hours), 'hour'] : [Math.max(1, Math.floor(minutes)), 'minute'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
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
