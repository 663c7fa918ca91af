/** The @-mention autocomplete of a comment box: what is being typed, who matches, and the
 * text once a member is picked. */

export interface Mentionable {
  user_id: string;
  name: string;
  country: string;
}

export interface MentionQuery {
  /** where the `@` is in the text */
  start: number;
  /** what follows the `@`, up to the caret */
  query: string;
}

/** The `@name` being typed just before the caret, if any (an `@` inside a word, as in an
 * e-mail address, is not a mention). */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([\p{L}\p{M}'’-]{0,40})$/u.exec(before);
  if (match === null) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}

function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** Members whose name has a word starting with the query (accents and case ignored),
 * without the excluded ones (the writer), at most `limit`. */
export function matchMembers<T extends Mentionable>(members: T[], query: string, exclude: string[] = [], limit = 8): T[] {
  const wanted = fold(query);
  return members
    .filter((member) => !exclude.includes(member.user_id))
    .filter((member) => wanted === '' || fold(member.name).split(/\s+/).some((word) => word.startsWith(wanted)) || fold(member.name).startsWith(wanted))
    .slice(0, limit);
}

/** The text with the typed `@query` replaced by `@Full Name `, and where the caret goes. */
export function insertMention(text: string, at: MentionQuery, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const next = text.slice(0, at.start) + inserted + text.slice(caret);
  return { text: next, caret: at.start + inserted.length };
}
