import { api, connectSession, problemText, type Schemas } from '../api/client';

/** `POST|GET /auth/session`: who is logged in and the CSRF token for writes (kept in
 * memory only; the session cookie itself is HttpOnly). */
export type BrowserSession = Schemas['BrowserSessionOut'];

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
    const { data } = await api.GET('/auth/session');
    if (data !== undefined) signIn(data);
    else signOut(false);
  } catch {
    signOut(false);
  }
}

export type LoginResult = { ok: true } | { ok: false; status: number; detail: string };

export async function logIn(username: string, password: string): Promise<LoginResult> {
  try {
    const { data, error, response } = await api.POST('/auth/session', { body: { username, password } });
    if (data === undefined) return { ok: false, status: response.status, detail: problemText(error, response.statusText) };
    signIn(data);
  } catch {
    return { ok: false, status: 0, detail: 'network error' };
  }
  channel?.postMessage({ type: 'logged-in' } satisfies SessionNews);
  return { ok: true };
}

export async function logOut(): Promise<void> {
  try {
    await api.POST('/auth/logout');
  } finally {
    signOut(false);
    channel?.postMessage({ type: 'logged-out' } satisfies SessionNews);
    // whoever logs in next starts from their own investigations, not from the screen of an
    // investigation that may not be theirs (an expired session keeps its place instead)
    if (typeof window !== 'undefined') window.location.hash = '#/';
  }
}

/** The live feed or an API call says the session is gone. */
export function sessionExpired(): void {
  signOut(true);
}
