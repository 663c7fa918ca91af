import type { components } from '../../api/schema';

export type EventOut = components['schemas']['EventOut'];

export interface Viewer {
  user_id: string;
  username: string;
}

/** What the server sends on `/investigations/{id}/live`. */
export type ServerMessage =
  | { type: 'event'; event: EventOut }
  | { type: 'caught_up'; position: number }
  | { type: 'overflow'; resume_after: number }
  | { type: 'presence'; viewers: Viewer[] }
  // a deadline passed: these items' verdicts changed with no event (read them again)
  | { type: 'verdicts'; evidence_ids: string[] };

/** Close codes the server ends the feed with. */
export const CloseCode = {
  badHello: 4400,
  loggedOut: 4401,
  notMember: 4404,
  tooSlow: 4408,
  full: 1013,
} as const;

export function parseMessage(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || !('type' in value)) return null;
  const message = value as ServerMessage;
  switch (message.type) {
    case 'event':
      return typeof message.event?.position === 'number' ? message : null;
    case 'caught_up':
      return typeof message.position === 'number' ? message : null;
    case 'overflow':
      return typeof message.resume_after === 'number' ? message : null;
    case 'presence':
      return Array.isArray(message.viewers) ? message : null;
    case 'verdicts':
      return Array.isArray(message.evidence_ids) ? message : null;
    default:
      return null;
  }
}
