import type { Schemas } from '../api/client';

export type TaskSummary = Schemas['TaskSummary'];
export type TaskStatus = Schemas['TaskStatus'];
export type Column = 'todo' | 'doing' | 'done';

/** The board's three columns over the API's five statuses: blocked work is still in
 * progress, cancelled work is finished. */
export const columnOf: Record<TaskStatus, Column> = {
  open: 'todo',
  in_progress: 'doing',
  blocked: 'doing',
  done: 'done',
  cancelled: 'done',
};

export const columns: Column[] = ['todo', 'doing', 'done'];

export function byColumn(tasks: TaskSummary[]): Record<Column, TaskSummary[]> {
  const board: Record<Column, TaskSummary[]> = { todo: [], doing: [], done: [] };
  for (const task of tasks) board[columnOf[task.status]].push(task);
  for (const column of columns) {
    board[column].sort(
      (a, b) => (a.due_on ?? '9999').localeCompare(b.due_on ?? '9999') || a.created_at.localeCompare(b.created_at),
    );
  }
  return board;
}
