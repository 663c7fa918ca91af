import { describe, expect, it } from 'vitest';
import { backoffDelay, LiveClient, type ConnectionState, type SocketLike, type StopReason } from './liveClient';
import type { EventOut } from './protocol';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  sent: unknown[] = [];
  closedWith: number | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number) {
    this.closedWith = code ?? 1000;
  }
  // what the server does
  opened() {
    this.onopen?.({});
  }
  deliver(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  dropped(code: number) {
    this.onclose?.({ code });
  }
}

class FakeTimers {
  pending: { callback: () => void; ms: number }[] = [];
  set(callback: () => void, ms: number) {
    this.pending.push({ callback, ms });
    return this.pending.length - 1;
  }
  clear(handle: unknown) {
    this.pending[handle as number] = { callback: () => {}, ms: -1 };
  }
  fireLast() {
    this.pending.at(-1)?.callback();
  }
}

function event(position: number): EventOut {
  return {
    position,
    type: 'EvidenceItem.Sealed',
    aggregate_id: 'a',
    aggregate_version: position,
    investigation_id: 'i',
    recorded_at: '2025-01-01T00:00:00Z',
    actor: { user_id: 'u', country: 'FR', role: 'investigator' },
    data: {},
  };
}

function harness(after = 0) {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const applied: number[] = [];
  const states: ConnectionState[] = [];
  const stops: StopReason[] = [];
  const caughtUp: [number, boolean][] = [];
  const revised: string[][] = [];
  const client = new LiveClient({
    url: 'ws://x/investigations/i/live',
    open: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    after,
    timers,
    random: () => 0,
    baseDelayMs: 1000,
    maxDelayMs: 8000,
    handlers: {
      event: (e) => applied.push(e.position),
      caughtUp: (position, resumed) => caughtUp.push([position, resumed]),
      presence: () => {},
      verdicts: (ids) => revised.push(ids),
      state: (s) => states.push(s),
      stopped: (r) => stops.push(r),
    },
  });
  client.start();
  const socket = () => sockets.at(-1)!;
  return { client, sockets, socket, timers, applied, states, stops, caughtUp, revised };
}

describe('live client', () => {
  it('says hello with the last position it has', () => {
    const h = harness(41);
    h.socket().opened();
    expect(h.socket().sent).toEqual([{ type: 'hello', after: 41 }]);
  });

  it('applies events in order and each only once', () => {
    const h = harness();
    h.socket().opened();
    for (const p of [1, 2, 2, 1, 3]) h.socket().deliver({ type: 'event', event: event(p) });
    expect(h.applied).toEqual([1, 2, 3]);
    expect(h.client.lastPosition).toBe(3);
  });

  it('hands on verdicts a deadline changed, with no event and no position', () => {
    const h = harness();
    h.socket().opened();
    h.socket().deliver({ type: 'event', event: event(3) });
    h.socket().deliver({ type: 'verdicts', evidence_ids: ['e1', 'e2'] });
    h.socket().deliver({ type: 'verdicts', evidence_ids: 'e1' });
    expect(h.revised).toEqual([['e1', 'e2']]);
    expect(h.client.lastPosition).toBe(3);
  });

  it('resumes after the last event received when the connection drops', () => {
    const h = harness();
    h.socket().opened();
    h.socket().deliver({ type: 'event', event: event(5) });
    h.socket().deliver({ type: 'caught_up', position: 5 });
    h.socket().dropped(1006);
    expect(h.states.at(-1)).toBe('reconnecting');
    h.timers.fireLast();
    h.socket().opened();
    expect(h.socket().sent).toEqual([{ type: 'hello', after: 5 }]);
    // the server replays what it is unsure we had: nothing is applied twice
    h.socket().deliver({ type: 'event', event: event(5) });
    h.socket().deliver({ type: 'event', event: event(6) });
    h.socket().deliver({ type: 'caught_up', position: 6 });
    expect(h.applied).toEqual([5, 6]);
    expect(h.caughtUp).toEqual([
      [5, false],
      [6, true],
    ]);
    expect(h.states.at(-1)).toBe('connected');
  });

  it('backs off exponentially up to a ceiling, and starts over once caught up', () => {
    const h = harness();
    for (let i = 0; i < 5; i++) {
      h.socket().dropped(1006);
      h.timers.fireLast();
    }
    expect(h.timers.pending.map((t) => t.ms)).toEqual([500, 1000, 2000, 4000, 4000]);
    h.socket().opened();
    h.socket().deliver({ type: 'caught_up', position: 0 });
    h.socket().dropped(1006);
    expect(h.timers.pending.at(-1)?.ms).toBe(500);
  });

  it('waits longer when the server is full', () => {
    const h = harness();
    h.socket().dropped(1013);
    expect(h.timers.pending.at(-1)?.ms).toBe(4000);
  });

  it('reconnects from the resume point after an overflow without losing events', () => {
    const h = harness();
    h.socket().opened();
    h.socket().deliver({ type: 'event', event: event(10) });
    const first = h.socket();
    first.deliver({ type: 'overflow', resume_after: 10 });
    expect(first.closedWith).toBe(1000);
    expect(h.sockets).toHaveLength(2);
    h.socket().opened();
    expect(h.socket().sent).toEqual([{ type: 'hello', after: 10 }]);
    // the old socket's late close does not start a third connection
    first.dropped(1000);
    expect(h.sockets).toHaveLength(2);
  });

  it('stops for good when logged out or not a member', () => {
    const h = harness();
    h.socket().dropped(4401);
    expect(h.stops).toEqual(['logged-out']);
    expect(h.states.at(-1)).toBe('offline');
    expect(h.timers.pending).toHaveLength(0);

    const g = harness();
    g.socket().dropped(4404);
    expect(g.stops).toEqual(['not-member']);
  });

  it('reconnects soon after being dropped as too slow', () => {
    const h = harness();
    h.socket().dropped(4408);
    expect(h.timers.pending.at(-1)?.ms).toBe(500);
  });

  it('ignores messages it cannot read', () => {
    const h = harness();
    h.socket().onmessage?.({ data: 'not json' });
    h.socket().deliver({ type: 'event' });
    h.socket().deliver({ type: 'mystery' });
    expect(h.applied).toEqual([]);
  });

  it('does nothing after it was stopped', () => {
    const h = harness();
    const socket = h.socket();
    h.client.stop();
    expect(socket.closedWith).toBe(1000);
    socket.deliver({ type: 'event', event: event(1) });
    socket.dropped(1006);
    expect(h.applied).toEqual([]);
    expect(h.timers.pending).toHaveLength(0);
  });
});

describe('backoffDelay', () => {
  it('stays within half and all of the capped exponential delay', () => {
    expect(backoffDelay(0, 1000, 30_000, 0)).toBe(500);
    expect(backoffDelay(0, 1000, 30_000, 1)).toBe(1000);
    expect(backoffDelay(10, 1000, 30_000, 1)).toBe(30_000);
  });
});
