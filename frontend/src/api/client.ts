import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

/** What the client needs from the session: the CSRF token for writes, and a way to say
 * that the server no longer knows us. Set once by the session module. */
export interface SessionHooks {
  csrfToken(): string | null;
  unauthorised(): void;
}

let hooks: SessionHooks = { csrfToken: () => null, unauthorised: () => {} };

export function connectSession(next: SessionHooks): void {
  hooks = next;
}

export function csrfHeaders(): Record<string, string> {
  const token = hooks.csrfToken();
  return token === null ? {} : { 'X-CSRF-Token': token };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (!safeMethods.has(request.method)) {
      for (const [name, value] of Object.entries(csrfHeaders())) request.headers.set(name, value);
    }
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) hooks.unauthorised();
    return response;
  },
};

/** The typed client of the JITspace API (same origin; the session cookie authenticates). */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '', credentials: 'same-origin' });
api.use(sessionMiddleware);

/** The text to show for a failed request: the problem's detail, else its title. */
export function problemText(error: unknown, fallback: string): string {
  if (typeof error === 'object' && error !== null) {
    const problem = error as Partial<Problem>;
    if (typeof problem.detail === 'string' && problem.detail !== '') return problem.detail;
    if (typeof problem.title === 'string' && problem.title !== '') return problem.title;
  }
  return fallback;
}

/** The current version a 409 problem carries, if any. */
export function conflictVersion(error: unknown): number | null {
  if (typeof error === 'object' && error !== null && 'current_version' in error) {
    const version = (error as Problem).current_version;
    return typeof version === 'number' ? version : null;
  }
  return null;
}

/** The `If-Match` header value for a record version. */
export function ifMatch(version: number): string {
  return `"${version}"`;
}
