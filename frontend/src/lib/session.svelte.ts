import { connectSession, csrfHeaders } from '../api/client';

/** `POST|GET /auth/session`: who is logged in and the CSRF token for writes. */
export interface BrowserSession {
  user: { id: string; username: string; display_name: string };
  csrf_token: string;
  expires_at: string;
}

export type SessionStatus = 'unknown' | 'anonymous' | 'signed-in';

interface SessionState {
  status: SessionStatus;
  session: BrowserSession | null;
  /** why the last session ended, for the login screen */
  ended: boolean;
}

/** Tabs of this browser tell each other when someone logs in or out. */
const channelName = 'jitspace-session';
type SessionNews = { type: 'logged-in' } | { type: 'logged-out' };

const state = $state<SessionState>({ status: 'unknown', session: null, ended: false });
const channel: BroadcastChannel | null =
  typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(channelName);

export const session = {
  get status(): SessionStatus {
    return state.status;
  },
  get user(): BrowserSession['user'] | null {
    return state.session?.user ?? null;
  },
  get ended(): boolean {
    return state.ended;
  },
};

function signIn(next: BrowserSession): void {
  state.session = next;
  state.status = 'signed-in';
  state.ended = false;
}

function signOut(ended: boolean): void {
  if (state.status === 'signed-in') state.ended = ended;
  state.session = null;
  state.status = 'anonymous';
}

connectSession({
  csrfToken: () => state.session?.csrf_token ?? null,
  unauthorised: () => signOut(true),
});

channel?.addEventListener('message', (message: MessageEvent<SessionNews>) => {
  if (message.data.type === 'logged-out') signOut(true);
  if (message.data.type === 'logged-in') void restoreSession();
});

/** Learns from the cookie, after a reload, who is logged in. */
export async function restoreSession(): Promise<void> {
  try {
    const response = await fetch('/auth/session', { credentials: 'same-origin' });
    if (response.ok) signIn((await response.json()) as BrowserSession);
    else signOut(false);
  } catch {
    signOut(false);
  }
}

export type LoginResult = { ok: true } | { ok: false; status: number; detail: string };

export async function logIn(username: string, password: string): Promise<LoginResult> {
  let response: Response;
  try {
    response = await fetch('/auth/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    return { ok: false, status: 0, detail: 'network error' };
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = (await response.json()) as { detail?: string; title?: string };
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // keep the status text
    }
    return { ok: false, status: response.status, detail };
  }
  signIn((await response.json()) as BrowserSession);
  channel?.postMessage({ type: 'logged-in' } satisfies SessionNews);
  return { ok: true };
}

export async function logOut(): Promise<void> {
  try {
    await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: csrfHeaders() });
  } finally {
    signOut(false);
    channel?.postMessage({ type: 'logged-out' } satisfies SessionNews);
  }
}

/** The live feed or an API call says the session is gone. */
export function sessionExpired(): void {
  signOut(true);
}
