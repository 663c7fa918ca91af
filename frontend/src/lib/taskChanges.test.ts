import { describe, expect, it } from 'vitest';
import { editChangesTask, rebaseEdit, taskChanges } from './taskChanges';

const base = { version: 3, title: 'Trace the van', due_on: '2026-03-01' };

describe('task changes after a conflict', () => {
  it('names a new title and a new or removed due date', () => {
    expect(taskChanges(base, { version: 4, title: 'Trace the red van', due_on: '2026-03-01' })).toEqual([
      { kind: 'title', title: 'Trace the red van' },
    ]);
    expect(taskChanges(base, { version: 4, title: base.title, due_on: '2026-04-01' })).toEqual([
      { kind: 'due', dueOn: '2026-04-01' },
    ]);
    expect(taskChanges(base, { version: 4, title: base.title, due_on: null })).toEqual([{ kind: 'dueRemoved' }]);
  });

  it('says something else changed when title and due date are the same', () => {
    expect(taskChanges(base, { ...base, version: 5 })).toEqual([{ kind: 'other' }]);
    expect(taskChanges(base, base)).toEqual([]);
  });

  it('knows when the form changes nothing', () => {
    expect(editChangesTask(base, ' Trace the van ', '2026-03-01')).toBe(false);
    expect(editChangesTask(base, 'Trace the van', '')).toBe(true);
    expect(editChangesTask({ ...base, due_on: null }, 'Trace the van', '')).toBe(false);
  });

  it('keeps what the user changed and takes the rest from the current task', () => {
    const current = { version: 4, title: 'Trace the red van', due_on: '2026-04-01' };
    expect(rebaseEdit(base, current, { title: 'Trace the vans', dueOn: '2026-03-01' })).toEqual({
      title: 'Trace the vans',
      dueOn: '2026-04-01',
    });
    expect(rebaseEdit(base, current, { title: 'Trace the van', dueOn: '' })).toEqual({
      title: 'Trace the red van',
      dueOn: '',
    });
  });
});
