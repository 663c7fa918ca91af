import type { EventOut } from './live/protocol';
import { personFull, type ActivityContext, type Translate } from './activity';

/** What the inbox keeps from the live feed, for any member: the events that may concern
 * someone, and who held each item (so a hash mismatch reaches its custodian). It is folded
 * from the whole log, from the start, because the activity list keeps only recent events. */
export interface InboxFeed {
  /** events that may be someone's notification, oldest first */
  candidates: Candidate[];
  /** evidence id -> the user id of its custodian now (null: nobody holds it) */
  holders: Record<string, string | null>;
  /** evidence id -> the user id of who registered it */
  registrars: Record<string, string>;
  /** evidence id -> the log position of its latest receipt */
  receivedAt: Record<string, number>;
}

export interface Candidate {
  event: EventOut;
  /** for a hash mismatch: who held the item, and who registered it, at that moment */
  holder?: string | null;
  registrar?: string | null;
}

export type NotificationKind = 'assigned' | 'handover' | 'integrity' | 'mention';

export interface Notification {
  /** the log position of the event: unique, and orders notifications */
  position: number;
  kind: NotificationKind;
  event: EventOut;
  record: { kind: 'evidence' | 'task'; id: string };
  /** a handover that has since been received */
  settled: boolean;
}

export function emptyFeed(): InboxFeed {
  return { candidates: [], holders: {}, registrars: {}, receivedAt: {} };
}

const candidateTypes = new Set([
  'Task.Assigned',
  'EvidenceItem.HandedOver',
  'EvidenceItem.TransferredToParty',
  'EvidenceItem.IntegrityViolated',
  'EvidenceItem.Commented',
  'Task.Commented',
]);

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Takes one event of the log into the feed (events arrive in log order). */
export function collect(feed: InboxFeed, event: EventOut): void {
  const item = event.aggregate_id;
  switch (event.type) {
    case 'EvidenceItem.Registered':
      feed.registrars[item] = event.actor.user_id;
      break;
    case 'EvidenceItem.Collected':
      feed.holders[item] = event.actor.user_id;
      break;
    case 'EvidenceItem.Received':
      feed.holders[item] = event.actor.user_id;
      feed.receivedAt[item] = event.position;
      break;
    case 'EvidenceItem.Returned':
    case 'EvidenceItem.Destroyed':
      feed.holders[item] = null;
      break;
  }
  if (!candidateTypes.has(event.type)) return;
  if (event.type === 'EvidenceItem.IntegrityViolated') {
    feed.candidates.push({ event, holder: feed.holders[item] ?? null, registrar: feed.registrars[item] ?? null });
  } else {
    feed.candidates.push({ event });
  }
}

function mentions(event: EventOut): string[] {
  const list = (event.data as Record<string, unknown>).mentions;
  return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : [];
}

function kindFor(candidate: Candidate, me: string): NotificationKind | null {
  const { event } = candidate;
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'Task.Assigned':
      return text(data.assignee_id) === me ? 'assigned' : null;
    case 'EvidenceItem.HandedOver':
    case 'EvidenceItem.TransferredToParty':
      return text(data.recipient_id) === me ? 'handover' : null;
    case 'EvidenceItem.IntegrityViolated':
      // whoever holds the item answers for it; an item nobody holds yet, its registrar
      if (candidate.holder === me) return 'integrity';
      return candidate.holder === null && candidate.registrar === me ? 'integrity' : null;
    case 'EvidenceItem.Commented':
    case 'Task.Commented':
      return mentions(event).includes(me) ? 'mention' : null;
    default:
      return null;
  }
}

/** The signed-in member's notifications, newest first; never for what they did themselves. */
export function notificationsFor(feed: InboxFeed, me: string): Notification[] {
  const found: Notification[] = [];
  for (const candidate of feed.candidates) {
    const { event } = candidate;
    if (event.actor.user_id === me) continue;
    const kind = kindFor(candidate, me);
    if (kind === null) continue;
    const onTask = event.type.startsWith('Task.');
    const received = feed.receivedAt[event.aggregate_id];
    found.push({
      position: event.position,
      kind,
      event,
      record: { kind: onTask ? 'task' : 'evidence', id: event.aggregate_id },
      settled: kind === 'handover' && received !== undefined && received > event.position,
    });
  }
  return found.sort((a, b) => b.position - a.position);
}

/** A notification in people's words. */
export function describeNotification(note: Notification, t: Translate, ctx: ActivityContext): string {
  const { event } = note;
  const data = event.data as Record<string, unknown>;
  const actor = personFull(
    ctx.person(event.actor.user_id) ?? { name: t('app.unknownMember'), country: event.actor.country, role: event.actor.role },
    t,
    ctx,
  );
  const item = ctx.reference(event.aggregate_id) ?? t('activity.record.evidence');
  const task = text(data.title) ?? ctx.taskTitle(event.aggregate_id) ?? t('activity.record.task');
  switch (note.kind) {
    case 'assigned':
      return t('inbox.assigned', { actor, task });
    case 'handover':
      return t(note.settled ? 'inbox.handoverReceived' : 'inbox.handover', { actor, item });
    case 'integrity':
      return t('inbox.integrity', { actor, item });
    case 'mention':
      return note.record.kind === 'task'
        ? t('inbox.mentionTask', { actor, task })
        : t('inbox.mentionEvidence', { actor, item });
  }
}

/** Read marks: the highest log position the member has seen in their inbox, kept per
 * member and investigation. */
export interface MarkStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function readMarkKey(userId: string, investigationId: string): string {
  return `jitspace.inbox.read.${userId}.${investigationId}`;
}

export function loadReadMark(store: MarkStore | undefined, key: string): number {
  try {
    const value = Number(store?.getItem(key) ?? 0);
    return Number.isFinite(value) && value > 0 ? value : 0;
  } catch {
    return 0; // storage refused (private mode): everything counts as unread
  }
}

export function saveReadMark(store: MarkStore | undefined, key: string, position: number): void {
  try {
    store?.setItem(key, String(position));
  } catch {
    // storage refused: the marks last as long as the page
  }
}

export function unreadCount(notifications: Notification[], readUpTo: number): number {
  return notifications.filter((note) => note.position > readUpTo).length;
}

/** The position that marks everything listed as read (never moves a mark backwards). */
export function markAllRead(notifications: Notification[], readUpTo: number): number {
  return notifications.reduce((highest, note) => Math.max(highest, note.position), readUpTo);
}
