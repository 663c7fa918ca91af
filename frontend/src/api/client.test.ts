import { describe, expect, it, vi } from 'vitest';

describe('the API client', () => {
  it('sends the CSRF token on writes only, and reports a lost session', async () => {
    vi.stubGlobal('location', { origin: 'http://jitspace.test' });
    const seen: Request[] = [];
    let status = 200;
    vi.stubGlobal('fetch', async (request: Request) => {
      seen.push(request);
      return new Response('{}', { status, headers: { 'Content-Type': 'application/json' } });
    });
    const { api, connectSession } = await import('./client');
    let lost = 0;
    connectSession({ csrfToken: () => 'token-1', unauthorised: () => (lost += 1) });

    await api.POST('/auth/logout');
    await api.GET('/investigations');
    expect(seen[0]?.headers.get('X-CSRF-Token')).toBe('token-1');
    expect(seen[1]?.headers.get('X-CSRF-Token')).toBeNull();
    expect(lost).toBe(0);

    status = 401;
    await api.GET('/investigations');
    expect(lost).toBe(1);
    vi.unstubAllGlobals();
  });
});
