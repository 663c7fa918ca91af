/** Dates and times in the user's locale and time zone; the UTC time goes in a title. */

// a formatter is costly to make and the register shows many dates per frame: one per language
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, kind: 'moment' | 'day'): Intl.DateTimeFormat {
  const key = `${language}|${kind}`;
  let made = formatters.get(key);
  if (made === undefined) {
    made =
      kind === 'moment'
        ? new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' })
        : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
    formatters.set(key, made);
  }
  return made;
}

export function localDateTime(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatter(language, 'moment').format(date);
}

export function localDate(isoDate: string, language: string): string {
  // a calendar date (no time): read and shown in UTC so it does not move a day
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return formatter(language, 'day').format(date);
}

export function utcTitle(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Whether a due date (YYYY-MM-DD) is before today, in the user's calendar. */
export function isOverdue(dueOn: string, now: Date = new Date()): boolean {
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return dueOn.slice(0, 10) < today;
}
