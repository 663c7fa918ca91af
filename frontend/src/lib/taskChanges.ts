/** What someone else changed in a task between the version a form was filled from and the
 * current one (after a 409), so the user can be told in words. */
export interface TaskFields {
  version: number;
  title: string;
  due_on: string | null;
}

export type TaskChange =
  | { kind: 'title'; title: string }
  | { kind: 'due'; dueOn: string }
  | { kind: 'dueRemoved' }
  | { kind: 'other' };

export function taskChanges(before: TaskFields, after: TaskFields): TaskChange[] {
  const changes: TaskChange[] = [];
  if (after.title !== before.title) changes.push({ kind: 'title', title: after.title });
  if (after.due_on !== before.due_on) {
    changes.push(after.due_on === null ? { kind: 'dueRemoved' } : { kind: 'due', dueOn: after.due_on });
  }
  if (changes.length === 0 && after.version !== before.version) changes.push({ kind: 'other' });
  return changes;
}

/** Whether the form would change anything (the API refuses an unchanged edit). */
export function editChangesTask(task: TaskFields, title: string, dueOn: string): boolean {
  return title.trim() !== task.title || (dueOn === '' ? null : dueOn) !== task.due_on;
}

/** The form after a conflict: what the user changed stays theirs; what they left alone
 * takes the current value, so saving again does not undo someone else's change. */
export function rebaseEdit(
  before: TaskFields,
  current: TaskFields,
  typed: { title: string; dueOn: string },
): { title: string; dueOn: string } {
  const typedDue = typed.dueOn === '' ? null : typed.dueOn;
  return {
    title: typed.title.trim() !== before.title ? typed.title : current.title,
    dueOn: typedDue !== before.due_on ? typed.dueOn : (current.due_on ?? ''),
  };
}
