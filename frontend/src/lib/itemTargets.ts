import type { EventOut } from './live/protocol';

export interface Identifier {
  kind: 'person' | 'phone_number' | 'account' | 'device' | 'other';
  value: string;
}

/** What the item's events say of its target: whom it concerns (the last list recorded
 * replaces the ones before) and where the target was (the last state recorded). */
export function targetsOf(events: readonly EventOut[]): { concerns: Identifier[] | null; where: string | null } {
  let concerns: Identifier[] | null = null;
  let where: string | null = null;
  for (const event of events) {
    const data = event.data as Record<string, unknown> | null;
    if (data === null) continue;
    if (event.type === 'EvidenceItem.ConcernsRecorded' && Array.isArray(data.identifiers)) {
      concerns = data.identifiers as Identifier[];
    } else if (event.type === 'EvidenceItem.TargetLocated' && typeof data.country === 'string') {
      where = data.country;
    }
  }
  return { concerns, where };
}
