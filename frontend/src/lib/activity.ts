import type { EventOut } from './live/protocol';
import type { MessageKey, Params } from '../i18n/index.svelte';

export type Translate = (key: MessageKey, params?: Params) => string;

export interface Person {
  name: string;
  country: string;
  role: string;
}

/** What phrasing an event needs to know beyond the event itself. */
export interface ActivityContext {
  person(userId: string): Person | null;
  /** the reference of an evidence item, by its id */
  reference(evidenceId: string): string | null;
  /** the title of a task, by its id */
  taskTitle(taskId: string): string | null;
  hasMessage(key: string): key is MessageKey;
}

const recordKinds: Record<string, MessageKey> = {
  EvidenceItem: 'activity.record.evidence',
  Task: 'activity.record.task',
  LegalAuthorisation: 'activity.record.authorisation',
  Investigation: 'activity.record.investigation',
  Rulebook: 'activity.record.rulebook',
};

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function roleWord(role: string, t: Translate, ctx: ActivityContext): string {
  const key = `role.${role}`;
  return ctx.hasMessage(key) ? t(key) : role;
}

/** "Inès Martin (FR, investigator)" */
export function personFull(person: Person | null, t: Translate, ctx: ActivityContext): string {
  if (person === null) return t('app.unknownMember');
  return t('actor.full', { name: person.name, country: person.country, role: roleWord(person.role, t, ctx) });
}

/** "Pieter Claes (BE)" */
export function personShort(person: Person | null, t: Translate): string {
  if (person === null) return t('app.unknownMember');
  return t('actor.short', { name: person.name, country: person.country });
}

/** One event of the log in people's words, with names, references and titles. */
export function describeEvent(event: EventOut, t: Translate, ctx: ActivityContext): string {
  const data = event.data as Record<string, unknown>;
  const [aggregate = ''] = event.type.split('.');
  const actorPerson = ctx.person(event.actor.user_id);
  const actor = personFull(
    actorPerson ?? { name: t('app.unknownMember'), country: event.actor.country, role: event.actor.role },
    t,
    ctx,
  );
  const withheld = (field: string) => (event.withheld ?? []).includes(field);
  const shortOf = (field: string) => {
    const id = text(data[field]);
    return personShort(id === null ? null : ctx.person(id), t);
  };
  const item =
    text(data.reference) ??
    ctx.reference(event.aggregate_id) ??
    t('activity.record.evidence');
  const task = text(data.title) ?? ctx.taskTitle(event.aggregate_id) ?? t('activity.record.task');
  const hidden = t('evidence.withheldBy', { country: text(data.country) ?? '?' });
  const member = (data.member ?? null) as Partial<Person & { user_id: string }> | null;
  const memberId = text(member?.user_id) ?? text(data.user_id);
  const memberPerson =
    member !== null && typeof member.name === 'string'
      ? { name: member.name, country: member.country ?? '', role: member.role ?? '' }
      : memberId === null
        ? null
        : ctx.person(memberId);
  const status = text(data.status);
  const party = data.party as { country?: unknown } | undefined;

  const params: Params = {
    actor,
    item,
    task,
    recipient: shortOf('recipient_id'),
    assignee: shortOf('assignee_id'),
    member: personShort(memberPerson, t),
    seal: withheld('seal_number') ? hidden : (text(data.seal_number) ?? '—'),
    location: withheld('location') ? hidden : (text(data.location) ?? '—'),
    country: text(data.country) ?? text(party?.country) ?? '—',
    state: text(data.to_country) ?? text(data.by_country) ?? '—',
    status: status !== null && ctx.hasMessage(`task.status.${status}`) ? t(`task.status.${status}` as MessageKey) : (status ?? '—'),
    role: roleWord(text(data.role) ?? '', t, ctx),
  };
  const key = `activity.${event.type}`;
  if (ctx.hasMessage(key)) return t(key, params);
  const record = recordKinds[aggregate] ?? 'activity.record.other';
  const recordName = aggregate === 'EvidenceItem' ? item : aggregate === 'Task' ? task : t(record);
  return t('activity.generic', { actor, record: recordName });
}
