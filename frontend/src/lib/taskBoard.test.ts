import { describe, expect, it } from 'vitest';
import { byColumn, type TaskSummary } from './taskBoard';

const task = (id: string, status: TaskSummary['status'], due_on: string | null = null): TaskSummary => ({
  id,
  title: id,
  status,
  assignee_id: null,
  due_on,
  created_at: '2025-01-01T00:00:00Z',
  version: 1,
});

describe('task board', () => {
  it('maps the five statuses onto three columns, earliest due first', () => {
    const board = byColumn([
      task('a', 'open', '2025-03-01'),
      task('b', 'blocked'),
      task('c', 'cancelled'),
      task('d', 'open', '2025-02-01'),
      task('e', 'in_progress'),
      task('f', 'done'),
    ]);
    expect(board.todo.map((t) => t.id)).toEqual(['d', 'a']);
    expect(board.doing.map((t) => t.id).sort()).toEqual(['b', 'e']);
    expect(board.done.map((t) => t.id).sort()).toEqual(['c', 'f']);
  });
});
