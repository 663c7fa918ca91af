import type { EventOut } from './live/protocol';

export interface Learned {
  references: Record<string, string>;
  taskTitles: Record<string, string>;
  /** evidence id -> the user id of who is to confirm receipt */
  awaiting: Record<string, string>;
}

/** What phrasing and the overview keep from an event: references, task titles, pending
 * receipts. */
export function learn(into: Learned, event: EventOut): void {
  const data = event.data as Record<string, unknown>;
  if (event.type === 'EvidenceItem.Registered' && typeof data.reference === 'string') {
    into.references[event.aggregate_id] = data.reference;
  }
  if (event.type === 'Task.Created' && typeof data.title === 'string') {
    into.taskTitles[event.aggregate_id] = data.title;
  }
  if (event.type === 'Task.Edited' && typeof data.title === 'string') {
    into.taskTitles[event.aggregate_id] = data.title;
  }
  if (event.type === 'EvidenceItem.HandedOver' || event.type === 'EvidenceItem.TransferredToParty') {
    if (typeof data.recipient_id === 'string') into.awaiting[event.aggregate_id] = data.recipient_id;
  }
  if (event.type === 'EvidenceItem.Received') delete into.awaiting[event.aggregate_id];
}
