import { describe, expect, it } from 'vitest';
import type { EventOut } from './live/protocol';
import type { ActivityContext, Person, Translate } from './activity';
import {
  collect,
  describeNotification,
  emptyFeed,
  loadReadMark,
  markAllRead,
  notificationsFor,
  readMarkKey,
  saveReadMark,
  unreadCount,
  type InboxFeed,
} from './inbox';

const ines = 'u-ines';
const pieter = 'u-pieter';
const anna = 'u-anna';
const countries: Record<string, string> = { [ines]: 'FR', [pieter]: 'BE', [anna]: 'NL' };

let position = 0;
function event(type: string, actor: string, aggregate: string, data: Record<string, unknown> = {}): EventOut {
  position += 1;
  return {
    position,
    type,
    aggregate_id: aggregate,
    aggregate_version: 1,
    investigation_id: 'inv',
    recorded_at: '2026-01-01T10:00:00Z',
    actor: { user_id: actor, country: countries[actor] ?? 'FR', role: 'investigator' },
    data,
    withheld: [],
  };
}

function feedOf(...events: EventOut[]): InboxFeed {
  const feed = emptyFeed();
  for (const e of events) collect(feed, e);
  return feed;
}

const people: Record<string, Person> = {
  [ines]: { name: 'Inès Martin', country: 'FR', role: 'investigator' },
  [pieter]: { name: 'Pieter Claes', country: 'BE', role: 'investigator' },
};
const ctx: ActivityContext = {
  person: (id) => people[id] ?? null,
  reference: (id) => (id === 'item-7' ? 'FR-DOC-7' : null),
  taskTitle: (id) => (id === 'task-1' ? 'Trace the van' : null),
  hasMessage: (key): key is never => false,
};
const t = ((key: string, params: Record<string, string> = {}) =>
  `${key}(${Object.values(params).join('|')})`) as unknown as Translate;

