import { api, type Schemas } from '../api/client';
import { LiveClient, type ConnectionState, type SocketLike } from './live/liveClient';
import type { EventOut, Viewer } from './live/protocol';
import type { Person } from './activity';

export type Investigation = Schemas['Investigation'];
export type Member = Schemas['MemberOut'];

/** What a view hears from the live feed: one new event, or "you may have missed some,
 * read again" after a reconnect. */
export type LiveNews = { kind: 'event'; event: EventOut } | { kind: 'resync' };

const keptActivity = 200;

function liveUrl(investigationId: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/investigations/${encodeURIComponent(investigationId)}/live`;
}

/** One open investigation: its record (parties, members), its live feed, and what the
 * feed taught us (references and task titles for phrasing, recent activity, presence).
 * Every view of the investigation reads this one store. */
export class InvestigationContext {
  investigation = $state<Investigation | null>(null);
  loadError = $state<string | null>(null);
  connection = $state<ConnectionState>('connecting');
  viewers = $state<Viewer[]>([]);
  /** newest first */
  activity = $state<EventOut[]>([]);
  caughtUp = $state(false);
  references = $state<Record<string, string>>({});
  taskTitles = $state<Record<string, string>>({});
  /** items handed over and not yet received: evidence id -> the recipient's user id */
  awaitingReceipt = $state<Record<string, string>>({});

  private readonly listeners = new Set<(news: LiveNews) => void>();
  private readonly client: LiveClient;
  private readonly onOnline = () => this.client.retryNow();
  private readonly onOffline = () => this.client.wentOffline();

  constructor(
    readonly id: string,
    private readonly handlers: { loggedOut(): void },
  ) {
    this.client = new LiveClient({
      url: liveUrl(id),
      open: (url) => new WebSocket(url) as unknown as SocketLike,
      handlers: {
        event: (event) => this.apply(event),
        caughtUp: (_position, resumed) => {
          this.caughtUp = true;
          if (resumed) this.tell({ kind: 'resync' });
        },
        presence: (viewers) => (this.viewers = viewers),
        state: (state) => (this.connection = state),
        stopped: (reason) => {
          if (reason === 'logged-out') this.handlers.loggedOut();
        },
      },
    });
  }

  start(): void {
    void this.load();
    this.client.start();
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
  }

  stop(): void {
    this.client.stop();
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.listeners.clear();
  }

  retry(): void {
    this.client.retryNow();
  }

  /** Hear about live events; returns the way to stop hearing. */
  listen(listener: (news: LiveNews) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  member(userId: string | null | undefined): Member | null {
    if (userId === null || userId === undefined) return null;
    return this.investigation?.members.find((m) => m.user_id === userId) ?? null;
  }

  person = (userId: string): Person | null => this.member(userId);

  reference = (evidenceId: string): string | null => this.references[evidenceId] ?? null;

  taskTitle = (taskId: string): string | null => this.taskTitles[taskId] ?? null;

  async load(): Promise<void> {
    const { data, error } = await api.GET('/investigations/{investigation_id}', {
      params: { path: { investigation_id: this.id } },
    });
    if (data !== undefined) {
      this.investigation = data;
      this.loadError = null;
    } else {
      this.loadError = error?.detail ?? error?.title ?? 'error';
    }
  }

  private apply(event: EventOut): void {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'EvidenceItem.Registered' && typeof data.reference === 'string') {
      this.references[event.aggregate_id] = data.reference;
    }
    if (event.type === 'Task.Created' && typeof data.title === 'string') {
      this.taskTitles[event.aggregate_id] = data.title;
    }
    if (event.type === 'EvidenceItem.HandedOver' || event.type === 'EvidenceItem.TransferredToParty') {
      if (typeof data.recipient_id === 'string') this.awaitingReceipt[event.aggregate_id] = data.recipient_id;
    }
    if (event.type === 'EvidenceItem.Received') delete this.awaitingReceipt[event.aggregate_id];
    this.activity = [event, ...this.activity].slice(0, keptActivity);
    if (!this.caughtUp) return; // the views read the current state when they open
    if (event.type.startsWith('Investigation.')) void this.load();
    this.tell({ kind: 'event', event });
  }

  private tell(news: LiveNews): void {
    for (const listener of this.listeners) listener(news);
  }
}
