import { conflictVersion, problemText } from '../api/client';

/** What became of a write to a record: done, refused because someone changed the record
 * first (409, with its current version), or refused for another reason. */
export type ChangeResult<T> =
  | { kind: 'done'; value: T }
  | { kind: 'conflict'; version: number | null; detail: string }
  | { kind: 'refused'; detail: string };

export async function recordChange<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<ChangeResult<T>> {
  let outcome: { data?: T; error?: unknown; response: Response };
  try {
    outcome = await request;
  } catch (failure) {
    return { kind: 'refused', detail: failure instanceof Error ? failure.message : String(failure) };
  }
  const { data, error, response } = outcome;
  if (data !== undefined && response.ok) return { kind: 'done', value: data };
  const detail = problemText(error, response.statusText);
  if (response.status === 409 || response.status === 412) {
    return { kind: 'conflict', version: conflictVersion(error), detail };
  }
  return { kind: 'refused', detail };
}
