import type { MessageKey, Params } from '../i18n/index.svelte';
import type { EventOut } from './live/protocol';

export type Translate = (key: MessageKey, params?: Params) => string;

/** One step of an authorisation's life, for its timeline: when it happened (the fact's own
 * date where it has one), and what happened in words. */
export interface Step {
  position: number;
  at: string;
  text: string;
  /** a step that ends or cuts what the authorisation covers */
  ending: boolean;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The authorisation's events as the steps of its validity, oldest first. `when` formats a
 * moment for the reader (their locale and time zone). */
export function authorisationSteps(events: readonly EventOut[], t: Translate, when: (iso: string) => string): Step[] {
  return events.map((event) => {
    const data = event.data as Record<string, unknown>;
    const at = text(data.occurred_at) || event.recorded_at;
    const kind = event.type.split('.')[1] ?? '';
    const params: Params = {
      authority: text(data.authority),
      from: data.valid_from ? when(text(data.valid_from)) : '',
      until: data.valid_until ? when(text(data.valid_until)) : '',
      reason: text(data.reason),
      judge: text(data.judge),
      court: text(data.court),
      ruling: text(data.ruling),
      issuer: text(data.issuer) === '' ? '' : t(`issuer.${text(data.issuer)}` as MessageKey),
      offences:
        Array.isArray(data.offences) && data.offences.length > 0
          ? `, ${t('authorisations.forOffences', { offences: data.offences.join(', ') })}`
          : '',
      urgent: data.urgent === true ? `, ${t('authorisations.urgentWord')}` : '',
      state: text(data.to_country) || text(data.by_country),
    };
    const known = [
      'Recorded',
      'Qualified',
      'Amended',
      'Extended',
      'Confirmed',
      'Annulled',
      'Revoked',
      'NotificationSent',
      'NotificationReceived',
      'ObjectionRaised',
      'NoNotificationMade',
      'MeasureEntrusted',
      'FormalitiesRequested',
      'FormalityReported',
    ];
    const key = (known.includes(kind) ? `authorisations.step.${kind}` : 'authorisations.step.other') as MessageKey;
    return { position: event.position, at, text: t(key, params), ending: kind === 'Annulled' || kind === 'Revoked' };
  });
}

/** Where an authorisation stands at `now`: in force, not yet, expired, revoked, annulled. */
export function standing(
  authorisation: { valid_from: string; valid_until: string; revoked: boolean; annulled: boolean },
  now: Date,
): 'annulled' | 'revoked' | 'pending' | 'expired' | 'in-force' {
  if (authorisation.annulled) return 'annulled';
  if (authorisation.revoked) return 'revoked';
  if (new Date(authorisation.valid_from) > now) return 'pending';
  if (new Date(authorisation.valid_until) < now) return 'expired';
  return 'in-force';
}
