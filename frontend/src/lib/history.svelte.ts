/** The history control: the point of the log the screens show the investigation at (null:
 * now), and how a time is read. `recorded`: what the team knew then, what it had recorded by
 * then (the screens that can read the past pass it to the API as `as_of`); `occurred`: what
 * was true then, the facts dated up to then as the team knows them now (an item's custody,
 * its verdicts); the other screens say they show now. A log position is always `recorded`. */
export type HistoryMode = 'recorded' | 'occurred';
export const history = $state<{ asOf: string | null; mode: HistoryMode }>({ asOf: null, mode: 'recorded' });

/** Whether the screens show what was true at a time, rather than what was known. */
export function showsTrueThen(): boolean {
  return history.asOf !== null && history.mode === 'occurred' && !isPosition(history.asOf);
}

/** Whether the point chosen is a log position (digits) rather than a time. */
export function isPosition(asOf: string): boolean {
  return /^\d+$/.test(asOf);
}

/** Whether an event was recorded after the point chosen. */
export function recordedAfter(event: { position: number; recorded_at: string }, asOf: string): boolean {
  return isPosition(asOf) ? event.position > Number(asOf) : new Date(event.recorded_at) > new Date(asOf);
}

/** The `as_of` query parameter for a read, if the user looks at the past. */
export function asOfQuery(): { as_of?: string } {
  return history.asOf === null || showsTrueThen() ? {} : { as_of: history.asOf };
}

interface Step {
  occurred_at: string;
  custodian_id?: string | null;
}

/** An item's custody as it was at `at` by the dates its steps happened (as recorded now):
 * the steps that had happened by then, in the order they happened, and who held the item
 * after the last of them (null: nobody yet). */
export function custodyTrueAt<S extends Step>(entries: S[], at: string): { steps: S[]; custodian: string | null } {
  const moment = new Date(at).getTime();
  const steps = entries
    .filter((s) => new Date(s.occurred_at).getTime() <= moment)
    .sort((a, b) => new Date(a.occurred_at).getTime() - new Date(b.occurred_at).getTime());
  return { steps, custodian: steps.at(-1)?.custodian_id ?? null };
}

/** A moment the user chose (a datetime-local value, in their time zone) as the API reads
 * it: ISO 8601 with its offset; null if it is not a moment. */
export function chosenMoment(local: string): string | null {
  const date = new Date(local);
  return local === '' || Number.isNaN(date.getTime()) ? null : date.toISOString();
}