describe('inbox notifications', () => {
  it('tells me a task was assigned to me, not one assigned to someone else', () => {
    const feed = feedOf(
      event('Task.Assigned', pieter, 'task-1', { assignee_id: ines }),
      event('Task.Assigned', pieter, 'task-2', { assignee_id: anna }),
    );
    const notes = notificationsFor(feed, ines);
    expect(notes.map((n) => [n.kind, n.record])).toEqual([['assigned', { kind: 'task', id: 'task-1' }]]);
  });

  it('tells me a handover awaits my receipt, and says so once it is received', () => {
    const handover = event('EvidenceItem.HandedOver', pieter, 'item-7', { recipient_id: ines });
    expect(notificationsFor(feedOf(handover), ines)[0]).toMatchObject({ kind: 'handover', settled: false });
    const received = feedOf(handover, event('EvidenceItem.Received', ines, 'item-7'));
    expect(notificationsFor(received, ines)[0]).toMatchObject({ kind: 'handover', settled: true });
    expect(notificationsFor(received, pieter)).toEqual([]);
  });

  it('counts a transfer to another party for me as a handover', () => {
    const feed = feedOf(event('EvidenceItem.TransferredToParty', pieter, 'item-7', { recipient_id: ines, country: 'FR' }));
    expect(notificationsFor(feed, ines).map((n) => n.kind)).toEqual(['handover']);
  });

  it('tells the custodian at that moment about a hash mismatch', () => {
    const feed = feedOf(
      event('EvidenceItem.Registered', anna, 'item-7'),
      event('EvidenceItem.Collected', anna, 'item-7'),
      event('EvidenceItem.HandedOver', anna, 'item-7', { recipient_id: ines }),
      event('EvidenceItem.Received', ines, 'item-7'),
      event('EvidenceItem.IntegrityViolated', pieter, 'item-7', { file_id: 'f' }),
    );
    expect(notificationsFor(feed, ines).map((n) => n.kind)).toEqual(['integrity', 'handover']);
    expect(notificationsFor(feed, anna)).toEqual([]);
  });

  it('tells the registrar about a hash mismatch on an item nobody holds', () => {
    const feed = feedOf(
      event('EvidenceItem.Registered', anna, 'item-7'),
      event('EvidenceItem.IntegrityViolated', pieter, 'item-7', { file_id: 'f' }),
    );
    expect(notificationsFor(feed, anna).map((n) => n.kind)).toEqual(['integrity']);
    expect(notificationsFor(feed, ines)).toEqual([]);
  });

  it('tells me I was mentioned on an item or a task, newest first', () => {
    const feed = feedOf(
      event('EvidenceItem.Commented', pieter, 'item-7', { comment: 'see', mentions: [ines] }),
      event('Task.Commented', anna, 'task-1', { comment: null, mentions: [ines, pieter] }),
      event('Task.Commented', anna, 'task-1', { comment: 'x', mentions: [pieter] }),
    );
    const notes = notificationsFor(feed, ines);
    expect(notes.map((n) => [n.kind, n.record.kind])).toEqual([
      ['mention', 'task'],
      ['mention', 'evidence'],
    ]);
    expect(notes[0]!.position).toBeGreaterThan(notes[1]!.position);
  });

  it('never notifies me of my own actions', () => {
    const feed = feedOf(
      event('Task.Assigned', ines, 'task-1', { assignee_id: ines }),
      event('Task.Commented', ines, 'task-1', { comment: 'note to self', mentions: [ines] }),
      event('EvidenceItem.Collected', ines, 'item-7'),
      event('EvidenceItem.IntegrityViolated', ines, 'item-7', { file_id: 'f' }),
    );
    expect(notificationsFor(feed, ines)).toEqual([]);
  });

  it('says each notification in words, with names, references and titles', () => {
    const feed = feedOf(
      event('Task.Assigned', pieter, 'task-1', { assignee_id: ines }),
      event('EvidenceItem.HandedOver', pieter, 'item-7', { recipient_id: ines }),
      event('EvidenceItem.Commented', pieter, 'item-7', { comment: 'x', mentions: [ines] }),
    );
    const words = notificationsFor(feed, ines).map((n) => describeNotification(n, t, ctx));
    expect(words).toEqual([
      'inbox.mentionEvidence(actor.full(Pieter Claes|BE|investigator)|FR-DOC-7)',
      'inbox.handover(actor.full(Pieter Claes|BE|investigator)|FR-DOC-7)',
      'inbox.assigned(actor.full(Pieter Claes|BE|investigator)|Trace the van)',
    ]);
  });
});

describe('inbox read marks', () => {
  function memoryStore(): Map<string, string> & { getItem(k: string): string | null; setItem(k: string, v: string): void } {
    const map = new Map<string, string>();
    return Object.assign(map, {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    });
  }

  it('counts what came after the mark as unread; opening marks all read', () => {
    const feed = feedOf(
      event('Task.Assigned', pieter, 'task-1', { assignee_id: ines }),
      event('Task.Assigned', pieter, 'task-2', { assignee_id: ines }),
    );
    const notes = notificationsFor(feed, ines);
    expect(unreadCount(notes, 0)).toBe(2);
    const mark = markAllRead(notes, 0);
    expect(unreadCount(notes, mark)).toBe(0);
    expect(markAllRead([], mark)).toBe(mark);
  });

  it('keeps marks per member and investigation', () => {
    const store = memoryStore();
    saveReadMark(store, readMarkKey(ines, 'inv-a'), 12);
    expect(loadReadMark(store, readMarkKey(ines, 'inv-a'))).toBe(12);
    expect(loadReadMark(store, readMarkKey(ines, 'inv-b'))).toBe(0);
    expect(loadReadMark(store, readMarkKey(pieter, 'inv-a'))).toBe(0);
  });

  it('treats a broken or refusing store as nothing read', () => {
    const store = memoryStore();
    store.setItem(readMarkKey(ines, 'inv'), 'garbage');
    expect(loadReadMark(store, readMarkKey(ines, 'inv'))).toBe(0);
    const refusing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadReadMark(refusing, 'k')).toBe(0);
    expect(() => saveReadMark(refusing, 'k', 3)).not.toThrow();
  });
});
