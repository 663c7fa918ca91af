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
