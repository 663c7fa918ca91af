import { CloseCode, parseMessage, type EventOut, type Viewer } from './protocol';

/** The part of a WebSocket the live client uses (a fake one in tests). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number): void;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** Why the feed stopped for good (no reconnect). */
export type StopReason = 'logged-out' | 'not-member' | 'refused';

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface LiveHandlers {
  event(event: EventOut): void;
  caughtUp(position: number, resumed: boolean): void;
  presence(viewers: Viewer[]): void;
  /** a deadline passed and changed these items' verdicts, with no event */
  verdicts?(evidenceIds: string[]): void;
  state(state: ConnectionState): void;
  stopped(reason: StopReason): void;
}

export interface LiveOptions {
  url: string;
  open(url: string): SocketLike;
  handlers: LiveHandlers;
  /** the last position the page already has (0: from the start) */
  after?: number;
  timers?: Timers;
  random?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const browserTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The backoff before reconnect attempt `attempt` (0-based): exponential, capped, with
 * jitter of up to half the delay so many tabs do not come back at the same instant. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** One investigation's live feed: says hello with the last position it has, applies each
 * event once, in order, and reconnects with backoff from where it stopped. */
export class LiveClient {
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private attempt = 0;
  private running = false;
  private hasCaughtUp = false;
  private position: number;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly baseDelay: number;
  private readonly maxDelay: number;

  constructor(private readonly options: LiveOptions) {
    this.position = options.after ?? 0;
    this.timers = options.timers ?? browserTimers;
    this.random = options.random ?? Math.random;
    this.baseDelay = options.baseDelayMs ?? 1000;
    this.maxDelay = options.maxDelayMs ?? 30_000;
  }

  /** The position of the last event applied. */
  get lastPosition(): number {
    return this.position;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect('connecting');
  }

  stop(): void {
    this.running = false;
    this.cancelTimer();
    this.dropSocket();
  }

  /** Reconnect now (the browser came back online, or the user asked). */
  retryNow(): void {
    if (!this.running) return;
    this.cancelTimer();
    this.dropSocket();
    this.attempt = 0;
    this.connect('reconnecting');
  }

  /** The browser says it is offline: stop trying until `retryNow`. */
  wentOffline(): void {
    if (!this.running) return;
    this.cancelTimer();
    this.dropSocket();
    this.options.handlers.state('offline');
  }

  private connect(state: ConnectionState): void {
    this.options.handlers.state(state);
    const socket = this.options.open(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      socket.send(JSON.stringify({ type: 'hello', after: this.position }));
    };
    socket.onmessage = (message) => {
      if (this.socket !== socket || typeof message.data !== 'string') return;
      this.receive(socket, message.data);
    };
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.closed(close.code);
    };
    socket.onerror = () => {
      // a close always follows an error; the close decides what to do
    };
  }

  private receive(socket: SocketLike, text: string): void {
    const message = parseMessage(text);
    if (message === null) return;
    const { handlers } = this.options;
    switch (message.type) {
      case 'event':
        if (message.event.position <= this.position) return; // already applied
        this.position = message.event.position;
        handlers.event(message.event);
        return;
      case 'caught_up': {
        this.attempt = 0;
        const resumed = this.hasCaughtUp;
        this.hasCaughtUp = true;
        handlers.state('connected');
        handlers.caughtUp(message.position, resumed);
        return;
      }
      case 'presence':
        handlers.presence(message.viewers);
        return;
      case 'verdicts':
        handlers.verdicts?.(message.evidence_ids);
        return;
      case 'overflow':
        // we fell behind: start again from the earlier of what we have and what it says
        this.position = Math.min(this.position, message.resume_after);
        this.socket = null;
        socket.close(1000);
        this.connect('reconnecting');
        return;
    }
  }

  private closed(code: number): void {
    if (!this.running) return;
    const { handlers } = this.options;
    const stopFor = (reason: StopReason) => {
      this.running = false;
      handlers.state('offline');
      handlers.stopped(reason);
    };
    if (code === CloseCode.loggedOut) return stopFor('logged-out');
    if (code === CloseCode.notMember) return stopFor('not-member');
    if (code === CloseCode.badHello) return stopFor('refused');
    // a full server asks us to wait longer before we try again
    const attempt = code === CloseCode.full ? Math.max(this.attempt, 3) : this.attempt;
    const delay = backoffDelay(attempt, this.baseDelay, this.maxDelay, this.random());
    this.attempt = attempt + 1;
    handlers.state('reconnecting');
    this.timer = this.timers.set(() => {
      this.timer = null;
      if (this.running) this.connect('reconnecting');
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }
}
