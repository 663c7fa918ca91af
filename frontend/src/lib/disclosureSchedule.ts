import type { EventOut } from './live/protocol';

export type ScheduleStep = 'reviewed' | 'not_relevant' | 'scheduled_used' | 'scheduled_unused' | 'disclosed';

export interface ScheduleEntry {
  country: string;
  step: ScheduleStep;
  occurredAt: string;
  note: string;
}

const known = new Set<string>(['reviewed', 'not_relevant', 'scheduled_used', 'scheduled_unused', 'disclosed']);

/** An item's steps on the forums' disclosure schedules, from its events (a step withheld
 * from the reader, with no data, is left out), by forum, then in the order they happened. */
export function scheduleOf(events: EventOut[]): ScheduleEntry[] {
  const entries: ScheduleEntry[] = [];
  for (const event of events) {
    if (event.type !== 'EvidenceItem.DisclosureStepRecorded') continue;
    const { country, step, occurred_at: occurredAt, note } = event.data as Record<string, unknown>;
    if (typeof country !== 'string' || typeof step !== 'string' || !known.has(step) || typeof occurredAt !== 'string') continue;
    entries.push({ country, step: step as ScheduleStep, occurredAt, note: typeof note === 'string' ? note : '' });
  }
  return entries.sort((a, b) => a.country.localeCompare(b.country) || a.occurredAt.localeCompare(b.occurredAt));
}
