import type { EventOut } from './live/protocol';

/** A consent of the originating party to another party's use of an item. */
export interface Consent {
  toCountry: string;
  purpose: string;
  offence: string;
  conditions: string;
  grantedAt: string;
  /** when it was withdrawn, and why (null: in force) */
  withdrawn: { at: string; reason: string } | null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The item's consents from its events, oldest first: each grant, and its withdrawal if
 * one followed (a grant after a withdrawal is a new consent). */
export function consentsOf(events: readonly EventOut[]): Consent[] {
  const found: Consent[] = [];
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    const key = [text(data.to_country), text(data.purpose), text(data.offence)];
    const at = text(data.occurred_at) || event.recorded_at;
    if (event.type === 'EvidenceItem.ConsentGranted') {
      found.push({ toCountry: key[0]!, purpose: key[1]!, offence: key[2]!, conditions: text(data.conditions), grantedAt: at, withdrawn: null });
    } else if (event.type === 'EvidenceItem.ConsentWithdrawn') {
      const open = found.find((c) => c.withdrawn === null && c.toCountry === key[0] && c.purpose === key[1] && c.offence === key[2]);
      if (open !== undefined) open.withdrawn = { at, reason: text(data.reason) };
    }
  }
  return found;
}

/** A party's request for the originating party's consent, and its answer once given. */
export interface ConsentRequest {
  byCountry: string;
  /** whom the consent would cover: the asking party, or the state of an onward transfer */
  toCountry: string;
  purpose: string;
  offence: string;
  note: string;
  askedAt: string;
  answer: { granted: boolean; at: string; reason: string } | null;
}

/** The item's requests for consent from its events, oldest first, each with the grant or
 * refusal that answered it (same party, purpose and offence, while it was open). */
export function requestsOf(events: readonly EventOut[]): ConsentRequest[] {
  const found: ConsentRequest[] = [];
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    const key = [text(data.to_country), text(data.purpose), text(data.offence)];
    const at = text(data.occurred_at) || event.recorded_at;
    if (event.type === 'EvidenceItem.ConsentRequested') {
      found.push({
        byCountry: text(data.by_country),
        toCountry: key[0]!,
        purpose: key[1]!,
        offence: key[2]!,
        note: text(data.note),
        askedAt: at,
        answer: null,
      });
    } else if (event.type === 'EvidenceItem.ConsentGranted' || event.type === 'EvidenceItem.ConsentRefused') {
      const open = found.find((r) => r.answer === null && r.toCountry === key[0] && r.purpose === key[1] && r.offence === key[2]);
      if (open !== undefined) {
        open.answer = { granted: event.type === 'EvidenceItem.ConsentGranted', at, reason: text(data.reason) };
      }
    }
  }
  return found;
}

/** A condition the sender attached to the item, and whether it was met or lifted. */
export interface Condition {
  number: number;
  kind: string;
  text: string;
  /** the party it binds; empty: every recipient */
  toCountry: string;
  attachedAt: string;
  closed: { lifted: boolean; at: string; why: string } | null;
}

export function conditionsOf(events: readonly EventOut[]): Condition[] {
  const found: Condition[] = [];
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    const at = text(data.occurred_at) || event.recorded_at;
    const number = typeof data.number === 'number' ? data.number : 0;
    if (event.type === 'EvidenceItem.ConditionAttached') {
      found.push({ number, kind: text(data.kind), text: text(data.text), toCountry: text(data.to_country), attachedAt: at, closed: null });
    } else if (event.type === 'EvidenceItem.ConditionMet' || event.type === 'EvidenceItem.ConditionLifted') {
      const condition = found.find((c) => c.number === number);
      if (condition !== undefined) {
        const lifted = event.type === 'EvidenceItem.ConditionLifted';
        condition.closed = { lifted, at, why: text(lifted ? data.reason : data.note) };
      }
    }
  }
  return found;
}

/** The item's transfers on to states outside the JIT. */
export interface Onward {
  byCountry: string;
  toCountry: string;
  recipient: string;
  reason: string;
  at: string;
}

export function onwardOf(events: readonly EventOut[]): Onward[] {
  return events
    .filter((e) => e.type === 'EvidenceItem.SentOnward')
    .map((event) => {
      const data = event.data as Record<string, unknown>;
      return {
        byCountry: event.actor.country,
        toCountry: text(data.to_country),
        recipient: text(data.recipient),
        reason: text(data.reason),
        at: text(data.occurred_at) || event.recorded_at,
      };
    });
}
