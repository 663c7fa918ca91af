import type { MessageKey } from '../i18n/index.svelte';

/** Why a login through the identity provider came back refused, in the reader's words: the
 * server sends the browser back to `/?login=<reason>` (denied, expired, failed, not-linked, disabled);
 * null when the page was not opened so. */
export function providerRefusal(search: string, t: (key: MessageKey) => string): string | null {
  const reason = new URLSearchParams(search).get('login');
  if (reason === null) return null;
  const known: Record<string, MessageKey> = {
    denied: 'login.providerDenied',
    expired: 'login.providerExpired',
    'not-linked': 'login.providerNotLinked',
    disabled: 'login.providerDisabled',
  };
  return t(known[reason] ?? 'login.providerFailed');
}
