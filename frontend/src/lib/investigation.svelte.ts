import { api, type Schemas } from '../api/client';
import { LiveClient, type ConnectionState, type SocketLike, type StopReason } from './live/liveClient';
import type { EventOut, Viewer } from './live/protocol';
import type { Person } from './activity';
import { learn } from './feedFacts';
import { collect, emptyFeed, type InboxFeed } from './inbox';

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
  /** why the live feed stopped for good, if it did (not a member any more, refused) */
  liveStopped = $state<StopReason | null>(null);
  references = $state<Record<string, string>>({});
  taskTitles = $state<Record<string, string>>({});
  /** items handed over and not yet received: evidence id -> the recipient's user id */
  awaitingReceipt = $state<Record<string, string>>({});
  /** what the inbox needs from the whole log (activity keeps only recent events) */
  inboxFeed = $state.raw<InboxFeed>(emptyFeed());

  private readonly listeners = new Set<(news: LiveNews) => void>();
  private readonly verdictListeners = new Set<(evidenceIds: string[]) => void>();
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
          if (!this.caughtUp) this.flushReplay();
          this.caughtUp = true;
          if (resumed) this.tell({ kind: 'resync' });
        },
        presence: (viewers) => (this.viewers = viewers),
        verdicts: (evidenceIds) => {
          for (const listener of this.verdictListeners) listener(evidenceIds);
        },
        state: (state) => (this.connection = state),
        stopped: (reason) => {
          this.liveStopped = reason;
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
    this.verdictListeners.clear();
  }

  retry(): void {
    if (this.liveStopped === 'refused') {
      this.liveStopped = null;
      this.client.start();
    } else this.client.retryNow();
  }

  /** Hear about live events; returns the way to stop hearing. */
  listen(listener: (news: LiveNews) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hear about verdicts a passing deadline changed (no event marks it; a reconnect is told
   * as a resync to `listen`); returns the way to stop hearing. */
  listenVerdicts(listener: (evidenceIds: string[]) => void): () => void {
    this.verdictListeners.add(listener);
    return () => this.verdictListeners.delete(listener);
  }

  member(userId: string | null | undefined): Member | null {
    if (userId === null || userId === undefined) return null;
    return this.investigation?.members.find((m) => m.user_id === userId) ?? null;
  }

  person = (userId: string): Person | null => this.member(userId);

  reference = (evidenceId: string): string | null => this.references[evidenceId] ?? null;

  taskTitle = (taskId: string): string | null => this.taskTitles[taskId] ?? null;

  /** What the signed-in member may do here (null until known: offer nothing yet). */
  actions = $state<string[] | null>(null);

  may = (action: Schemas['Action']): boolean => this.actions?.includes(action) ?? false;

  async load(): Promise<void> {
    void api
      .GET('/investigations/{investigation_id}/membership', { params: { path: { investigation_id: this.id } } })
      .then(({ data }) => {
        if (data !== undefined) this.actions = data.actions;
      });
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

  // While the feed replays the log (from the start: the API has no "latest N"), events go
  // into plain, non-reactive collections and reach the page in one go at `caught_up`; a
  // re-render per replayed event would cost a large investigation seconds of main thread.
  private backlog: EventOut[] = [];
  private replayedInbox = emptyFeed();
  private replayed = { references: {} as Record<string, string>, taskTitles: {} as Record<string, string>, awaiting: {} as Record<string, string> };

  private apply(event: EventOut): void {
    if (!this.caughtUp) {
      learn(this.replayed, event);
      collect(this.replayedInbox, event);
      this.backlog.push(event);
      if (this.backlog.length > 2 * keptActivity) this.backlog = this.backlog.slice(-keptActivity);
      return;
    }
    learn({ references: this.references, taskTitles: this.taskTitles, awaiting: this.awaitingReceipt }, event);
    collect(this.inboxFeed, event);
    this.inboxFeed = { ...this.inboxFeed };
    this.activity = [event, ...this.activity].slice(0, keptActivity);
    if (event.type.startsWith('Investigation.')) void this.load();
    this.tell({ kind: 'event', event });
  }

  private flushReplay(): void {
    this.references = this.replayed.references;
    this.taskTitles = this.replayed.taskTitles;
    this.awaitingReceipt = this.replayed.awaiting;
    this.inboxFeed = this.replayedInbox;
    this.replayedInbox = emptyFeed();
    this.activity = this.backlog.slice(-keptActivity).reverse();
    this.backlog = [];
  }

  private tell(news: LiveNews): void {
    for (const listener of this.listeners) listener(news);
  }
}
