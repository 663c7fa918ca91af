import type { EventOut } from './live/protocol';

export interface RulingEntry {
  country: string;
  court: string;
  ruling: string;
  effect: 'excluded' | 'admitted';
  occurredAt: string;
}

/** What an item's events say of the courts' rulings on it (by date) and of the state it was
 * collected in (the last recorded; null: not recorded). Withheld events, with no data, are
 * left out. */
export function rulingsOf(events: EventOut[]): { rulings: RulingEntry[]; territory: string | null } {
  const rulings: RulingEntry[] = [];
  let territory: string | null = null;
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'EvidenceItem.TerritoryRecorded' && typeof data.country === 'string') territory = data.country;
    if (event.type !== 'EvidenceItem.RulingRecorded') continue;
    const { country, court, ruling, effect, occurred_at: occurredAt } = data;
    if (
      typeof country === 'string' &&
      typeof court === 'string' &&
      typeof ruling === 'string' &&
      (effect === 'excluded' || effect === 'admitted') &&
      typeof occurredAt === 'string'
    )
      rulings.push({ country, court, ruling, effect, occurredAt });
  }
  return { rulings: rulings.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt)), territory };
}
