/** The history control: the point of the log the screens show the investigation at (null:
 * now). A time means "what the team had recorded by then"; the screens that can read the
 * past pass it to the API as `as_of`, the others say they show now. */
export const history = $state<{ asOf: string | null }>({ asOf: null });

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
  return history.asOf === null ? {} : { as_of: history.asOf };
}

/** A moment the user chose (a datetime-local value, in their time zone) as the API reads
 * it: ISO 8601 with its offset; null if it is not a moment. */
export function chosenMoment(local: string): string | null {
  const date = new Date(local);
  return local === '' || Number.isNaN(date.getTime()) ? null : date.toISOString();
}
