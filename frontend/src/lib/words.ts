import { hasMessage, t, type MessageKey } from '../i18n/index.svelte';
import { describeEvent, personFull, personShort, type ActivityContext } from './activity';
import type { InvestigationContext } from './investigation.svelte';
import type { EventOut } from './live/protocol';

/** A word the API sends (a role, a kind, a status) in the user's language; the API's own
 * word when there is no message for it. */
export function word(prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const key = `${prefix}.${value}`;
  return hasMessage(key) ? t(key) : value.replaceAll('_', ' ');
}

function activityContext(investigation: InvestigationContext): ActivityContext {
  return {
    person: investigation.person,
    reference: investigation.reference,
    taskTitle: investigation.taskTitle,
    hasMessage,
  };
}

export function describe(investigation: InvestigationContext, event: EventOut): string {
  return describeEvent(event, t, activityContext(investigation));
}

/** A list typed as words separated by commas (targets, places, offences...). */
export function listOf(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A member's name, country and role; never a raw id. */
export function fullName(investigation: InvestigationContext, userId: string | null | undefined): string {
  return personFull(investigation.member(userId), t, activityContext(investigation));
}

export function shortName(investigation: InvestigationContext, userId: string | null | undefined): string {
  return personShort(investigation.member(userId), t);
}

export type { MessageKey };
