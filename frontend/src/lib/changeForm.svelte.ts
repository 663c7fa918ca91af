import { t } from '../i18n/index.svelte';
import { announce } from './announcer.svelte';
import { recordChange, type ChangeResult } from './recordChange';

export interface FormMessage {
  text: string;
  error: boolean;
}

/** The state of a panel of forms that record changes: busy while one is sent, and what
 * became of the last ("Recorded.", or why not, in words). */
export class ChangeForm {
  busy = $state(false);
  message = $state<FormMessage | null>(null);

  /** Send `request`; on success `done` (e.g. empty the form: until then what was typed is
   * kept), said to screen readers too. */
  async send<T>(
    request: Promise<{ data?: T; error?: unknown; response: Response }>,
    done: (value: T) => void = () => {},
  ): Promise<ChangeResult<T>> {
    this.busy = true;
    this.message = null;
    const result = await recordChange(request);
    this.busy = false;
    if (result.kind === 'done') {
      done(result.value);
      this.message = { text: t('item.done'), error: false };
      announce(t('item.done'));
    } else this.message = { text: t('app.error', { detail: result.detail }), error: true };
    return result;
  }

  refuse(text: string): void {
    this.message = { text, error: true };
  }
}
