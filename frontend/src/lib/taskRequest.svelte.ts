/** A task the user asked to open from elsewhere (e.g. the inbox): the board opens its
 * details once it shows that task. */
const wanted = $state({ taskId: null as string | null });

export const taskRequest = {
  get taskId(): string | null {
    return wanted.taskId;
  },
};

export function askToOpenTask(taskId: string): void {
  wanted.taskId = taskId;
}

export function taskOpened(): void {
  wanted.taskId = null;
}
